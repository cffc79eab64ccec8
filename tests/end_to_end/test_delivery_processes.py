"""Delivery in processes of its own: `ticketbot serve --delivery-processes 1` and `ticketbot deliver`.

DISPATCH_INTERVAL_SECONDS is an hour in most of these tests: a row delivered within seconds was
delivered because the web worker's commit woke the delivery process, not by the poll.
"""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bot.app import build_services
from bot.config import load_settings
from bot.wake import WakeSender
from storage.db import Database
from storage.domain import Actor
from storage.models import OutboxRow, Ticket
from storage.tickets import NewTicket
from tests.processes import BotProcess, bot_env
from tests.slack_requests import SlackRequests
from tests.waiting import wait_until

SERVE = ["serve", "--workers", "2", "--delivery-processes", "1", "--host", "127.0.0.1"]
POSTS = "chat.postMessage"


def not_done(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.state != "done"))


def claimed_by(db: Database) -> set[int]:
    """Process ids holding claims (`Dispatcher.worker` is host:pid:random)."""
    with db.read() as s:
        workers = s.scalars(select(OutboxRow.claimed_by).where(OutboxRow.claimed_by.is_not(None))).all()
    return {int(worker.split(":")[1]) for worker in workers}


def ticket_numbers(db: Database) -> set[str]:
    with db.read() as s:
        return {t.number for t in s.scalars(select(Ticket))}


def posted(fake_slack) -> list[str]:
    """The ticket number each successful chat.postMessage was about."""
    return [c.params["text"].split(":")[0] for c in fake_slack.calls(POSTS) if not c.failed]


def stopped_cleanly(bot: BotProcess) -> None:
    output = bot.stop(signal.SIGTERM)
    assert bot.process.returncode == 0, output
    assert "Traceback" not in output, output


def test_a_commit_wakes_the_delivery_process_and_web_workers_deliver_nothing(
    fake_slack, database_url, tmp_path
):
    bot = BotProcess(SERVE, bot_env(fake_slack, database_url, DISPATCH_INTERVAL_SECONDS="3600"), tmp_path)
    db = Database.from_url(database_url)
    try:
        bot.wait_ready()
        [deliverer] = bot.wait_delivering()
        slack = SlackRequests(bot.base + "/slack/events", "run-secret", fake_slack.response_url("cmd"))

        # A card caught in flight: the process holding its row is the delivery process.
        gate = fake_slack.hold(POSTS)
        assert slack.submit_new_ticket(title="first", view_id="V0").status == 200
        wait_until(lambda: fake_slack.held(POSTS), timeout=10, what="a card in flight")
        assert claimed_by(db) == {deliverer}
        assert deliverer not in bot.web_workers() and len(bot.web_workers()) == 2
        gate.set()

        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda i: slack.submit_new_ticket(title=f"t{i}", view_id=f"V{i}"), range(1, 21))
            )
        assert {a.status for a in answers} == {200}
        fake_slack.wait_for(POSTS, lambda c: not c.failed, count=42, timeout=10)
        wait_until(lambda: not_done(db) == 0, timeout=10, what="every outbox row done")
        # The wake reaches the export dispatcher too.
        assert slack.command("export").status == 200
        fake_slack.wait_for("files.completeUploadExternal", timeout=10)
        wait_until(lambda: not_done(db) == 0, timeout=10, what="the export row done")
    finally:
        try:
            stopped_cleanly(bot)
        finally:
            numbers = ticket_numbers(db)
            db.dispose()
    assert len(numbers) == 21
    assert sorted(posted(fake_slack)) == sorted(2 * list(numbers))  # a triage card and a DM each, once


def card_in_flight(bot: BotProcess, fake_slack) -> tuple[int, SlackRequests, threading.Event]:
    """Start the bot, file a ticket, and hold its first card at the fake Slack: the delivery
    process's pid, the Slack requests and the gate that lets the card go."""
    bot.wait_ready()
    [deliverer] = bot.wait_delivering()
    slack = SlackRequests(bot.base + "/slack/events", "run-secret")
    gate = fake_slack.hold(POSTS)
    assert slack.submit_new_ticket(title="in flight", view_id="V0").status == 200
    wait_until(lambda: fake_slack.held(POSTS), timeout=10, what="a card in flight")
    return deliverer, slack, gate


def test_a_killed_delivery_process_is_started_again_and_loses_nothing(fake_slack, database_url, tmp_path):
    env = bot_env(fake_slack, database_url, DISPATCH_INTERVAL_SECONDS="1", OUTBOX_LEASE_SECONDS="3")
    bot = BotProcess(SERVE, env, tmp_path)
    db = Database.from_url(database_url)
    try:
        victim, slack, gate = card_in_flight(bot, fake_slack)
        os.kill(victim, signal.SIGKILL)  # its claims stay until their lease runs out
        gate.set()
        wait_until(
            lambda: [pid for pid in bot.delivery_pids() if pid != victim],  # the victim may linger a moment
            timeout=30,
            what="a new delivery process",
        )
        for i in range(1, 6):
            assert slack.submit_new_ticket(title=f"after {i}", view_id=f"V{i}").status == 200
        wait_until(lambda: not_done(db) == 0, timeout=60, what="every outbox row done after the kill")
        numbers = ticket_numbers(db)
        assert len(numbers) == 6
        # At least once: the card in flight when its process died may have gone twice.
        assert numbers <= set(posted(fake_slack))
        assert f"delivery process 0 (pid {victim}) was killed by SIGKILL; starting it again" in bot.output()
    finally:
        try:
            stopped_cleanly(bot)
        finally:
            db.dispose()


def test_sigterm_finishes_the_row_in_hand_and_gives_back_the_other_claims(fake_slack, database_url, tmp_path):
    bot = BotProcess(SERVE, bot_env(fake_slack, database_url, DISPATCH_INTERVAL_SECONDS="3600"), tmp_path)
    db = Database.from_url(database_url)
    try:
        deliverer, _, gate = card_in_flight(bot, fake_slack)
        assert claimed_by(db) == {deliverer}  # its emails are claimed too, behind the cards
        bot.process.send_signal(signal.SIGTERM)
        wait_until(lambda: "stopping: finishing the notifications in hand" in bot.output(), timeout=10)
        gate.set()
        bot.process.wait(timeout=30)
    finally:
        try:
            stopped_cleanly(bot)
        finally:
            claims, left = claimed_by(db), not_done(db)
            db.dispose()
    assert claims == set()  # given back, for the next process to take at once
    assert left > 0  # the unstarted emails wait for the next start
    assert posted(fake_slack) == ["TKT-000001", "TKT-000001"]  # the cards in hand went out


def test_deliver_on_its_own_delivers_rows_another_process_wrote(fake_slack, database_url, tmp_path):
    env = bot_env(fake_slack, database_url, DISPATCH_INTERVAL_SECONDS="3600")
    settings = load_settings(env, dotenv=False)
    db = Database.from_url(database_url)
    tickets = build_services(settings, db).tickets
    tickets.create(Actor("U0REPORTER"), NewTicket("Before it started", "—", "software", "high"))
    socket_path = tmp_path / "wake.sock"
    bot = BotProcess(["deliver", "--wake-socket", str(socket_path)], env, tmp_path)
    sender = WakeSender([str(socket_path)])
    try:
        fake_slack.wait_for(POSTS, lambda c: not c.failed, count=2, timeout=30)  # its first pass
        wait_until(socket_path.exists, timeout=10, what="the wake socket")
        db.on_commit(sender.wake)  # as a web worker does under `ticketbot serve`
        tickets.create(Actor("U0REPORTER"), NewTicket("After it started", "—", "network", "low"))
        fake_slack.wait_for(POSTS, lambda c: not c.failed, count=4, timeout=10)
    finally:
        try:
            stopped_cleanly(bot)
        finally:
            sender.close()
            db.dispose()
    assert sorted(posted(fake_slack)) == ["TKT-000001", "TKT-000001", "TKT-000002", "TKT-000002"]
    assert not socket_path.exists()


def test_gunicorns_own_signals_are_passed_on_and_hup_reloads_everything(fake_slack, database_url, tmp_path):
    """HUP, USR1, … would end a supervisor that ignored them, and the service with it."""
    bot = BotProcess(SERVE, bot_env(fake_slack, database_url, DISPATCH_INTERVAL_SECONDS="3600"), tmp_path)
    db = Database.from_url(database_url)
    try:
        bot.wait_ready()
        [deliverer] = wait_until(bot.delivery_pids, what="the delivery process")
        workers = set(wait_until(lambda: len(bot.web_workers()) == 2 and bot.web_workers(), what="workers"))
        bot.process.send_signal(signal.SIGUSR1)  # gunicorn: reopen the log files
        bot.process.send_signal(signal.SIGHUP)  # gunicorn: reload the workers
        wait_until(
            lambda: len(bot.web_workers()) == 2 and not workers & set(bot.web_workers()),
            timeout=30,
            what="two new web workers",
        )
        wait_until(
            lambda: [p for p in bot.delivery_pids() if p != deliverer], timeout=30, what="a new deliverer"
        )
        assert bot.process.poll() is None
        slack = SlackRequests(bot.base + "/slack/events", "run-secret")
        wait_until(lambda: bot.healthy(), timeout=30, what="answering again")
        assert slack.submit_new_ticket(title="after the reload", view_id="V1").status == 200
        wait_until(lambda: not_done(db) == 0, timeout=30, what="delivered by the new delivery process")
        assert "stopped for the reload; starting it again" in bot.output()
    finally:
        try:
            stopped_cleanly(bot)
        finally:
            db.dispose()
