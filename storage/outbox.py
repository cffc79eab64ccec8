"""The transactional outbox: notifications written with the change, delivered later.

Rows are claimed with a lease (`claimed_until`) under `SELECT … FOR UPDATE SKIP LOCKED`, so
several processes on one PostgreSQL database never deliver a row twice at once, and a crashed
process's claims simply expire. SQLite ignores SKIP LOCKED; it is meant for one process.

Retry arithmetic: after failure n a row waits d/2 + uniform(0, d/2) with d = min(1 h, 2 s·2^(n-1)),
on average 0.75·d. The first 11 waits add up to 0.75·4,094 s ≈ 51 min; each later one averages
45 min. So 43 attempts (the OUTBOX_MAX_ATTEMPTS default: 42 waits) span 0.75·(4,094 + 31·3,600) s
≈ 24.1 h on average, within about ±1 h: a mail server or Slack down for a day loses nothing.
`retry_span(n)` computes it; `ticketbot outbox list` prints it.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, and_, bindparam, delete, event, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from storage.db import Database, wake_after_commit
from storage.models import OutboxRow, utcnow

# What a row asks for (storage.outbox_kinds), re-exported: `outbox.SLACK_TRIAGE_CARD` as before.
from storage.outbox_kinds import *  # noqa: F403

PENDING, DONE, DEAD = "pending", "done", "dead"
LEASE = timedelta(minutes=2)
BACKOFF_BASE = 2.0
BACKOFF_CAP = 3600.0


def enqueue(session: Session, kind: str, payload: dict[str, Any], stream: str | None = None) -> OutboxRow:
    row = OutboxRow(kind=kind, payload=payload, stream=stream)
    session.add(row)
    wake_after_commit(session)
    return row


def enqueue_alone(db: Database, kind: str, payload: dict[str, Any], stream: str | None = None) -> None:
    """`enqueue` in a transaction of its own: a row written with nothing else."""
    with db.transaction() as session:
        enqueue(session, kind, payload, stream)


PENDING_ROWS = "outbox_rows"


def write(session: Session, kind: str, payload: dict[str, Any], stream: str | None = None) -> None:
    """`enqueue` without an ORM object: the row is inserted just before the session commits, in
    its transaction, with the others written so, in one multi-row INSERT (the ticket lifecycle
    writes 2–8 rows per change; the ORM's unit of work for them cost more than the INSERT)."""
    now = utcnow()
    session.info.setdefault(PENDING_ROWS, []).append(
        {
            "kind": kind,
            "payload": payload,
            "stream": stream,
            "state": PENDING,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
    )
    wake_after_commit(session)


@event.listens_for(Session, "before_commit")
def _insert_written(session: Session) -> None:
    rows = session.info.pop(PENDING_ROWS, None)
    if not rows:
        return
    # Core, not the ORM's bulk insert, and one INSERT … VALUES (…), (…) built once per row count:
    # psycopg's executemany (a pipeline) cost more CPU than the statement for the usual 2–8 rows.
    if len(rows) > MULTI_ROW_MAX:
        session.connection().execute(_OUTBOX.insert(), rows)
        return
    keys = tuple(rows[0])  # every row `write` makes has the same keys
    session.connection().execute(
        _multi_row_insert(len(rows), keys),
        {f"{key}_{n}": row[key] for n, row in enumerate(rows) for key in keys},
    )


_OUTBOX = OutboxRow.__table__
MULTI_ROW_MAX = 16


@functools.cache
def _multi_row_insert(count: int, keys: tuple[str, ...]) -> Insert:
    """INSERT INTO outbox VALUES (…), (…) for `count` rows, bound as `<key>_<n>`."""
    values = [{key: bindparam(f"{key}_{n}", type_=_OUTBOX.c[key].type) for key in keys} for n in range(count)]
    return _OUTBOX.insert().values(values)


@event.listens_for(Session, "after_rollback")
def _forget_written(session: Session) -> None:
    session.info.pop(PENDING_ROWS, None)


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    stream: str | None = None


def claim(
    db: Database,
    worker: str,
    limit: int = 50,
    now: datetime | None = None,
    *,
    kinds: Collection[str] | None = None,
    exclude_kinds: Collection[str] = (),
    lease: timedelta = LEASE,
) -> list[Claimed]:
    """Lease up to `limit` due rows to `worker`; only the oldest pending row of each stream.
    `kinds` / `exclude_kinds` split the work between dispatchers (slow exports apart)."""
    now = now or utcnow()
    earlier = aliased(OutboxRow)
    blocked = exists().where(
        and_(earlier.stream == OutboxRow.stream, earlier.state == PENDING, earlier.id < OutboxRow.id)
    )
    query = (
        select(OutboxRow)
        .where(
            OutboxRow.state == PENDING,
            OutboxRow.next_attempt_at <= now,
            or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
            or_(OutboxRow.stream.is_(None), ~blocked),
        )
        .order_by(OutboxRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxRow)
    )
    if kinds is not None:
        query = query.where(OutboxRow.kind.in_(list(kinds)))
    if exclude_kinds:
        query = query.where(OutboxRow.kind.not_in(list(exclude_kinds)))
    with db.transaction() as session:
        rows = session.scalars(query).all()
        for row in rows:
            row.claimed_by = worker
            row.claimed_until = now + lease
        return [Claimed(r.id, r.kind, dict(r.payload), r.attempts, r.stream) for r in rows]


def lock_in_order(session: Session, row_ids: Collection[int]) -> None:
    """Lock these rows in id order before changing several at once: two transactions taking the
    same rows in different orders deadlock (PostgreSQL aborts one). SQLite locks the database."""
    if len(row_ids) > 1:
        ids = sorted(row_ids)
        session.execute(
            select(OutboxRow.id).where(OutboxRow.id.in_(ids)).order_by(OutboxRow.id).with_for_update()
        )


def complete(db: Database, row_ids: int | Collection[int], worker: str) -> None:
    """Mark delivered rows done, several in one transaction (a dispatcher completes the rows of a
    batch together); a row whose lease this worker lost is left alone."""
    ids = [row_ids] if isinstance(row_ids, int) else list(row_ids)
    if not ids:
        return
    with db.transaction() as session:
        lock_in_order(session, ids)
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), OutboxRow.claimed_by == worker)
            .values(state=DONE, done_at=utcnow(), claimed_by=None, claimed_until=None, last_error=None)
            .execution_options(synchronize_session=False)
        )


def fail(
    db: Database,
    row_id: int,
    worker: str,
    error: str,
    *,
    max_attempts: int,
    permanent: bool = False,
    retry_after: float | None = None,
) -> str:
    """Record a failed attempt; returns the row's new state (pending again, or dead)."""
    with db.transaction() as session:
        row = session.get(OutboxRow, row_id, with_for_update=True)
        if row is None or row.claimed_by != worker:
            return PENDING  # our lease expired and another worker owns it now
        row.attempts += 1
        row.last_error = error[:2000]
        row.claimed_by = row.claimed_until = None
        if permanent or row.attempts >= max_attempts:
            row.state = DEAD
        else:
            row.next_attempt_at = utcnow() + timedelta(seconds=backoff(row.attempts, retry_after))
        return row.state


def release(db: Database, worker: str) -> None:
    """Give back this worker's unfinished claims at once (graceful shutdown)."""
    with db.transaction() as session:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.claimed_by == worker, OutboxRow.state == PENDING)
            .values(claimed_by=None, claimed_until=None)
        )


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Exponential with jitter (half fixed, half random), never sooner than Slack's Retry-After."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempts - 1))
    delay = delay / 2 + random.uniform(0, delay / 2)
    return max(delay, retry_after or 0.0)


def retry_span(max_attempts: int) -> timedelta:
    """How long a row that always fails keeps being retried before it is dead, on average."""
    waits = (0.75 * min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (n - 1)) for n in range(1, max_attempts))
    return timedelta(seconds=sum(waits))


def requeue(db: Database, row_ids: list[int] | None = None) -> int:
    """Dead rows back to pending (all of them when `row_ids` is None); returns how many."""
    query = update(OutboxRow).where(OutboxRow.state == DEAD)
    if row_ids is not None:
        query = query.where(OutboxRow.id.in_(row_ids))
    with db.transaction() as session:
        result = session.execute(query.values(state=PENDING, attempts=0, next_attempt_at=utcnow()))
        wake_after_commit(session)
        return result.rowcount


def rows(db: Database, state: str | None = None, limit: int = 100) -> list[OutboxRow]:
    query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
    if state:
        query = query.where(OutboxRow.state == state)
    with db.read() as session:
        return list(session.scalars(query))


def sweep(db: Database, keep_done: timedelta = timedelta(days=7)) -> tuple[int, int]:
    """Delete delivered rows older than `keep_done`; returns (deleted, dead rows waiting)."""
    with db.transaction() as session:
        deleted = session.execute(
            delete(OutboxRow).where(OutboxRow.state == DONE, OutboxRow.done_at < utcnow() - keep_done)
        ).rowcount
        dead = session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.state == DEAD))
    return int(deleted or 0), int(dead or 0)
