"""Delivering the outbox's Slack rows: ticket cards posted then kept current, thread replies."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlalchemy import Update, bindparam, select

from bot.config import Settings
from bot.dispatcher import Deliver, Permanent, Retry
from bot.intake_delivery import SourceReplies
from handlers.blocks.actions import card_actions
from handlers.blocks.cards import Message, ticket_card
from handlers.blocks.replies import event_reply
from handlers.blocks.sla import sla_line
from handlers.services import Services
from handlers.text import mention
from storage import outbox
from storage.models import Ticket, TicketEvent
from storage.notifications import ENGINEER, FORMER_ENGINEER, REPORTER, TRIAGE
from storage.people import EngineerLoad

log = logging.getLogger("ticketbot.slack")

# Errors no retry can fix: the row goes dead at once, with the reason.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_blocks",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "user_not_found",
        "cannot_dm_bot",
        "missing_scope",
        "msg_too_long",
        "no_text",
    }
)

# Which ticket columns hold each audience's card.
CARD_COLUMNS = {
    TRIAGE: ("triage_channel", "triage_ts"),
    REPORTER: ("reporter_dm_channel", "reporter_dm_ts"),
    ENGINEER: ("engineer_dm_channel", "engineer_dm_ts"),
}

CardRenderer = Callable[[Ticket, str], Message]

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


@dataclass(frozen=True)
class ReadAhead:
    """What a group of rows needs, read in one session before they are delivered."""

    tickets: dict[int, Ticket] = field(default_factory=dict)
    events: dict[int, TicketEvent] = field(default_factory=dict)
    engineers: list[EngineerLoad] | None = None  # for triage cards' pickers


NOTHING_AHEAD = ReadAhead()


class SlackDelivery:
    def __init__(
        self,
        client: WebClient,
        services: Services,
        settings: Settings,
        render_card: CardRenderer | None = None,
    ) -> None:
        self.client = client
        self.services = services
        self.settings = settings
        self.render_card = render_card or self._plain_card
        self._ahead = NOTHING_AHEAD

    def deliverers(self) -> dict[str, Deliver]:
        return {
            outbox.SLACK_TRIAGE_CARD: lambda p: self.sync_card(p, TRIAGE),
            outbox.SLACK_REPORTER_CARD: lambda p: self.sync_card(p, REPORTER),
            outbox.SLACK_ENGINEER_CARD: lambda p: self.sync_card(p, ENGINEER),
            outbox.SLACK_EVENT_REPLY: self.event_reply,
            outbox.SLACK_SOURCE_REPLY: SourceReplies(
                self.client, self.services, self._ticket, self._call
            ).deliver,
        }

    def prepare(self, rows: list[outbox.Claimed]) -> None:
        """Dispatcher hook: read the tickets, events and engineer list a group of rows needs in
        one session (each row used to open two or three of its own). Read a moment before each
        row leaves, they are as current as a row's own read was: a change after it has rows of
        its own, queued behind this one in the same stream."""
        self._ahead = NOTHING_AHEAD
        rows = [row for row in rows if row.kind in TICKET_KINDS]
        ticket_ids = {row.payload["ticket_id"] for row in rows}
        if not ticket_ids:
            return
        event_ids = {row.payload["event_id"] for row in rows if row.kind == outbox.SLACK_EVENT_REPLY}
        picking = any(row.kind == outbox.SLACK_TRIAGE_CARD for row in rows)
        with self.services.db.read() as session:
            tickets = session.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids)))
            events = (
                session.scalars(select(TicketEvent).where(TicketEvent.id.in_(event_ids))) if event_ids else []
            )
            self._ahead = ReadAhead(
                {ticket.id: ticket for ticket in tickets},
                {event.id: event for event in events},
                self.services.people.engineers(session) if picking else None,
            )

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
        message = self.render_card(ticket, audience)
        channel_col, ts_col = CARD_COLUMNS[audience]
        channel, ts = getattr(ticket, channel_col), getattr(ticket, ts_col)
        if channel and ts:
            try:
                self._call(self.client.chat_update, channel=channel, ts=ts, **message.as_kwargs())
                return
            except Permanent as error:
                if "message_not_found" not in str(error):
                    raise
                log.warning("card of %s in %s was deleted; posting it again", ticket.number, channel)
        response = self._call(self.client.chat_postMessage, channel=destination, **message.as_kwargs())
        stored = self._remember_card(ticket, audience, response["channel"], response["ts"])
        if audience == ENGINEER and not stored:
            # Reassigned between the read and the post: this card went to the former engineer
            # and is nobody's now. Redraw it at once without buttons, from the ticket as it is.
            # (If that fails its buttons stay, and refuse: only the ticket's engineer may use them.)
            former = {"ticket_id": ticket.id, "channel": response["channel"], "ts": response["ts"]}
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
        message = self.render_card(ticket, FORMER_ENGINEER)
        try:
            self._call(
                self.client.chat_update, channel=payload["channel"], ts=payload["ts"], **message.as_kwargs()
            )
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

    def _remember_card(self, ticket: Ticket, audience: str, channel: str, ts: str) -> bool:
        """Store where the card lives; False if the ticket has another engineer by now."""
        # One Core UPDATE, on its own: storing where a card lives is not a change of the ticket
        # (no version bump), and neither the ORM's UPDATE, a Session nor a BEGIN … COMMIT around
        # it is needed (each cost more than the statement, twice per ticket filed).
        values = {"ticket_id": ticket.id, "channel": channel, "ts": ts}
        if audience == ENGINEER:  # never None here: a ticket without an engineer posts no card
            values["expected_engineer"] = ticket.engineer_id
        with self.services.db.single_statement() as connection:
            return connection.execute(_card_update(audience), values).rowcount > 0

    def _plain_card(self, ticket: Ticket, audience: str) -> Message:
        """The card with what its audience may do: triage → engineer picker, the engineer's DM
        → status buttons and Add note, the reporter's DM → Reopen once closed."""
        tr, workspace = self.services.tr, self.services.workspace
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
        engineers = []
        if picking:
            engineers = self._ahead.engineers
            if engineers is None:
                engineers = self.services.people.engineers()
        actions = card_actions(tr, ticket, audience, engineers, workspace.specialty_for(ticket.category))
        sla = sla_line(tr, ticket, self.services.tickets.clock(), staff=audience != REPORTER)
        return ticket_card(tr, ticket, workspace.categories, intro=intro, actions=actions, sla=sla)

    # -- thread replies ----------------------------------------------------------------------

    def event_reply(self, payload: dict[str, Any]) -> None:
        audience = payload["audience"]
        ticket = self._ticket(payload["ticket_id"])
        event = self._ahead.events.get(payload["event_id"])
        if event is None:
            with self.services.db.read() as session:
                event = session.get(TicketEvent, payload["event_id"])
            if event is None:
                raise Permanent(f"event {payload['event_id']} not found")
        if "thread_ts" in payload:  # the card of an engineer the ticket was taken from
            channel, thread_ts = payload["channel"], payload["thread_ts"]
            message = event_reply(self.services.tr, event, to_previous_engineer=True)
        else:
            channel_col, ts_col = CARD_COLUMNS[audience]
            channel, thread_ts = getattr(ticket, channel_col), getattr(ticket, ts_col)
            channel = channel or self._destination(ticket, audience)
            admins = self.services.tickets.admins
            message = event_reply(self.services.tr, event, ticket=ticket, admins=admins)
        if channel is None:
            return
        extra = {"reply_broadcast": True} if payload.get("broadcast") and thread_ts else {}
        self._call(
            self.client.chat_postMessage, channel=channel, thread_ts=thread_ts, **extra, **message.as_kwargs()
        )

    # -- plumbing ----------------------------------------------------------------------------

    def _ticket(self, ticket_id: int, *, fresh: bool = False) -> Ticket:
        ticket = None if fresh else self._ahead.tickets.get(ticket_id)
        if ticket is not None:
            return ticket
        with self.services.db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise Permanent(f"ticket {ticket_id} not found")
            return ticket

    @staticmethod
    def _call(method: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return method(**kwargs)
        except SlackApiError as error:
            raise classify(error) from error
        except (URLError, SlackRequestError, OSError) as error:
            raise Retry(f"cannot reach Slack: {error}") from error


@functools.cache
def _card_update(audience: str) -> Update:
    """UPDATE tickets SET <audience's card channel, ts> WHERE id = :ticket_id, built once per
    audience (building it for each card cost more CPU than running it). Bind names are no
    column's, so no value passed to it can turn into a SET."""
    channel_col, ts_col = CARD_COLUMNS[audience]
    tickets = Ticket.__table__
    query = tickets.update().where(tickets.c.id == bindparam("ticket_id"))
    if audience == ENGINEER:
        # Reassigned while this card was on its way: it belongs to the old engineer.
        query = query.where(tickets.c.engineer_id == bindparam("expected_engineer"))
    return query.values({channel_col: bindparam("channel"), ts_col: bindparam("ts")})


def classify(error: SlackApiError) -> Exception:
    response = error.response
    status = response.status_code
    if status == 429:
        retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after") or "1"
        return Retry("ratelimited", retry_after=float(retry_after))
    if status >= 500:
        return Retry(f"Slack answered HTTP {status}")
    code = response.get("error") if isinstance(response.data, dict) else None
    if code in PERMANENT_ERRORS or code == "message_not_found":
        return Permanent(str(code))
    return Retry(str(code or f"HTTP {status}"))
