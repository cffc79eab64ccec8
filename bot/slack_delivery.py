"""Delivering the outbox's Slack rows: ticket cards posted then kept current, thread replies."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.dispatcher import Deferred, Deliver, Permanent, Retry
from bot.intake_delivery import SourceReplies
from bot.known_cards import card_hints, staff_hints_ahead
from bot.reaction_delivery import Reactions
from bot.relayed_copies import RelayedCopies
from bot.similar_cards import triage_suggestions, triage_suggestions_ahead
from bot.slack_pacing import Pacer
from bot.triage_burst import TriageBursts
from handlers.blocks.actions import card_actions
from handlers.blocks.card_metadata import TICKET_CREATED, TICKET_UPDATED, card_metadata
from handlers.blocks.cards import Message, ticket_card
from handlers.blocks.incident_actions import suggestion_buttons
from handlers.blocks.replies import event_reply
from handlers.blocks.sla import sla_line
from handlers.i18n import Translator
from handlers.services import Services
from handlers.text import mention
from storage import outbox, read_ahead
from storage.cards import card_of, remember_card
from storage.comment_edits import remember_copy
from storage.models import Ticket
from storage.notifications import ENGINEER, FORMER_ENGINEER, REPORTER, TRIAGE
from storage.read_ahead import NOTHING_AHEAD

log = logging.getLogger("ticketbot.slack")

# (ticket, audience, whose DM it is when not the audience's own: a former engineer) → the card
CardRenderer = Callable[[Ticket, str, str | None], Message]

# Card rows: drawn from the ticket at delivery, so one stands for the later ones of its stream.
CARD_KINDS = frozenset({outbox.SLACK_TRIAGE_CARD, outbox.SLACK_REPORTER_CARD, outbox.SLACK_ENGINEER_CARD})
# Rows whose payload names a ticket (and, for replies, an event) read ahead for a whole group.
TICKET_KINDS = frozenset(
    {
        outbox.SLACK_TRIAGE_CARD,
        outbox.SLACK_REPORTER_CARD,
        outbox.SLACK_ENGINEER_CARD,
        outbox.SLACK_EVENT_REPLY,
        outbox.SLACK_SOURCE_REPLY,
    }
)


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
        self.render_card = render_card or self._plain_card
        self._ahead = NOTHING_AHEAD
        self._similar_ahead: dict[int, list] = {}
        self._links_ahead: dict[int, list] = {}  # the suggestion lines' actions (incidents)
        self._known_ahead: dict[int, list] = {}  # "Solved before" of the group's triage cards
        # Every call draws on Slack's rate budgets first (bot.slack_pacing): none sleeps.
        self.pacer = pacer or Pacer(services.db, enabled=settings.slack_pacing)
        self.bursts = TriageBursts(client, services, settings, self.pacer, self._ticket, self._engineers)

    def deliverers(self) -> dict[str, Deliver]:
        return {
            outbox.SLACK_TRIAGE_CARD: lambda p: self.sync_card(p, TRIAGE),
            outbox.SLACK_REPORTER_CARD: lambda p: self.sync_card(p, REPORTER),
            outbox.SLACK_ENGINEER_CARD: lambda p: self.sync_card(p, ENGINEER),
            outbox.SLACK_EVENT_REPLY: self.event_reply,
            outbox.SLACK_SOURCE_REPLY: SourceReplies(
                self.client, self.services, self._ticket, self.pacer.call
            ).deliver,
            outbox.SLACK_REACTION: Reactions(self.client, self.pacer.call).deliver,
            outbox.SLACK_RELAYED_COPY: RelayedCopies(
                self.client, self.services, self._ticket, self._reader_tr, self.pacer.call
            ).deliver,
        }

    def prepare(self, rows: list[outbox.Claimed]) -> None:
        """Dispatcher hook: read the tickets, events and engineer list a group of rows needs in
        one session (each row used to open two or three of its own). Read a moment before each
        row leaves, they are as current as a row's own read was: a change after it has rows of
        its own, queued behind this one in the same stream."""
        self._ahead, self._similar_ahead, self._links_ahead, self._known_ahead = NOTHING_AHEAD, {}, {}, {}
        self.bursts.listed = set()
        rows = [row for row in rows if row.kind in TICKET_KINDS]
        ticket_ids = {row.payload["ticket_id"] for row in rows}
        if not ticket_ids:
            return
        event_ids = {row.payload["event_id"] for row in rows if row.kind == outbox.SLACK_EVENT_REPLY}
        picking = any(row.kind == outbox.SLACK_TRIAGE_CARD for row in rows)
        self._ahead = read_ahead.for_cards(
            self.services.db, self.services.people, ticket_ids, event_ids, picking=picking
        )
        triage = {row.payload["ticket_id"] for row in rows if row.kind == outbox.SLACK_TRIAGE_CARD}
        found = [self._ahead.tickets[i] for i in triage if i in self._ahead.tickets]
        self._similar_ahead = triage_suggestions_ahead(self.services.db, found) if found else {}
        if self._similar_ahead:
            cards = [(t, self._similar_ahead.get(t.id, [])) for t in found]
            self._links_ahead = self.services.incidents.suggestion_links_for_each(cards)
        self._known_ahead = staff_hints_ahead(self.services, found) if found else {}
        self.bursts.prepare(rows)  # many new tickets for the triage channel: list them at once

    # -- cards -------------------------------------------------------------------------------

    def sync_card(self, payload: dict[str, Any], audience: str) -> None:
        """Post the audience's card if it has none yet, else redraw it in place."""
        if "ts" in payload:
            self._redraw_former_card(payload)
            return
        ticket = self._ticket(payload["ticket_id"])
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
        ticket = self._ticket(payload["ticket_id"], fresh=fresh)
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
        if audience == TRIAGE:
            if not self.settings.triage_channel_id:
                raise Permanent("TRIAGE_CHANNEL_ID is not set")
            return self.settings.triage_channel_id
        if audience == REPORTER:
            return ticket.reporter_id  # a user id as channel: Slack posts in the app's DM with them
        return ticket.engineer_id

    def _reader_tr(self, ticket: Ticket, audience: str, reader: str | None = None) -> Translator:
        """A DM speaks its person's language; the triage channel the workspace's."""
        if audience == REPORTER:
            reader = ticket.reporter_id
        elif audience == ENGINEER:
            reader = ticket.engineer_id
        return self.services.tr_for(reader) if audience != TRIAGE else self.services.tr

    def _plain_card(self, ticket: Ticket, audience: str, reader: str | None = None) -> Message:
        """The card with what its audience may do: triage → engineer picker, the engineer's DM
        → status buttons and Add note, the reporter's DM → Reopen once closed."""
        tr, workspace = self._reader_tr(ticket, audience, reader), self.services.workspace
        intro = None
        if audience == REPORTER:
            intro = tr("card.received", number=ticket.number)
        elif audience == ENGINEER:
            intro = tr("card.assigned_to_you", number=ticket.number)
        elif audience == FORMER_ENGINEER:
            intro = tr(
                "card.taken_from_you", number=ticket.number, engineer=mention(ticket.engineer_id or "")
            )
        picking = audience == TRIAGE and ticket.status != "closed"
        engineers = self._engineers() if picking else []
        actions = card_actions(tr, ticket, audience, engineers, workspace.specialty_for(ticket.category))
        sla = sla_line(tr, ticket, self.services.tickets.clock(), staff=audience != REPORTER)
        # Other people's tickets: on the triage card only, which only staff see.
        similar, buttons = (), None
        if audience == TRIAGE:
            similar = self._similar_ahead.get(ticket.id)
            links = self._links_ahead.get(ticket.id) if similar is not None else None
            if similar is None:
                similar = triage_suggestions(self.services.db, ticket)
            # Each line's action (link to its incident, declare one with both); none of an
            # incident the ticket was kept out of (storage.incident_reads).
            if links is None:
                links = self.services.incidents.suggestion_links(ticket, similar)
            similar = [link.suggestion for link in links]
            buttons = suggestion_buttons(tr, ticket, links)
        # Solved before (staff), a known issue and fix (the reporter's receipt).
        hints = card_hints(
            self.services, tr, ticket, audience, self._known_ahead if audience == TRIAGE else None
        )
        return ticket_card(
            tr,
            ticket,
            workspace.categories,
            intro=intro,
            actions=actions,
            sla=sla,
            similar=similar,
            similar_buttons=buttons,
            hints=hints,
        )

    # -- thread replies ----------------------------------------------------------------------

    def event_reply(self, payload: dict[str, Any]) -> None:
        audience = payload["audience"]
        ticket = self._ticket(payload["ticket_id"])
        event = self._ahead.events.get(payload["event_id"])
        if event is None:
            event = read_ahead.get_event(self.services.db, payload["event_id"])
            if event is None:
                raise Permanent(f"event {payload['event_id']} not found")
        if "thread_ts" in payload:  # the card of an engineer the ticket was taken from
            channel, thread_ts = payload["channel"], payload["thread_ts"]
            tr = self._reader_tr(ticket, FORMER_ENGINEER, payload.get("user"))
            message = event_reply(tr, event, to_previous_engineer=True)
        else:
            channel, thread_ts = card_of(ticket, audience)
            channel = channel or self._destination(ticket, audience)
            admins = self.services.roles.admins
            tr = self._reader_tr(ticket, audience)
            relayed = bool(payload.get("relay"))  # written in another card's thread: who wrote it
            message = event_reply(tr, event, ticket=ticket, admins=admins, relayed=relayed)
            if relayed and channel and not thread_ts:
                channel, thread_ts = self._card_first(ticket, audience)
        if channel is None or (payload.get("relay") and event.note is None):
            return  # nowhere to post, or a comment deleted before its relay left
        extra = {"reply_broadcast": True} if payload.get("broadcast") and thread_ts else {}
        response = self.pacer.call(
            self.client.chat_postMessage, channel=channel, thread_ts=thread_ts, **extra, **message.as_kwargs()
        )
        if payload.get("relay"):  # where the copy is, for its author's edits and deletion
            remember_copy(self.services.db, event.id, response["channel"], response["ts"])

    def _card_first(self, ticket: Ticket, audience: str) -> tuple[str, str]:
        """A copy goes in the thread of its card, whose rows are in a stream of their own
        (notifications.relay_stream): not posted yet, the copy waits for it."""
        channel, ts = card_of(self._ticket(ticket.id, fresh=True), audience)
        if not (channel and ts):
            raise Retry(f"the {audience} card of {ticket.number} is not posted yet", retry_after=2)
        return channel, ts

    # -- plumbing ----------------------------------------------------------------------------

    def _engineers(self) -> list:
        engineers = self._ahead.engineers
        return engineers if engineers is not None else self.services.people.engineers()

    def _ticket(self, ticket_id: int, *, fresh: bool = False) -> Ticket:
        ticket = None if fresh else self._ahead.tickets.get(ticket_id)
        if ticket is not None:
            return ticket
        ticket = read_ahead.get_ticket(self.services.db, ticket_id)
        if ticket is None:
            raise Permanent(f"ticket {ticket_id} not found")
        return ticket
