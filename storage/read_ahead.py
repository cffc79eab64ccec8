"""What the deliverers read before a group of outbox rows leaves: the tickets, events, people
and engineers the whole group needs, in one session (each row used to open two or three of its
own), and the reads of a single row that found nothing read ahead for it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.domain import EventKind
from storage.models import Ticket, TicketEvent, User
from storage.people import EngineerLoad, People


@dataclass(frozen=True)
class ReadAhead:
    """What a group of rows needs, read in one session before they are delivered."""

    tickets: dict[int, Ticket] = field(default_factory=dict)
    events: dict[int, TicketEvent] = field(default_factory=dict)
    engineers: list[EngineerLoad] | None = None  # for triage cards' pickers
    users: dict[str, User] = field(default_factory=dict)  # the people emails mention or go to


NOTHING_AHEAD = ReadAhead()


def for_cards(
    db: Database, people: People, ticket_ids: Collection[int], event_ids: Collection[int], *, picking: bool
) -> ReadAhead:
    """The tickets and events of a group of Slack rows, and the engineers (for the triage
    cards' pickers) when `picking`."""
    with db.read() as session:
        tickets = _tickets(session, ticket_ids)
        events = _events(session, event_ids) if event_ids else {}
        return ReadAhead(tickets, events, people.engineers(session) if picking else None)


def for_emails(db: Database, keys: Collection[tuple[int, int]], recipients: Collection[str]) -> ReadAhead:
    """The tickets and events of a group of email rows ((ticket id, event id) each), and the
    users rows of their `recipients` and of everyone the tickets and events mention."""
    with db.read() as session:
        tickets = _tickets(session, {ticket_id for ticket_id, _ in keys})
        events = _events(session, {event_id for _, event_id in keys})
        wanted = set(recipients)
        for ticket in tickets.values():
            wanted |= {ticket.reporter_id, ticket.engineer_id}
        for event in events.values():
            wanted.add(event.actor_id)
            if event.kind == EventKind.ASSIGNED.value:  # old and new values are engineers' ids
                wanted |= {event.old_value, event.new_value}
        wanted.discard(None)
        users = {u.slack_id: u for u in session.scalars(select(User).where(User.slack_id.in_(wanted)))}
    return ReadAhead(tickets, events, users=users)


def mentioned(ticket: Ticket, event: TicketEvent) -> set[str | None]:
    """Who an email about `event` may name: reporter, engineer, actor (and, for an assignment,
    the engineers it was taken from and given to)."""
    people = {ticket.reporter_id, ticket.engineer_id, event.actor_id}
    if event.kind == EventKind.ASSIGNED.value:  # old and new values are engineers' ids
        people |= {event.old_value, event.new_value}
    return people


def get_ticket(db: Database, ticket_id: int) -> Ticket | None:
    with db.read() as session:
        return session.get(Ticket, ticket_id)


def get_event(db: Database, event_id: int) -> TicketEvent | None:
    with db.read() as session:
        return session.get(TicketEvent, event_id)


def for_email(db: Database, ticket_id: int, event_id: int) -> ReadAhead | None:
    """One email row's ticket and event and the users rows of the people it mentions; None if
    the ticket or the event is gone."""
    with db.read() as session:
        found = session.get(Ticket, ticket_id)
        happened = session.get(TicketEvent, event_id)
        if found is None or happened is None:
            return None
        people = mentioned(found, happened)
        users = {uid: user for uid in people if uid and (user := session.get(User, uid)) is not None}
        return ReadAhead({found.id: found}, {happened.id: happened}, users=users)


def _tickets(session: Session, ids: Collection[int]) -> dict[int, Ticket]:
    return {ticket.id: ticket for ticket in session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}


def _events(session: Session, ids: Collection[int]) -> dict[int, TicketEvent]:
    query = select(TicketEvent).where(TicketEvent.id.in_(ids))
    return {event.id: event for event in session.scalars(query)}
