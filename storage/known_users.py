"""Every actor has a users row (foreign keys need one): made race-free, once per process.

The set of ids known to be committed is the ticket service's (`TicketService._known_users`);
rows are never deleted, so a known id needs no upsert (a round trip on every change).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.db import once_committed
from storage.domain import Actor
from storage.inserts import dialect_insert
from storage.models import User

KNOWN_USERS_MAX = 100_000  # ids kept before the set starts over


def touch_user(session: Session, known: set[str], actor: Actor) -> None:
    """Make sure the actor has a users row, race-free: two first requests of one person at once
    must not collide on the primary key. `known` learns the id once the row is committed."""
    if actor.user_id in known:
        return
    session.execute(
        dialect_insert(session.get_bind().dialect.name)(User)
        .values(slack_id=actor.user_id, name=actor.name or "", real_name="")
        .on_conflict_do_nothing(index_elements=["slack_id"])
    )
    once_committed(session, lambda: _remember(known, actor.user_id))


def _remember(known: set[str], user_id: str) -> None:
    if len(known) >= KNOWN_USERS_MAX:
        known.clear()
    known.add(user_id)
