"""A Slack API answering 500 or 429 for a while delays DMs and card updates, never drops them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.domain import Status
from storage.models import OutboxRow, Ticket, utcnow
from storage.tickets import Actor
from tests.conftest import ADMIN, REPORTER, TRIAGE
from tests.outbox_helpers import make_due
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
