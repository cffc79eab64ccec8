"""Delivering `slack.event_reply` rows: what happened to a ticket, told in the thread of each
audience's card (or, for an engineer the ticket was taken from, of their former card). A relay
(a comment written in another card's thread) waits for its card, and where its copy is posted
is remembered for its author's edits and deletion (bot.relayed_copies)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.card_drawing import destination, reader_tr
from bot.card_reads import CardReads
from bot.config import Settings
from bot.dispatcher import Retry
from handlers.blocks.replies import event_reply
from handlers.services import Services
from storage.cards import card_of
from storage.comment_edits import remember_copy
from storage.models import Ticket
from storage.notifications import FORMER_ENGINEER


class EventReplies:
    def __init__(
        self,
        client: WebClient,
        services: Services,
        settings: Settings,
        reads: CardReads,
        call: Callable[..., Any],
    ) -> None:
        self.client = client
        self.services = services
        self.settings = settings
        self.reads = reads
        self.call = call  # a Pacer's (bot.slack_pacing)

    def deliver(self, payload: dict[str, Any]) -> None:
        audience = payload["audience"]
        ticket = self.reads.ticket(payload["ticket_id"])
        event = self.reads.event(payload["event_id"])
        if "thread_ts" in payload:  # the card of an engineer the ticket was taken from
            channel, thread_ts = payload["channel"], payload["thread_ts"]
            tr = reader_tr(self.services, ticket, FORMER_ENGINEER, payload.get("user"))
            message = event_reply(tr, event, to_previous_engineer=True)
        else:
            channel, thread_ts = card_of(ticket, audience)
            channel = channel or destination(self.settings, ticket, audience)
            admins = self.services.roles.admins
            tr = reader_tr(self.services, ticket, audience)
            relayed = bool(payload.get("relay"))  # written in another card's thread: who wrote it
            message = event_reply(tr, event, ticket=ticket, admins=admins, relayed=relayed)
            if relayed and channel and not thread_ts:
                channel, thread_ts = self._card_first(ticket, audience)
        if channel is None or (payload.get("relay") and event.note is None):
            return  # nowhere to post, or a comment deleted before its relay left
        extra = {"reply_broadcast": True} if payload.get("broadcast") and thread_ts else {}
        response = self.call(
            self.client.chat_postMessage, channel=channel, thread_ts=thread_ts, **extra, **message.as_kwargs()
        )
        if payload.get("relay"):  # where the copy is, for its author's edits and deletion
            remember_copy(self.services.db, event.id, response["channel"], response["ts"])

    def _card_first(self, ticket: Ticket, audience: str) -> tuple[str, str]:
        """A copy goes in the thread of its card, whose rows are in a stream of their own
        (notifications.relay_stream): not posted yet, the copy waits for it."""
        channel, ts = card_of(self.reads.ticket(ticket.id, fresh=True), audience)
        if not (channel and ts):
            raise Retry(f"the {audience} card of {ticket.number} is not posted yet", retry_after=2)
        return channel, ts
