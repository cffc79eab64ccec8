"""Moving the outbox's clock in tests: backoffs and leases run out at once, no sleeping for them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from storage.db import Database
from storage.models import OutboxRow, utcnow


def make_due(db: Database) -> None:
    """Time passes: every pending row's backoff is over. The rows are locked in id order first, as
    the dispatcher locks them, so this never deadlocks with a delivery running (PostgreSQL)."""
    with db.transaction() as session:
        pending = select(OutboxRow.id).where(OutboxRow.state == "pending").order_by(OutboxRow.id)
        session.execute(pending.with_for_update())
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.state == "pending")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


def expire_leases(db: Database) -> None:
    """Time passes: every claim's lease runs out, as when its process died."""
    with db.transaction() as session:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.claimed_until.is_not(None))
            .values(claimed_until=utcnow() - timedelta(seconds=1))
        )
