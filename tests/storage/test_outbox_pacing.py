"""The outbox under pacing: merged card redraws, deferral without an attempt, shared budgets."""

from __future__ import annotations

from sqlalchemy import select

from bot.dispatcher import Deferred, Dispatcher
from storage import outbox, slack_pacing, triage_lists
from storage.models import OutboxRow
from storage.slack_pacing import Budget

CARD = outbox.SLACK_TRIAGE_CARD


def all_rows(db) -> list[OutboxRow]:
    with db.read() as s:
        return list(s.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def test_several_pending_redraws_of_one_card_leave_as_one(db):
    for _ in range(3):
        outbox.enqueue_alone(db, CARD, {"ticket_id": 7}, "triage:7")
    outbox.enqueue_alone(db, outbox.SLACK_EVENT_REPLY, {"ticket_id": 7, "event_id": 1}, "triage:7")
    outbox.enqueue_alone(db, CARD, {"ticket_id": 8}, "triage:8")
    delivered = []
    deliverers = {CARD: delivered.append, outbox.SLACK_EVENT_REPLY: delivered.append}
    Dispatcher(db, deliverers, max_attempts=3, mergeable={CARD}).drain()
    assert delivered == [{"ticket_id": 7}, {"ticket_id": 8}, {"ticket_id": 7, "event_id": 1}]
    rows = all_rows(db)
    assert all(r.state == "done" for r in rows)
    assert [r.merged_into for r in rows] == [None, rows[0].id, rows[0].id, None, None]


def test_a_deferred_row_counts_no_attempt_and_keeps_its_merged_rows_for_later(db):
    for _ in range(2):
        outbox.enqueue_alone(db, CARD, {"ticket_id": 7}, "triage:7")

    def held(payload):
        raise Deferred("rate budget", 30)

    dispatcher = Dispatcher(db, {CARD: held}, max_attempts=3, mergeable={CARD})
    dispatcher.drain()
    first, second = all_rows(db)
    assert (first.state, first.attempts, first.claimed_by) == ("pending", 0, None)
    assert first.last_error.startswith("deferred") and second.claimed_by is None
    assert outbox.claim(db, "someone") == []  # not due for 30 s, and the second waits behind it


def test_budgets_are_shared_and_a_hold_outlasts_the_bucket(db):
    budget = Budget("chat.postMessage C1", 1.0, 2)
    now = 1_000.0
    assert slack_pacing.take(db, [budget], now).wait == 0
    assert slack_pacing.take(db, [budget], now).wait == 0
    assert slack_pacing.free(db, budget, now) == 0
    assert slack_pacing.take(db, [budget], now).wait == 1.0
    slack_pacing.hold(db, budget.key, now + 10)
    verdict = slack_pacing.take(db, [budget, Budget("chat.postMessage", 0.1, 5)], now + 2)
    assert verdict.held and verdict.wait == 8
    assert slack_pacing.take(db, [Budget("chat.postMessage", 0.1, 5)], now + 2).wait == 0  # drew none before


def test_a_ticket_is_listed_once(db):
    assert triage_lists.reserve(db, [1, 2], "C1", 5.0)
    assert not triage_lists.reserve(db, [2, 3], "C1", 6.0)  # another process listed 2
    triage_lists.posted(db, [1, 2], "111.222")
    assert triage_lists.listed(db, [1, 2, 3]) == {1, 2}
    assert triage_lists.last_listed_at(db, "C1") == 5.0
    triage_lists.unreserve(db, [1])
    assert triage_lists.listed(db, [1, 2]) == {2}
