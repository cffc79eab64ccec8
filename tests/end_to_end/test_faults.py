"""Fault proofs: a worker killed with SIGKILL mid-burst loses nothing that was acknowledged."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from storage.db import Database
from storage.models import OutboxRow, Ticket
from tests.processes import BotProcess, bot_env
from tests.slack_requests import SlackRequests
from tests.waiting import wait_until

BURST = 500


def test_kill_9_a_worker_during_a_burst_of_submissions(fake_slack, database_url, tmp_path):
    env = bot_env(fake_slack, database_url, OUTBOX_LEASE_SECONDS="3", DISPATCH_INTERVAL_SECONDS="1")
    bot = BotProcess(["serve", "--workers", "2", "--host", "127.0.0.1"], env, tmp_path)
    db = Database.from_url(database_url)
    try:
        bot.wait_ready()
        wait_until(lambda: len(bot.web_workers()) == 2, what="two gunicorn workers")
        victim = bot.web_workers()[0]
        slack = SlackRequests(bot.base + "/slack/events", "run-secret")

        def submit(i: int) -> tuple[int, bool]:
            if i == BURST // 3:
                os.kill(victim, signal.SIGKILL)
            try:
                return i, slack.submit_new_ticket(title=f"burst {i}", view_id=f"VB{i}").status == 200
            except OSError:  # the connection died with the worker: Slack would show an error
                return i, False

        with ThreadPoolExecutor(8) as pool:
            results = dict(pool.map(submit, range(BURST)))
        acked = {f"VB{i}" for i, ok in results.items() if ok}
        assert len(acked) > BURST * 0.8  # the other worker (and the restarted one) kept serving

        with db.read() as s:
            keys = s.scalars(select(Ticket.request_key)).all()
        assert len(keys) == len(set(keys))  # nothing stored twice
        assert acked <= set(keys)  # everything acknowledged is stored

        def all_delivered() -> bool:
            with db.read() as s:
                return (
                    s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.state != "done"))
                    == 0
                )

        wait_until(all_delivered, timeout=240, what="every outbox row delivered after the kill")
        posted = {
            c.params["text"].split(":")[0] for c in fake_slack.calls("chat.postMessage") if not c.failed
        }
        with db.read() as s:
            numbers = {t.number for t in s.scalars(select(Ticket))}
        assert numbers <= posted  # every stored ticket's card reached Slack
    finally:
        output = bot.stop()
        db.dispose()
    assert "Traceback" not in output.replace("WORKER TIMEOUT", "")
