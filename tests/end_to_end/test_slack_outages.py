"""A Slack API answering 500 or 429 for a while delays DMs and card updates, never drops them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.domain import Actor, Status, Visibility
from storage.models import OutboxRow, Ticket, utcnow
from tests.conftest import ADMIN, REPORTER, TRIAGE, _harness
from tests.handlers.kit import CARLOS, staff
from tests.outbox_helpers import make_due
from tests.slack_streams import expected, received
from tests.waiting import wait_until


def slack_rows(db) -> list[OutboxRow]:
    with db.read() as s:
        return list(s.scalars(select(OutboxRow).where(OutboxRow.kind.startswith("slack."))))


def posted(fake, channel: str) -> list:
    return [c for c in fake.calls("chat.postMessage") if c.params.get("channel") == channel and not c.failed]


def test_slack_500s_then_429s_delay_cards_and_dms_but_lose_and_repeat_none(harness):
    fake, db = harness.fake, harness.db
    fake.fail("chat.postMessage", times=5, status=500)
    answer = harness.slack.submit_new_ticket(title="VPN drops every hour")
    assert answer.status == 200  # the ticket is filed while Slack is failing
    fake.wait_for("chat.postMessage", lambda c: c.failed, count=2)
    assert not posted(fake, TRIAGE)

    def delivered_skipping_backoffs() -> bool:
        make_due(db)  # skip the backoff instead of sleeping through it
        harness.runtime.dispatcher.kick()
        return all(r.state == "done" for r in slack_rows(db))

    wait_until(delivered_skipping_backoffs, timeout=10, what="every Slack row delivered")
    assert len(posted(fake, TRIAGE)) == 1 and len(posted(fake, REPORTER)) == 1  # once each, no duplicate
    with db.read() as s:
        ticket = s.scalars(select(Ticket)).one()
        assert ticket.triage_ts and ticket.reporter_dm_ts

    # Now Slack rate-limits the card updates, asking for 30 s of patience.
    fake.reset()
    fake.fail("chat.update", times=3, status=429, retry_after=30)
    harness.services.tickets.change_status(ticket.id, Status.IN_PROGRESS, Actor(ADMIN))
    fake.wait_for("chat.update", lambda c: c.status == 429)
    wait_until(lambda: any(r.attempts for r in slack_rows(db) if r.state == "pending"), what="a retry")
    waiting = [r for r in slack_rows(db) if r.state == "pending" and r.attempts]
    assert all(r.next_attempt_at >= utcnow() + timedelta(seconds=25) for r in waiting)  # Retry-After honoured

    wait_until(delivered_skipping_backoffs, timeout=10, what="every Slack row delivered")
    updates = [c for c in fake.calls("chat.update") if not c.failed]
    assert sorted(c.params["channel"] for c in updates) == sorted([TRIAGE, ticket.reporter_dm_channel])
    assert all("In progress" in str(c.params["blocks"]) for c in updates)
    replies = [c for c in fake.calls("chat.postMessage") if c.params.get("thread_ts") and not c.failed]
    assert len(replies) == 2  # the thread line under each card, once
    assert not [r for r in slack_rows(db) if r.state == "dead"]


@pytest.fixture
def quick_harness(settings, db, fake_slack):
    yield from _harness(replace(settings, dispatch_interval=1.0), db, fake_slack)


def test_rate_limited_for_a_while_every_card_and_reply_arrives_late_once_and_in_order(quick_harness):
    """Slack answers 429 (Retry-After: 1) to everything while tickets are filed and worked."""
    h = quick_harness
    fake, db, tickets = h.fake, h.db, h.services.tickets
    staff(h)
    # The app has been running: Bolt has checked its token (auth.test) before Slack turns strict.
    assert h.slack.command("help").status == 200
    fake.rate_limit(120, retry_after=1)  # ended below, once every surface has met it
    for i in range(3):
        answer = h.slack.submit_new_ticket(title=f"Printer {i} jams", view_id=f"VL{i}")
        assert (answer.status, answer.body) == (200, b"")  # filed: the modal closes
    with db.read() as s:
        ids = list(s.scalars(select(Ticket.id).order_by(Ticket.id)))
    for ticket_id in ids:
        tickets.assign(ticket_id, CARLOS, Actor(ADMIN))
        tickets.change_status(ticket_id, Status.IN_PROGRESS, Actor(CARLOS))
        tickets.add_note(ticket_id, Actor(CARLOS), "Ordered a new drum", Visibility.PUBLIC)
    tickets.close(ids[0], Actor(CARLOS), "Replaced the drum")

    def every_stream_refused() -> bool:  # each stream's first row has been tried and refused
        heads = {r.stream for r in slack_rows(db) if r.state == "pending" and r.attempts}
        return heads == {r.stream for r in slack_rows(db)}

    wait_until(every_stream_refused, timeout=20, what="a 429 for every card's first row")
    fake.rate_limit(0)  # Slack lets us through again
    limited = [c for c in fake.calls() if c.method != "auth.test"]
    assert limited and all(c.status == 429 for c in limited), "nothing got through while rate-limited"
    assert all(r.state == "pending" for r in slack_rows(db))

    def delivered_skipping_backoffs() -> bool:
        make_due(db)  # the backoffs (1-4 s) pass at once instead of being slept through
        h.runtime.dispatcher.kick()
        return all(r.state == "done" for r in slack_rows(db))

    wait_until(delivered_skipping_backoffs, timeout=20, what="every Slack row delivered")
    expected_calls = expected(db)
    assert len(expected_calls) == 9 and all(kinds[0] == "post" for kinds in expected_calls.values())
    assert received(fake, db, TRIAGE) == expected_calls  # all of them, once each, in order per card
