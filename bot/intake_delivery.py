"""Delivering `slack.source_reply` rows: a ticket filed from a Slack message answers in that
message's thread with its number, and its cards get a link back to the message.

The permalink is asked of Slack here (chat.getPermalink), never while filing: no Slack call may
happen inside the ticket's transaction, and a permalink from Slack is a URL we can trust in a card.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.dispatcher import Permanent
from bot.slack_errors import call
from handlers.blocks.intake import source_reply
from handlers.services import Services
from storage.cards import remember_permalink
from storage.models import Ticket

log = logging.getLogger("ticketbot.slack")

# The bot cannot post there (not invited, a DM between people, archived): the reporter's DM card
# already has the number, so the row is done, not retried for a day.
UNREACHABLE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "thread_not_found"})
PERMALINK_MAX = 500  # the column's size


class SourceReplies:
    def __init__(
        self,
        client: WebClient,
        services: Services,
        ticket: Callable[[int], Ticket],
        call: Callable[..., Any] = call,
    ) -> None:
        self.client = client
        self.services = services
        self._ticket = ticket  # CardReads.ticket: Permanent when gone
        self.call = call  # slack_errors.call, or a Pacer's (bot.slack_pacing)

    def deliver(self, payload: dict[str, Any]) -> None:
        ticket = self._ticket(payload["ticket_id"])
        channel, ts = ticket.source_channel, ticket.source_ts
        if not channel or not ts:
            return
        if not ticket.source_permalink:
            self._remember_permalink(ticket, channel, ts)
        message = source_reply(self.services.tr, ticket)
        thread_ts = payload.get("thread_ts") or ts
        try:
            self.call(
                self.client.chat_postMessage, channel=channel, thread_ts=thread_ts, **message.as_kwargs()
            )
        except Permanent as error:
            if str(error) not in UNREACHABLE:
                raise
            log.warning(
                "cannot answer in the thread of %s's message in %s (%s); its DM card has the number",
                ticket.number,
                channel,
                error,
            )

    def _remember_permalink(self, ticket: Ticket, channel: str, ts: str) -> None:
        try:
            response = self.call(self.client.chat_getPermalink, channel=channel, message_ts=ts)
        except Permanent as error:
            log.warning("no permalink for the message of %s in %s (%s)", ticket.number, channel, error)
            return
        permalink = response.get("permalink")
        if not isinstance(permalink, str) or not permalink.startswith("https://"):
            log.warning("Slack gave no usable permalink for %s: %r", ticket.number, permalink)
            return
        if len(permalink) > PERMALINK_MAX:
            log.warning("the permalink of %s's message is too long to keep", ticket.number)
            return
        remember_permalink(self.services.db, ticket.id, permalink)
