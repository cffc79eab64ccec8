"""Read-side queries that feed exports: flat rows, read in keyset-paged chunks.

Plain rows (not ORM objects) because an export reads every matching ticket and its history:
an identity map and relationship loading would cost more than writing the cells. The filter is
`storage.queries.apply`, the same one `/ticket list` and the dashboards use.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Result, select
from sqlalchemy.orm import Session, aliased

from storage.db import Database
from storage.domain import Visibility
from storage.models import Incident, Ticket, TicketAttachment, TicketEvent, User
from storage.queries import TicketFilter, apply


class TicketRow(NamedTuple):
    id: int
    title: str
    description: str
    category: str
    priority: str
    status: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    engineer_id: str | None
    reporter_id: str
    reporter_name: str
    reporter_login: str
    reporter_email: str | None
    engineer_name: str | None
    engineer_login: str | None
    resolution_due_at: datetime | None
    resolution_warn_at: datetime | None
    sla_paused_at: datetime | None
    csat_rating: int | None
    incident_id: int | None = None  # the incident it is part of, and its title
    incident_title: str | None = None


class EventRow(NamedTuple):
    ticket_id: int
    created_at: datetime
    actor_id: str
    actor_name: str
    actor_login: str
    kind: str
    old_value: str | None
    new_value: str | None
    old_name: str | None  # for assignments: the names of the engineers it went from and to
    old_login: str | None
    new_name: str | None
    new_login: str | None
    note: str | None
    visibility: str
    id: int = 0  # the event's: its files (`files_of`)


def _rows(result: Result, shape: type[NamedTuple]) -> list:
    """Plain named tuples: attribute access on them is far cheaper than on SQLAlchemy rows.
    (Queries run on the session's connection: Core results, without the ORM's row loading.)"""
    if tuple(result.keys()) != shape._fields:
        raise RuntimeError(f"query columns {tuple(result.keys())} do not match {shape.__name__}")
    return list(map(shape._make, result))


def ticket_chunks(session: Session, flt: TicketFilter, *, chunk: int = 1000) -> Iterator[list[TicketRow]]:
    """Matching tickets, oldest first, `chunk` at a time, with reporter and engineer names."""
    reporter, engineer = aliased(User), aliased(User)
    columns = select(
        Ticket.id,
        Ticket.title,
        Ticket.description,
        Ticket.category,
        Ticket.priority,
        Ticket.status,
        Ticket.created_at,
        Ticket.updated_at,
        Ticket.closed_at,
        Ticket.engineer_id,
        Ticket.reporter_id,
        reporter.real_name.label("reporter_name"),
        reporter.name.label("reporter_login"),
        reporter.email.label("reporter_email"),
        engineer.real_name.label("engineer_name"),
        engineer.name.label("engineer_login"),
        Ticket.resolution_due_at,
        Ticket.resolution_warn_at,
        Ticket.sla_paused_at,
        Ticket.csat_rating,
        Ticket.incident_id,
        Incident.title.label("incident_title"),
    )
    base = apply(
        columns.join(reporter, reporter.slack_id == Ticket.reporter_id)
        .outerjoin(engineer, engineer.slack_id == Ticket.engineer_id)
        .outerjoin(Incident, Incident.id == Ticket.incident_id),
        flt,
    )
    last_id = 0
    while True:
        query = base.where(Ticket.id > last_id).order_by(Ticket.id).limit(chunk)
        rows = _rows(session.connection().execute(query), TicketRow)
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def events_of(session: Session, ticket_ids: Sequence[int], *, include_internal: bool) -> list[EventRow]:
    """The history of these tickets, by ticket then in order, with the actor's name and, for
    assignments, the names of the engineers it went from and to."""
    if not ticket_ids:
        return []
    actor, old_user, new_user = aliased(User), aliased(User), aliased(User)
    query = (
        select(
            TicketEvent.ticket_id,
            TicketEvent.created_at,
            TicketEvent.actor_id,
            actor.real_name.label("actor_name"),
            actor.name.label("actor_login"),
            TicketEvent.kind,
            TicketEvent.old_value,
            TicketEvent.new_value,
            old_user.real_name.label("old_name"),
            old_user.name.label("old_login"),
            new_user.real_name.label("new_name"),
            new_user.name.label("new_login"),
            TicketEvent.note,
            TicketEvent.visibility,
            TicketEvent.id,
        )
        .join(actor, actor.slack_id == TicketEvent.actor_id)
        .outerjoin(old_user, old_user.slack_id == TicketEvent.old_value)
        .outerjoin(new_user, new_user.slack_id == TicketEvent.new_value)
        .where(TicketEvent.ticket_id.in_(list(ticket_ids)))
        .order_by(TicketEvent.ticket_id, TicketEvent.id)
    )
    if not include_internal:
        query = query.where(TicketEvent.visibility == Visibility.PUBLIC.value)
    return _rows(session.connection().execute(query), EventRow)


def files_of(session: Session, ticket_ids: Sequence[int], *, include_internal: bool) -> dict[int, list[str]]:
    """The names of the files of these tickets' events, by event id, in order (the History sheet)."""
    if not ticket_ids:
        return {}
    query = select(TicketAttachment.event_id, TicketAttachment.filename).where(
        TicketAttachment.ticket_id.in_(list(ticket_ids))
    )
    if not include_internal:
        query = query.where(TicketAttachment.visibility == Visibility.PUBLIC.value)
    found: dict[int, list[str]] = {}
    for event_id, filename in session.connection().execute(query.order_by(TicketAttachment.id)):
        found.setdefault(event_id, []).append(filename)
    return found


def user_name(session: Session, user_id: str) -> str:
    """How a person is called in an export's title: real name, else Slack name, else the id."""
    user = session.get(User, user_id)
    return (user.real_name or user.name or user_id) if user else user_id


def name_of(db: Database, user_id: str) -> str:
    """`user_name`, in a read of its own."""
    with db.read() as session:
        return user_name(session, user_id)
