"""Benchmark (not a test): how fast the dispatcher mails, and how soon an email follows a ticket.

1. Throughput: N email rows through the real path (claim → render → compose → SMTP → done) to
   a local aiosmtpd, once with the SMTP connection reused across the batch and once with a new
   connection (connect, EHLO, send, QUIT) per email; prints emails/second and the ratio.
2. Delay: tickets filed one after another while the app runs as in production (dispatcher
   thread woken after each commit, APScheduler sweep); prints the median and p95 from the
   ticket's commit to its reporter's email arriving at the SMTP server.

    python bench/email_throughput.py [--emails 500] [--tickets 200] [--database-url URL]

Uses the tests' fakes (aiosmtpd SMTP server, fake Slack Web API) on 127.0.0.1 only, each in a
process of its own as real servers would be (in-process they would compete for the GIL).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, not installed

from sqlalchemy import select, update

from bot.app import build, web_client
from bot.config import Settings, load_settings
from bot.dispatcher import Dispatcher
from bot.email.delivery import EmailDelivery
from bot.email.smtp import SmtpSender
from bot.services import Services
from storage import email_plan, outbox
from storage.db import Database
from storage.migrate import upgrade
from storage.models import OutboxRow, TicketEvent
from storage.tickets import Actor, NewTicket
from tests.fakes.slack_api import FakeSlack
from tests.fakes.smtp import FakeSMTP

REPORTER, ADMIN = "U0REPORTER", "U0ADMIN"
ROUNDS = 3
TICKET = NewTicket("Printer jams", "Paper jam on floor 3.\nTried turning it off and on.", "printers", "high")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=500, help="emails per throughput run")
    parser.add_argument("--tickets", type=int, default=200, help="tickets for the delay measurement")
    parser.add_argument("--pace", type=float, default=0.02, help="seconds between two tickets filed")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        os.environ.pop(name, None)  # slack_sdk would send 127.0.0.1 traffic through a proxy

    smtp, slack = Server(_serve_smtp), Server(_serve_slack)
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{folder}/bench.db"
            settings = load_settings(
                {
                    "SLACK_BOT_TOKEN": "xoxb-bench",
                    "SLACK_API_URL": slack.address,
                    "DATABASE_URL": url,
                    "TRIAGE_CHANNEL_ID": "C0TRIAGE",
                    "ADMIN_USER_IDS": ADMIN,
                    "ADMIN_EMAILS": "it-team@example.com",
                    "SMTP_HOST": "127.0.0.1",
                    "SMTP_PORT": str(smtp.address),
                    "MAIL_FROM": "IT Helpdesk <helpdesk@example.com>",
                },
                dotenv=False,
            )
            db = Database.from_url(settings.database_url)
            upgrade(db.engine)
            print(f"database: {db.engine.dialect.name}; SMTP: aiosmtpd on 127.0.0.1:{smtp.address}")
            throughput(settings, db, smtp, args.emails)
            if args.tickets:
                delay(settings, db, smtp, args.tickets, args.pace)
            db.dispose()
    finally:
        smtp.stop()
        slack.stop()


class Server:
    """A fake server in a process of its own; `ask(question)` talks to it over a pipe."""

    def __init__(self, target) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=target, args=(child,), daemon=True)
        self._process.start()
        self.address = self._pipe.recv()

    def ask(self, question: str):
        self._pipe.send(question)
        return self._pipe.recv()

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.ask("count") < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {self.ask('count')} of {count} emails arrived in {timeout}s")
            time.sleep(0.01)

    def stop(self) -> None:
        self.ask("stop")
        self._process.join(5)


def _serve_smtp(pipe) -> None:
    smtp = FakeSMTP()
    smtp.start()
    pipe.send(smtp.port)
    while (question := pipe.recv()) != "stop":
        if question == "count":
            pipe.send(len(smtp.received))
        else:  # "arrivals": (recipient, subject, time.monotonic(): one clock for all processes)
            pipe.send([(m.rcpt_to, m.subject, m.at) for m in smtp.messages()])
    smtp.stop()
    pipe.send("stopped")


def _serve_slack(pipe) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        os.environ.pop(name, None)
    slack = FakeSlack()
    slack.start()
    slack.add_user(REPORTER, "ana", "Ana Gómez", email="ana@example.com")
    slack.add_user(ADMIN, "admin", "Alex Admin", email="admin@example.com")
    pipe.send(slack.base_url)
    while pipe.recv() != "stop":
        pipe.send(None)
    slack.stop()
    pipe.send("stopped")


def throughput(settings: Settings, db: Database, smtp: Server, count: int) -> None:
    services = Services.build(settings, db)
    ticket, _ = services.tickets.create(Actor(REPORTER), TICKET)
    with db.transaction() as session:
        event_id = session.scalar(select(TicketEvent.id).where(TicketEvent.ticket_id == ticket.id))
        session.execute(update(OutboxRow).values(state=outbox.DONE))  # only the bench's rows count
    results: dict[str, list[float]] = {"reused": [], "new": []}
    for run in range(ROUNDS):
        for mode in ("reused", "new") if run % 2 else ("new", "reused"):  # alternate who goes first
            sender = SmtpSender("127.0.0.1", smtp.address, local_hostname=settings.mail_domain)
            email = EmailDelivery.build(services, web_client(settings, retries=False), sender)
            deliver = email.deliver
            if mode == "new":

                def deliver(payload, email=email):  # connect, EHLO, send, QUIT: every email
                    email.deliver(payload)
                    email.tidy(final=True)

            with db.transaction() as session:
                for i in range(count):
                    to = {"address": f"user{run}{mode}{i}@example.com"}
                    payload = {"ticket_id": ticket.id, "event_id": event_id, "template": "update", "to": to}
                    outbox.enqueue(session, email_plan.EMAIL, payload, f"bench:{run}:{mode}:{i}")
            arrived = smtp.ask("count")
            started = time.perf_counter()
            Dispatcher(db, {email_plan.EMAIL: deliver}, max_attempts=43).drain(rounds=100_000)
            elapsed = time.perf_counter() - started
            smtp.wait_for(arrived + count, timeout=60)
            email.tidy(final=True)
            rate = count / elapsed
            results[mode].append(rate)
            opened = sender.connections
            print(f"  run {run + 1}, {mode:>6} connection: {rate:7.1f} emails/s ({opened} connections)")
    reused, new = max(results["reused"]), max(results["new"])
    print(f"throughput, best of {ROUNDS} runs of {count} emails:")
    print(f"  one connection reused for the batch: {reused:7.1f} emails/s")
    print(f"  a new connection per email:          {new:7.1f} emails/s")
    print(f"  ratio: {reused / new:.2f}x")


def delay(settings: Settings, db: Database, smtp: Server, count: int, pace: float) -> None:
    runtime = build(settings, db)
    runtime.start_background()
    try:
        filed: dict[str, float] = {}
        for _ in range(count):
            ticket, _ = runtime.services.tickets.create(Actor(REPORTER), TICKET)
            filed[f"[{ticket.number}]"] = time.monotonic()  # committed: the rows exist now
            time.sleep(pace)
        deadline = time.monotonic() + 120
        while len(receipts := [a for a in smtp.ask("arrivals") if receipt_of(a, filed)]) < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(receipts)} of {count} receipts arrived")
            time.sleep(0.05)
        delays = sorted((at - filed[subject.split()[0]]) * 1000 for _, subject, at in receipts)
        p95 = delays[max(0, round(0.95 * len(delays)) - 1)]
        print(f"delay from a ticket's commit to its reporter's email arriving ({count} tickets,")
        print(f"  one every {pace * 1000:.0f} ms, each also posting 2 Slack cards and mailing 2 admins):")
        print(f"  median {statistics.median(delays):6.1f} ms   p95 {p95:6.1f} ms   max {delays[-1]:6.1f} ms")
    finally:
        runtime.stop()


def receipt_of(arrival: tuple[str, str, float], filed: dict[str, float]) -> bool:
    recipient, subject, _ = arrival
    return recipient == "ana@example.com" and subject.split()[0] in filed and "received" in subject


if __name__ == "__main__":
    main()
