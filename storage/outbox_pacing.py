"""What pacing asks of the outbox: rows put off without an attempt, card redraws merged.

`defer`: a row held back by a rate budget (or a 429) waits for it without counting an attempt
and without an exponential backoff of its own — the budget, not the row, knows when it may go.

`merge_later`: a card row is drawn from the ticket as it is at delivery, so the later pending
rows asking to redraw the same card (same stream, kind and payload) add nothing. They are taken
with it and, when it has left, marked done with `merged_into` — one chat.update for several
changes. Safe because every later row of a stream waits behind its pending head (`claim`), and
the rows taken were committed before the ticket is read for the drawing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta

from sqlalchemy import select, update

from storage.db import Database
from storage.models import OutboxRow, utcnow
from storage.outbox import DONE, PENDING, Claimed, lock_in_order


def defer(
    db: Database, row_id: int, worker: str, seconds: float, note: str, merged: Collection[int] = ()
) -> datetime:
    """Give the row back, due in `seconds`; returns when (its merged rows are given back too)."""
    due = utcnow() + timedelta(seconds=max(0.0, seconds))
    with db.transaction() as session:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, OutboxRow.claimed_by == worker)
            .values(next_attempt_at=due, claimed_by=None, claimed_until=None, last_error=note[:2000])
            .execution_options(synchronize_session=False)
        )
    release_merged(db, merged, worker)
    return due


def release_merged(db: Database, row_ids: Collection[int], worker: str) -> None:
    if not row_ids:
        return
    with db.transaction() as session:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(list(row_ids)), OutboxRow.claimed_by == worker)
            .values(claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )


def merge_later(
    db: Database, rows: Collection[Claimed], worker: str, kinds: Collection[str], lease: timedelta
) -> dict[int, list[int]]:
    """Claim, for each card row of `kinds`, the later pending rows redrawing the same card."""
    heads = {row.id: row for row in rows if row.kind in kinds and row.stream}
    if not heads:
        return {}
    now = utcnow()
    by_stream = {row.stream: row for row in heads.values()}
    query = (
        select(OutboxRow)
        .where(
            OutboxRow.stream.in_(list(by_stream)),
            OutboxRow.state == PENDING,
            OutboxRow.kind.in_(list(kinds)),
            OutboxRow.claimed_by.is_(None),
        )
        .order_by(OutboxRow.id)
        .with_for_update(skip_locked=True, of=OutboxRow)
    )
    merges: dict[int, list[int]] = {}
    with db.transaction() as session:
        for later in session.scalars(query):
            head = by_stream[later.stream]
            if later.id > head.id and later.kind == head.kind and dict(later.payload) == head.payload:
                later.claimed_by = worker
                later.claimed_until = now + lease
                merges.setdefault(head.id, []).append(later.id)
    return merges


def finish_merged(db: Database, merges: Mapping[int, Collection[int]], worker: str) -> None:
    """The rows merged into delivered heads: done, with no call of their own."""
    if not merges:
        return
    done_at = utcnow()
    with db.transaction() as session:
        lock_in_order(session, [i for merged in merges.values() for i in merged])
        for head, merged in merges.items():
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(list(merged)), OutboxRow.claimed_by == worker)
                .values(state=DONE, done_at=done_at, claimed_by=None, claimed_until=None, merged_into=head)
                .execution_options(synchronize_session=False)
            )
