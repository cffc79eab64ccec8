"""Delivering the outbox's Slack rows: ticket cards posted then kept current (drawn by
bot/card_drawing.py from what bot/card_reads.py read for the group), thread replies
(bot/thread_replies.py), and the rows of their own modules (source replies, reactions, copies)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.card_drawing import PlainCards, destination, reader_tr
from bot.card_reads import CardReads
from bot.config import Settings
from bot.dispatcher import Deferred, Deliver, Permanent
from bot.intake_delivery import SourceReplies
from bot.reaction_delivery import Reactions
from bot.relayed_copies import RelayedCopies
from bot.slack_pacing import Pacer
from bot.thread_replies import EventReplies
from bot.triage_burst import TriageBursts
from handlers.blocks.card_metadata import TICKET_CREATED, TICKET_UPDATED, card_metadata
from handlers.blocks.cards import Message
from handlers.i18n import Translator
from handlers.services import Services
from storage import outbox
from storage.cards import card_of, remember_card
from storage.models import Ticket
from storage.notifications import ENGINEER, FORMER_ENGINEER, REPORTER, TRIAGE

log = logging.getLogger("ticketbot.slack")

# (ticket, audience, whose DM it is when not the audience's own: a former engineer) → the card
CardRenderer = Callable[[Ticket, str, str | None], Message]

# Card rows: drawn from the ticket at delivery, so one stands for the later ones of its stream.
CARD_KINDS = frozenset({outbox.SLACK_TRIAGE_CARD, outbox.SLACK_REPORTER_CARD, outbox.SLACK_ENGINEER_CARD})


class SlackDelivery:
    def __init__(
        self,
        client: WebClient,
        services: Services,
        settings: Settings,
        render_card: CardRenderer | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.client = client
        self.services = services
        self.settings = settings
        self.reads = CardReads(services)
        self.render_card = render_card or PlainCards(services, self.reads)
        # Every call draws on Slack's rate budgets first (bot.slack_pacing): none sleeps.
        self.pacer = pacer or Pacer(services.db, enabled=settings.slack_pacing)
        self.bursts = TriageBursts(
            client, services, settings, self.pacer, self.reads.ticket, self.reads.engineers
        )

    def deliverers(self) -> dict[str, Deliver]:
        return {
            outbox.SLACK_TRIAGE_CARD: lambda p: self.sync_card(p, TRIAGE),
            outbox.SLACK_REPORTER_CARD: lambda p: self.sync_card(p, REPORTER),
            outbox.SLACK_ENGINEER_CARD: lambda p: self.sync_card(p, ENGINEER),
            outbox.SLACK_EVENT_REPLY: EventReplies(
                self.client, self.services, self.settings, self.reads, self.pacer.call
            ).deliver,
            outbox.SLACK_SOURCE_REPLY: SourceReplies(
                self.client, self.services, self.reads.ticket, self.pacer.call
            ).deliver,
            outbox.SLACK_REACTION: Reactions(self.client, self.pacer.call).deliver,
            outbox.SLACK_RELAYED_COPY: RelayedCopies(
                self.client, self.services, self.reads.ticket, self._reader_tr, self.pacer.call
            ).deliver,
        }

    def prepare(self, rows: list[outbox.Claimed]) -> None:
        """Dispatcher hook: read what the group needs in one go (bot.card_reads), then list a
        burst of new tickets for the triage channel at once (bot.triage_burst)."""
        self.bursts.listed = set()
        rows = self.reads.prepare(rows)
        if rows:
            self.bursts.prepare(rows)

    # -- cards -------------------------------------------------------------------------------

    def sync_card(self, payload: dict[str, Any], audience: str) -> None:
        """Post the audience's card if it has none yet, else redraw it in place."""
        if "ts" in payload:
            self._redraw_former_card(payload)
            return
        ticket = self.reads.ticket(payload["ticket_id"])
        destination = self._destination(ticket, audience)
        if destination is None:
            return  # e.g. the engineer was unassigned before the card left: nothing to show
        message = self.render_card(ticket, audience, None)
        channel, ts = card_of(ticket, audience)
        if channel and ts:
            try:
                updated = card_metadata(ticket, audience, TICKET_UPDATED)
                self.pacer.call(
                    self.client.chat_update, channel=channel, ts=ts, metadata=updated, **message.as_kwargs()
                )
                return
            except Permanent as error:
                if "message_not_found" not in str(error):
                    raise
                log.warning("card of %s in %s was deleted; posting it again", ticket.number, channel)
        created = card_metadata(ticket, audience, TICKET_CREATED)
        # A new ticket not yet listed comes back at the channel's next free slot, not behind the
        # queue: a burst of them is then listed together (bot.triage_burst).
        queue = audience != TRIAGE or ticket.id in self.bursts.listed
        try:
            response = self.pacer.call(
                self.client.chat_postMessage,
                queue=queue,
                channel=destination,
                metadata=created,
                **message.as_kwargs(),
            )
        except Deferred as error:
            raise self.bursts.later(ticket.id, error) if audience == TRIAGE else error from None
        stored = remember_card(self.services.db, ticket, audience, response["channel"], response["ts"])
        if audience == ENGINEER and not stored:
            # Reassigned between the read and the post: this card went to the former engineer
            # and is nobody's now. Redraw it at once without buttons, from the ticket as it is.
            # (If that fails its buttons stay, and refuse: only the ticket's engineer may use them.)
            former = {"ticket_id": ticket.id, "channel": response["channel"], "ts": response["ts"]}
            former["user"] = ticket.engineer_id  # whom it went to: the card speaks their language
            try:
                self._redraw_former_card(former, fresh=True)
            except Exception:
                log.warning(
                    "could not redraw %s's card for its former engineer", ticket.number, exc_info=True
                )

    def _redraw_former_card(self, payload: dict[str, Any], *, fresh: bool = False) -> None:
        """The DM card of an engineer the ticket was taken from, redrawn without its buttons
        (`fresh`: from the ticket read now, not from what the group read ahead)."""
        ticket = self.reads.ticket(payload["ticket_id"], fresh=fresh)
        message = self.render_card(ticket, FORMER_ENGINEER, payload.get("user"))
        try:
            former = card_metadata(ticket, FORMER_ENGINEER, TICKET_UPDATED)
            where = {"channel": payload["channel"], "ts": payload["ts"]}
            self.pacer.call(self.client.chat_update, **where, metadata=former, **message.as_kwargs())
        except Permanent as error:
            if "message_not_found" not in str(error):
                raise
            log.info(
                "the former engineer's card of ticket %s is gone; nothing to redraw", payload["ticket_id"]
            )

    def _destination(self, ticket: Ticket, audience: str) -> str | None:
        return destination(self.settings, ticket, audience)

    def _reader_tr(self, ticket: Ticket, audience: str, reader: str | None = None) -> Translator:
        return reader_tr(self.services, ticket, audience, reader)
