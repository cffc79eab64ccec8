"""Slack listeners, one module per surface, each with `register(app, services[, router])`."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services


def register_all(app: App, services: Services) -> None:
    from handlers import commands, home, retries, views

    retries.register(app)
    router = commands.Router()
    commands.register(app, services, router)  # /ticket itself, help and mine
    views.register(app, services)
    home.register(app, services)
