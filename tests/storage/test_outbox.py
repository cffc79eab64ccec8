"""The outbox and its dispatcher: retries with backoff, Retry-After, dead rows, per-stream order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.dispatcher import Dispatcher, Permanent, Retry
from storage import outbox
from storage.models import OutboxRow, utcnow
from tests.outbox_helpers import make_due
from tests.waiting import wait_until


def add(db, kind="k", stream=None, **payload) -> int:
    with db.transaction() as s:
        row = outbox.enqueue(s, kind, payload, stream)
        s.flush()
        return row.id


def state(db, row_id):
    with db.read() as s:
        return s.get(OutboxRow, row_id)


def test_delivered_rows_are_done_once(db):
    seen = []
    dispatcher = Dispatcher(db, {"k": lambda p: seen.append(p["n"])}, max_attempts=3)
    ids = [add(db, n=n) for n in range(5)]
    dispatcher.drain()
    assert seen == [0, 1, 2, 3, 4]
    assert {state(db, i).state for i in ids} == {"done"}
    dispatcher.drain()
    assert len(seen) == 5


def test_failures_back_off_then_succeed_or_die(db):
    attempts = {"n": 0}

    def flaky(payload):
        attempts["n"] += 1
        if attempts["n"] < 3:
            raise ConnectionError("SMTP down")

    dispatcher = Dispatcher(db, {"k": flaky}, max_attempts=5)
    row_id = add(db)
    dispatcher.drain()
    row = state(db, row_id)
    assert (row.state, row.attempts) == ("pending", 1) and row.next_attempt_at > utcnow()
    assert "ConnectionError: SMTP down" in row.last_error
    dispatcher.drain()  # not due yet: nothing happens
    assert attempts["n"] == 1
    make_due(db)
    dispatcher.drain()
    make_due(db)
    dispatcher.drain()
    assert state(db, row_id).state == "done" and attempts["n"] == 3

    always = Dispatcher(db, {"k": lambda p: (_ for _ in ()).throw(Retry("nope"))}, max_attempts=2)
    dead_id = add(db)
    always.drain()
    make_due(db)
    always.drain()
    assert state(db, dead_id).state == "dead" and state(db, dead_id).attempts == 2
    assert [r.id for r in outbox.rows(db, outbox.DEAD)] == [dead_id]
    assert outbox.requeue(db, [dead_id]) == 1 and state(db, dead_id).state == "pending"


def test_permanent_errors_die_at_once_and_retry_after_is_honoured(db):
    def refuse(payload):
        raise Permanent("channel_not_found")

    dispatcher = Dispatcher(
        db, {"gone": refuse, "slow": lambda p: (_ for _ in ()).throw(Retry("429", 120))}, max_attempts=10
    )
    gone, slow = add(db, "gone"), add(db, "slow")
    dispatcher.drain()
    assert state(db, gone).state == "dead" and "channel_not_found" in state(db, gone).last_error
    assert state(db, slow).next_attempt_at >= utcnow() + timedelta(seconds=115)
    unknown = add(db, "no-such-kind")
    dispatcher.drain()
    assert state(db, unknown).state == "dead"


def test_a_stream_delivers_in_order_and_waits_for_its_head(db):
    seen = []
    fail_first = {"left": 1}

    def deliver(payload):
        if payload["n"] == 0 and fail_first["left"]:
            fail_first["left"] -= 1
            raise Retry("first try fails")
        seen.append(payload["n"])

    dispatcher = Dispatcher(db, {"k": deliver}, max_attempts=5)
    for n in range(3):
        add(db, stream="triage:1", n=n)
    add(db, stream="triage:2", n=99)
    dispatcher.drain()
    assert seen == [99]  # ticket 1's stream waits behind its failed head
    make_due(db)
    dispatcher.drain()
    assert seen == [99, 0, 1, 2]


def test_claims_are_leased_and_released(db):
    add(db)
    first = outbox.claim(db, "w1")
    assert len(first) == 1 and outbox.claim(db, "w2") == []  # leased to w1
    outbox.release(db, "w1")
    assert len(outbox.claim(db, "w2")) == 1
    # w2 "crashes": once its lease expires, another worker takes the row.
    later = utcnow() + outbox.LEASE + timedelta(seconds=1)
    assert len(outbox.claim(db, "w3", now=later)) == 1


@pytest.mark.parametrize("attempt", [1, 5, 30])
def test_backoff_grows_with_jitter_and_a_cap(attempt):
    delays = [outbox.backoff(attempt) for _ in range(50)]
    ceiling = min(outbox.BACKOFF_CAP, outbox.BACKOFF_BASE * 2 ** (attempt - 1))
    assert all(ceiling / 2 <= d <= ceiling for d in delays) and len(set(delays)) > 1


def test_slack_outage_delays_but_never_drops_a_dm(harness):
    harness.fake.fail("chat.postMessage", times=3, status=500)
    harness.slack.submit_new_ticket()
    for _ in range(3):  # each failure backs off; make the row due instead of waiting
        harness.fake.wait_for("chat.postMessage", lambda c: c.failed, count=1)
        make_due(harness.db)
        harness.runtime.dispatcher.kick()
    harness.fake.wait_for("chat.postMessage", lambda c: not c.failed, count=2, timeout=10)

    def states():
        with harness.db.read() as s:
            return {r.state for r in s.scalars(select(OutboxRow))}

    wait_until(lambda: states() == {"done"}, what="every outbox row delivered")


@pytest.mark.parametrize("count", [1, 3, outbox.MULTI_ROW_MAX, outbox.MULTI_ROW_MAX + 5])
def test_rows_written_in_one_transaction_are_stored_in_the_order_written(db, count):
    """`write` rows go in one multi-row INSERT (or executemany past MULTI_ROW_MAX): each row's
    values land in its own row, and ids follow the order written (delivery order per stream)."""
    for round_ in range(2):  # the second round reuses the statement built in the first
        with db.transaction() as s:
            for n in range(count):
                outbox.write(
                    s, f"k{n % 3}", {"round": round_, "n": n, "text": f"é <{n}>"}, stream=f"s{n % 2}"
                )
    with db.read() as s:
        rows = s.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
    expected = [
        (f"k{n % 3}", {"round": r, "n": n, "text": f"é <{n}>"}, f"s{n % 2}", "pending", 0)
        for r in range(2)
        for n in range(count)
    ]
    assert [(row.kind, row.payload, row.stream, row.state, row.attempts) for row in rows] == expected
