"""Slack listeners, one module per surface, each with `register(app, services[, router])`."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services


def register_all(app: App, services: Services) -> None:
    from handlers import commands, export, home, views

    router = commands.Router()
    commands.register(app, services, router)  # /ticket itself, help and mine
    views.register(app, services)
    home.register(app, services)
    export.register(app, services, router)  # /ticket export, the Home's Export to Excel button
