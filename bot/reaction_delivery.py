"""Delivering `slack.reaction` rows: ✅ on a message written in a ticket card's thread, once
what it said was relayed (the row leaves after the relay, in the same stream)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_errors import call

# Nothing left to do: it shows already (a redelivered row), or the message was deleted since.
DONE_ALREADY = frozenset({"already_reacted", "message_not_found", "no_item_specified"})


class Reactions:
    def __init__(self, client: WebClient, call: Callable[..., Any] = call) -> None:
        self.client = client
        self.call = call  # slack_errors.call, or a Pacer's: reactions.add is Tier 3 (bot.slack_pacing)

    def deliver(self, payload: dict[str, Any]) -> None:
        where = {"channel": payload["channel"], "timestamp": payload["ts"], "name": payload["name"]}
        try:
            self.call(self.client.reactions_add, **where)
        except Exception as error:  # Retry or Permanent, from the SlackApiError behind it
            cause = error.__cause__
            if isinstance(cause, SlackApiError) and cause.response.get("error") in DONE_ALREADY:
                return
            raise
