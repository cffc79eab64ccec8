"""`ticketbot serve`: gunicorn with two worker processes on one database, then a graceful stop;
delivery in a process of its own (the default) or in the web workers (--delivery-processes 0)."""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import OutboxRow, Ticket
from tests.processes import BotProcess, bot_env
from tests.slack_requests import SlackRequests
from tests.waiting import wait_until


@pytest.mark.parametrize("delivery_processes", ["1", "0"])
def test_two_workers_file_and_notify_each_ticket_exactly_once(
    fake_slack, database_url, tmp_path, delivery_processes
):
    args = ["serve", "--workers", "2", "--delivery-processes", delivery_processes, "--host", "127.0.0.1"]
    bot = BotProcess(args, bot_env(fake_slack, database_url), tmp_path)
    try:
        bot.wait_ready()
        slack = SlackRequests(bot.base + "/slack/events", "run-secret")
        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda i: slack.submit_new_ticket(title=f"t{i}", view_id=f"V{i}"), range(40))
            )
            # The same 10 submissions again (a double click, a network retry): no new tickets.
            answers += list(
                pool.map(lambda i: slack.submit_new_ticket(title=f"t{i}", view_id=f"V{i}"), range(10))
            )
        assert {a.status for a in answers} == {200}
        fake_slack.wait_for("chat.postMessage", lambda c: not c.failed, count=80, timeout=120)
        db = Database.from_url(database_url)
        try:

            def delivered() -> bool:
                with db.read() as s:
                    return s.scalar(select(func.count()).where(OutboxRow.state != "done")) == 0

            wait_until(delivered, timeout=120, what="every outbox row done")
            with db.read() as s:
                assert s.scalar(select(func.count()).select_from(Ticket)) == 40
        finally:
            db.dispose()
    finally:
        output = bot.stop(signal.SIGTERM)
    posts = [c for c in fake_slack.calls("chat.postMessage") if not c.failed]
    assert len(posts) == 80  # one triage card and one DM per ticket: none twice
    assert bot.process.returncode == 0, output
    assert "Traceback" not in output
