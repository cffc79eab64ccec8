"""Slack listeners, one module per surface, each with `register(app, services[, router][, homes])`."""

from __future__ import annotations

from slack_bolt import App

from handlers.services import Services


def register_all(app: App, services: Services) -> None:
    from handlers import commands, dashboard, engineers, export, home, lookup, retries, triage, views, work

    retries.register(app)
    router = commands.Router()
    commands.register(app, services, router)  # /ticket itself, help and mine
    lookup.register(app, services, router)  # /ticket status TKT-…, /ticket TKT-…, /ticket list
    engineers.register(app, services, router)  # /ticket engineers …
    views.register(app, services)
    homes = dashboard.HomeTabs(services)  # the Home tab by role, redrawn after clicks on it
    home.register(app, services, homes)
    dashboard.register(app, services, homes)
    triage.register(app, services, homes)
    work.register(app, services, homes)
    export.register(app, services, router)  # /ticket export, the Home's Export to Excel button

    from handlers import digest

    digest.register(app, services, router)  # /ticket digest on|off

    from handlers import intake

    intake.register(app, services)  # the "Create ticket" message shortcut, :ticket: reactions

    from handlers import csat

    csat.register(app, services)  # "Was your problem solved?" on the reporter's closed card
