"""What a group of the outbox's Slack rows reads in one go, before it is delivered (the
dispatcher's prepare hook): the tickets, events and engineer list, and for the triage cards their
suggestion lines, those lines' actions and "Solved before" hints. A row whose ticket or event the
group did not read reads its own."""

from __future__ import annotations

from bot.dispatcher import Permanent
from bot.known_cards import staff_hints_ahead
from bot.similar_cards import triage_suggestions_ahead
from handlers.services import Services
from storage import outbox, read_ahead
from storage.models import Ticket, TicketEvent
from storage.read_ahead import NOTHING_AHEAD

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


class CardReads:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.ahead = NOTHING_AHEAD
        self.similar: dict[int, list] = {}  # the triage cards' suggestion lines
        self.links: dict[int, list] = {}  # the suggestion lines' actions (incidents)
        self.known: dict[int, list] = {}  # "Solved before" of the group's triage cards

    def prepare(self, rows: list[outbox.Claimed]) -> list[outbox.Claimed]:
        """Read the tickets, events and engineer list a group of rows needs in one session (each
        row used to open two or three of its own). Read a moment before each row leaves, they are
        as current as a row's own read was: a change after it has rows of its own, queued behind
        this one in the same stream. Returns the group's rows that name a ticket (none: nothing
        read)."""
        self.ahead, self.similar, self.links, self.known = NOTHING_AHEAD, {}, {}, {}
        rows = [row for row in rows if row.kind in TICKET_KINDS]
        ticket_ids = {row.payload["ticket_id"] for row in rows}
        if not ticket_ids:
            return []
        event_ids = {row.payload["event_id"] for row in rows if row.kind == outbox.SLACK_EVENT_REPLY}
        picking = any(row.kind == outbox.SLACK_TRIAGE_CARD for row in rows)
        self.ahead = read_ahead.for_cards(
            self.services.db, self.services.people, ticket_ids, event_ids, picking=picking
        )
        triage = {row.payload["ticket_id"] for row in rows if row.kind == outbox.SLACK_TRIAGE_CARD}
        found = [self.ahead.tickets[i] for i in triage if i in self.ahead.tickets]
        self.similar = triage_suggestions_ahead(self.services.db, found) if found else {}
        if self.similar:
            cards = [(t, self.similar.get(t.id, [])) for t in found]
            self.links = self.services.incidents.suggestion_links_for_each(cards)
        self.known = staff_hints_ahead(self.services, found) if found else {}
        return rows

    def engineers(self) -> list:
        engineers = self.ahead.engineers
        return engineers if engineers is not None else self.services.people.engineers()

    def ticket(self, ticket_id: int, *, fresh: bool = False) -> Ticket:
        ticket = None if fresh else self.ahead.tickets.get(ticket_id)
        if ticket is not None:
            return ticket
        ticket = read_ahead.get_ticket(self.services.db, ticket_id)
        if ticket is None:
            raise Permanent(f"ticket {ticket_id} not found")
        return ticket

    def event(self, event_id: int) -> TicketEvent:
        event = self.ahead.events.get(event_id)
        if event is None:
            event = read_ahead.get_event(self.services.db, event_id)
            if event is None:
                raise Permanent(f"event {event_id} not found")
        return event
