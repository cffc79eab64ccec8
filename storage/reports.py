"""Read-side queries that feed exports: flat rows, read in keyset-paged chunks.

Plain rows (not ORM objects) because an export reads every matching ticket and its history:
an identity map and relationship loading would cost more than writing the cells. The filter is
`storage.queries.apply`, the same one `/ticket list` and the dashboards use.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session, aliased

from storage.domain import Visibility
from storage.models import Engineer, Ticket, TicketEvent, User
from storage.queries import TicketFilter, apply


def ticket_chunks(session: Session, flt: TicketFilter, *, chunk: int = 1000) -> Iterator[list[Row]]:
    """Matching tickets, oldest first, `chunk` at a time, with reporter and engineer names.

    Row fields: id, title, description, category, priority, status, created_at, updated_at,
    closed_at, engineer_id, reporter_id, reporter_name, reporter_login, reporter_email,
    engineer_name, engineer_login.
    """
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
    )
    base = apply(
        columns.join(reporter, reporter.slack_id == Ticket.reporter_id).outerjoin(
            engineer, engineer.slack_id == Ticket.engineer_id
        ),
        flt,
    )
    last_id = 0
    while True:
        rows = list(session.execute(base.where(Ticket.id > last_id).order_by(Ticket.id).limit(chunk)))
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def events_of(session: Session, ticket_ids: Sequence[int], *, include_internal: bool) -> list[Row]:
    """The history of these tickets, by ticket then in order, with the actor's name and, for
    assignments, the names of the engineers it went from and to.

    Row fields: ticket_id, created_at, actor_id, actor_name, actor_login, kind, old_value,
    new_value, old_name, new_name, note, visibility.
    """
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
            new_user.real_name.label("new_name"),
            TicketEvent.note,
            TicketEvent.visibility,
        )
        .join(actor, actor.slack_id == TicketEvent.actor_id)
        .outerjoin(old_user, old_user.slack_id == TicketEvent.old_value)
        .outerjoin(new_user, new_user.slack_id == TicketEvent.new_value)
        .where(TicketEvent.ticket_id.in_(list(ticket_ids)))
        .order_by(TicketEvent.ticket_id, TicketEvent.id)
    )
    if not include_internal:
        query = query.where(TicketEvent.visibility == Visibility.PUBLIC.value)
    return list(session.execute(query))


def user_name(session: Session, user_id: str) -> str:
    """How a person is called in an export's title: real name, else Slack name, else the id."""
    user = session.get(User, user_id)
    return (user.real_name or user.name or user_id) if user else user_id


def is_engineer(session: Session, user_id: str) -> bool:
    return session.get(Engineer, user_id) is not None
