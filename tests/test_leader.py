"""Once-only jobs: exactly one process leads, and another takes over when it dies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from storage import outbox
from storage.leader import Leadership
from storage.models import OutboxRow, utcnow


def test_one_leader_and_hand_over(db):
    first, second = Leadership(db.engine), Leadership(db.engine)
    assert first.is_leader()
    if db.engine.dialect.name != "postgresql":
        assert second.is_leader()  # SQLite runs one process: it always leads
        return
    assert not second.is_leader() and first.is_leader()
    first._conn.invalidate()  # the leader "dies": its connection is gone, and the lock with it
    first._conn = None
    assert second.is_leader()
    assert not first.is_leader()
    second.release()
    assert first.is_leader()
    first.release()


def test_sweep_deletes_old_delivered_rows_and_counts_dead_ones(db):
    with db.transaction() as s:
        for state in ("done", "done", "dead", "pending"):
            outbox.enqueue(s, "k", {}, None).state = state
    with db.transaction() as s:
        s.execute(update(OutboxRow).where(OutboxRow.id == 1).values(done_at=utcnow() - timedelta(days=8)))
        s.execute(update(OutboxRow).where(OutboxRow.id == 2).values(done_at=utcnow()))
    assert outbox.sweep(db) == (1, 1)
    assert sorted(r.id for r in outbox.rows(db)) == [2, 3, 4]


def test_leader_only_jobs_run_only_in_the_leader(harness):
    ran = []
    job = harness.runtime.leader_only(lambda: ran.append(1))
    if harness.db.engine.dialect.name == "postgresql":
        other = Leadership(harness.db.engine)  # another process got there first
        assert other.is_leader()
        job()
        assert ran == []
        other.release()
    job()
    assert ran == [1]
