"""Slack listeners, one module per surface, each with `register(app, services)`."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services


def register_all(app: App, services: Services) -> None:
    from handlers import commands, home, views

    for surface in (commands, views, home):
        surface.register(app, services)
