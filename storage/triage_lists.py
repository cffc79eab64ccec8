"""Which new tickets a "new tickets" list message in the triage channel announced (a burst).

A ticket listed once is never listed again; its own card still follows at the channel's pace.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import OutboxRow, Ticket, TriageListing
from storage.notifications import TRIAGE, stream
from storage.outbox import PENDING, SLACK_TRIAGE_CARD


def listed(db: Database, ticket_ids: Collection[int]) -> set[int]:
    if not ticket_ids:
        return set()
    with db.read() as session:
        query = select(TriageListing.ticket_id).where(TriageListing.ticket_id.in_(list(ticket_ids)))
        return set(session.scalars(query))


def last_listed_at(db: Database, channel: str) -> float | None:
    with db.read() as session:
        query = select(func.max(TriageListing.listed_at)).where(TriageListing.channel == channel)
        return session.scalar(query)


def record(db: Database, ticket_ids: Collection[int], channel: str, ts: str, at: float) -> None:
    with db.transaction() as session:
        session.add_all(TriageListing(ticket_id=i, channel=channel, ts=ts, listed_at=at) for i in ticket_ids)


def waiting(db: Database) -> list[int]:
    """New tickets whose first triage card has not left yet and that no list announced, oldest
    first (their card rows' streams name them: `triage:<id>`)."""
    prefix = stream(TRIAGE, 0)[:-1]
    with db.read() as session:
        streams = session.scalars(
            select(OutboxRow.stream).where(OutboxRow.kind == SLACK_TRIAGE_CARD, OutboxRow.state == PENDING)
        ).all()
        ids = {int(s[len(prefix) :]) for s in streams if s and s.startswith(prefix)}
        if not ids:
            return []
        query = (
            select(Ticket.id)
            .where(
                Ticket.id.in_(list(ids)),
                Ticket.triage_ts.is_(None),
                ~exists().where(TriageListing.ticket_id == Ticket.id),
            )
            .order_by(Ticket.id)
        )
        return list(session.scalars(query))


def reserve(db: Database, ticket_ids: Collection[int], channel: str, at: float) -> bool:
    """Mark the tickets listed before the list is posted; False when another process listed one
    of them first (the key refuses a second listing)."""
    try:
        record(db, ticket_ids, channel, "", at)
    except IntegrityError:
        return False
    return True


def posted(db: Database, ticket_ids: Collection[int], ts: str) -> None:
    with db.transaction() as session:
        session.execute(
            update(TriageListing).where(TriageListing.ticket_id.in_(list(ticket_ids))).values(ts=ts)
        )


def unreserve(db: Database, ticket_ids: Collection[int]) -> None:
    """The list could not be posted: its tickets wait to be listed again."""
    with db.transaction() as session:
        session.execute(delete(TriageListing).where(TriageListing.ticket_id.in_(list(ticket_ids))))
