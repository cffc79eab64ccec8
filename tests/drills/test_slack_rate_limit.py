"""Drill: Slack answers 429 (Retry-After: the seconds left) for 30 s while tickets are filed and
worked under `ticketbot serve`.

What it proves: filing is not held up (the ack needs no Slack call); nothing gets through while
Slack refuses; afterwards every card, card update and thread reply arrives, once each and in
order per card (the outbox's per-stream order), and no row goes dead.

    TICKETBOT_DRILLS=1 [TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test] \\
        pytest tests/drills/test_slack_rate_limit.py -n 0 -s

On PostgreSQL (a database of its own, dropped after) with 2 workers, else SQLite with 1.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from bot.config import load_settings
from storage.db import Database
from storage.domain import Actor, Status, Visibility
from storage.migrate import upgrade
from storage.models import OutboxRow, Ticket
from storage.people import People, Profile
from storage.roles import Roles
from storage.tickets import TicketService
from tests.conftest import ADMIN, PG_URL, TRIAGE, _pg_url
from tests.drills.conftest import fresh_postgres_database, only_as_a_drill
from tests.processes import BotProcess, bot_env
from tests.slack_requests import SlackRequests
from tests.slack_streams import expected, received
from tests.waiting import wait_until

pytestmark = only_as_a_drill

LIMIT = 30.0  # seconds of 429s
TICKETS = 30
CARLOS = "U0CARLOS"
# What delivering notifications calls. Slack limits each method on its own; Bolt's auth.test
# (once per worker, at its first request) is left alone.
DELIVERY_METHODS = ("chat.postMessage", "chat.update", "conversations.open", "users.info")


@pytest.fixture
def drill_url(tmp_path):
    if PG_URL:
        yield from fresh_postgres_database(_pg_url(), "ticketbot_drill_slack_429")
        return
    url = f"sqlite:///{tmp_path / 'drill.db'}"
    db = Database.from_url(url)
    upgrade(db.engine)
    db.dispose()
    yield url


def test_slack_rate_limits_for_30_seconds(drill_url, fake_slack, tmp_path):
    workers = "2" if drill_url.startswith("postgresql") else "1"
    env = bot_env(fake_slack, drill_url, DISPATCH_INTERVAL_SECONDS="1", SLACK_PACING="true")
    bot = BotProcess(["serve", "--workers", workers, "--host", "127.0.0.1"], env, tmp_path)
    db = Database.from_url(drill_url)
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-x", "TRIAGE_CHANNEL_ID": TRIAGE}, dotenv=False)
    service = TicketService(db, roles=Roles(db, {ADMIN}), categories=settings.category_keys)
    People(db).add_engineer(Profile(CARLOS, "carlos", "Carlos Pérez"), "Redes y Servidores")
    try:
        bot.wait_ready()
        slack = SlackRequests(bot.base + "/slack/events", "run-secret")
        started = time.monotonic()
        ends = fake_slack.rate_limit(LIMIT, methods=DELIVERY_METHODS)

        def submit(i: int) -> tuple[int, bytes]:
            answer = slack.submit_new_ticket(title=f"Printer {i} jams", view_id=f"VL{i}")
            return answer.status, answer.body

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(submit, range(TICKETS)))
        assert answers == [(200, b"")] * TICKETS  # every one filed (the modal closes) at once
        filed_in = time.monotonic() - started
        with db.read() as s:
            ids = list(s.scalars(select(Ticket.id).order_by(Ticket.id)))
        for n, ticket_id in enumerate(ids):
            service.assign(ticket_id, CARLOS, Actor(ADMIN))
            service.change_status(ticket_id, Status.IN_PROGRESS, Actor(CARLOS))
            service.add_note(ticket_id, Actor(CARLOS), "Ordered a new drum", Visibility.PUBLIC)
            if n % 2 == 0:
                service.close(ticket_id, Actor(CARLOS), "Replaced the drum")
        worked_in = time.monotonic() - started
        assert fake_slack.rate_limited(), "the work outlasted the outage: the drill proved nothing"

        wait_until(lambda: not fake_slack.rate_limited(), timeout=LIMIT + 5, what="the rate limit to end")
        during = [c for c in fake_slack.calls() if c.method in DELIVERY_METHODS and c.at < ends]
        assert during and all(c.status == 429 for c in during)  # nothing got through meanwhile

        def delivered() -> bool:
            with db.read() as s:
                return all(r.state == "done" for r in s.scalars(select(OutboxRow)))

        wait_until(delivered, timeout=300, what="every outbox row delivered after the rate limit")
        all_done = time.monotonic()
        after = [c for c in fake_slack.calls() if c.method in DELIVERY_METHODS and not c.failed]
        assert min(c.at for c in after) >= ends  # late...
        expected_calls = expected(db)
        assert received(fake_slack, db, TRIAGE) == expected_calls  # ...but all, once each, in order
        with db.read() as s:
            rows = list(s.scalars(select(OutboxRow)))
        print(
            f"\n{TICKETS} tickets filed in {filed_in:.1f} s and worked by {worked_in:.1f} s of a "
            f"{LIMIT:.0f} s rate limit; {len(during)} calls answered 429 meanwhile; "
            f"{len(rows)} outbox rows ({sum(len(v) for v in expected_calls.values())} Slack calls "
            f"on {len(expected_calls)} card streams) all delivered {all_done - ends:.1f} s after it "
            f"ended; most attempts of one row: {max(r.attempts for r in rows) + 1}"
        )
        assert bot.process.poll() is None
    finally:
        output = bot.stop()
        db.dispose()
        (tmp_path / "bot.log").write_text(output)
    assert "Traceback" not in output
