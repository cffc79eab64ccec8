"""The Web API client every part of the bot makes from the settings: listeners, deliverers, CLI."""

from __future__ import annotations

from bot.config import Settings
from bot.slack_http import KeepAliveWebClient
from bot.slack_retries import listener_retries


def web_client(settings: Settings, *, retries: bool) -> KeepAliveWebClient:
    """Listeners retry a 429, a 5xx or a dropped connection on the spot, except that a call spending
    a trigger_id never sleeps first (bot/slack_retries.py; a `views.open` that did reach Slack cannot
    open twice: a trigger is single-use); the dispatcher leaves all that to the outbox's backoff (a
    sleeping retry there would hold up every other row)."""
    return KeepAliveWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=listener_retries() if retries else [],
    )
