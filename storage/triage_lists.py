"""Which new tickets a "new tickets" list message in the triage channel announced (a burst).

A ticket listed once is never listed again; its own card still follows at the channel's pace.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select

from storage.db import Database
from storage.models import TriageListing


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
