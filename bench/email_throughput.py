"""Benchmark (not a test): how fast the dispatcher mails, and how soon an email follows a ticket.

1. Throughput: N email rows through the real path (claim → render → compose → SMTP → done) to
   a local aiosmtpd, once with the SMTP connection reused across the batch and once with a new
   connection (connect, EHLO, send, QUIT) per email; prints emails/second and the ratio.
2. Delay: tickets filed one after another while the app runs as in production (dispatcher
   thread woken after each commit, APScheduler sweep); prints the median and p95 from the
   ticket's commit to its reporter's email arriving at the SMTP server.

    python bench/email_throughput.py [--emails 300] [--tickets 100] [--starttls] [--database-url URL]

--starttls makes the server offer STARTTLS with a throwaway self-signed certificate (openssl),
trusted through SSL_CERT_FILE: the handshake a real relay costs on every new connection.

Uses the tests' fakes (aiosmtpd SMTP server, fake Slack Web API) on 127.0.0.1 only, each in a
process of its own as real servers would be (in-process they would compete for the GIL).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, not installed

from sqlalchemy import select, update

from bot.app import build, build_services, web_client
from bot.config import Settings, load_settings
from bot.dispatcher import Dispatcher
from bot.email.delivery import EmailDelivery
from bot.email.smtp import SmtpSender
from storage import email_plan, outbox
from storage.db import Database
from storage.domain import Actor
from storage.migrate import upgrade
from storage.models import OutboxRow, TicketEvent
from storage.tickets import NewTicket
from tests.fakes.certificates import self_signed
from tests.fakes.slack_api import FakeSlack
from tests.fakes.smtp import FakeSMTP

REPORTER, ADMIN = "U0REPORTER", "U0ADMIN"
ROUNDS = 3
TICKET = NewTicket("Printer jams", "Paper jam on floor 3.\nTried turning it off and on.", "printers", "high")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=500, help="emails per throughput run")
    parser.add_argument("--tickets", type=int, default=200, help="tickets for the delay measurement")
    parser.add_argument("--pace", type=float, default=0.1, help="seconds between two tickets filed")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--starttls", action="store_true", help="SMTP with STARTTLS, as in production")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        os.environ.pop(name, None)  # slack_sdk would send 127.0.0.1 traffic through a proxy

    with tempfile.TemporaryDirectory() as folder:
        certificate = self_signed(folder)[0] if args.starttls else None
        if certificate:
            os.environ["SSL_CERT_FILE"] = certificate  # trust it, as if a CA had signed it
        smtp, slack = Server(_serve_smtp, certificate), Server(_serve_slack)
        try:
            env = {
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_API_URL": slack.address,
                "DATABASE_URL": args.database_url or f"sqlite:///{folder}/bench.db",
                "TRIAGE_CHANNEL_ID": "C0TRIAGE",
                "ADMIN_USER_IDS": ADMIN,
                "ADMIN_EMAILS": "it-team@example.com",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp.address),
                "SMTP_STARTTLS": "true" if certificate else "false",
                "MAIL_FROM": "IT Helpdesk <helpdesk@example.com>",
            }
            settings = load_settings(env, dotenv=False)
            db = Database.from_url(settings.database_url)
            upgrade(db.engine)
            security = "with STARTTLS" if certificate else "plain, no TLS"
            print(
                f"database: {db.engine.dialect.name}; SMTP: aiosmtpd on 127.0.0.1:{smtp.address}, {security}"
            )
            throughput(settings, db, smtp, args.emails)
            if args.tickets:
                delay(settings, db, smtp, args.tickets, args.pace)
            db.dispose()
        finally:
            smtp.stop()
            slack.stop()


class Server:
    """A fake server in a process of its own; `ask(question)` talks to it over a pipe."""

    def __init__(self, target, *args) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=target, args=(child, *args), daemon=True)
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


def _serve_smtp(pipe, certificate: str | None = None) -> None:
    tls = None
    if certificate:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(certificate, certificate.replace(".pem", ".key"))  # self_signed's pair
    smtp = FakeSMTP(tls)
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
    services = build_services(settings, db)
    ticket, _ = services.tickets.create(Actor(REPORTER), TICKET)
    with db.transaction() as session:
        event_id = session.scalar(select(TicketEvent.id).where(TicketEvent.ticket_id == ticket.id))
        session.execute(update(OutboxRow).values(state=outbox.DONE))  # only the bench's rows count
    modes = {  # name: (close the connection after every email?, dispatcher threads)
        "reused": (False, 1),
        "new": (True, 1),
        "reused, 4 threads": (False, 4),  # as deployed: the dispatcher's default pool
    }
    results: dict[str, list[float]] = {mode: [] for mode in modes}
    for run in range(ROUNDS):
        order = list(modes) if run % 2 == 0 else list(reversed(modes))  # alternate who goes first
        for mode in order:
            fresh, threads = modes[mode]
            sender = SmtpSender("127.0.0.1", smtp.address, local_hostname=settings.mail_domain)
            email = EmailDelivery.build(services, settings, web_client(settings, retries=False), sender)
            deliver = email.deliver
            if fresh:

                def deliver(payload, email=email):  # connect, EHLO, send, QUIT: every email
                    email.deliver(payload)
                    email.tidy(final=True)

            with db.transaction() as session:
                for i in range(count):
                    to = {"address": f"user{run}{threads}{fresh}{i}@example.com"}
                    payload = {"ticket_id": ticket.id, "event_id": event_id, "template": "update", "to": to}
                    outbox.enqueue(session, email_plan.EMAIL, payload, f"bench:{run}:{mode}:{i}")
            arrived = smtp.ask("count")
            started = time.perf_counter()
            dispatcher = Dispatcher(db, {email_plan.EMAIL: deliver}, max_attempts=43, concurrency=threads)
            dispatcher.drain(rounds=100_000)
            elapsed = time.perf_counter() - started
            smtp.wait_for(arrived + count, timeout=60)
            email.tidy(final=True)
            dispatcher.stop()
            rate = count / elapsed
            results[mode].append(rate)
            opened = sender.connections
            print(f"  run {run + 1}, {mode:>17}: {rate:7.1f} emails/s ({opened} connections)")
    best = {mode: max(rates) for mode, rates in results.items()}
    print(f"throughput, best of {ROUNDS} runs of {count} emails, one dispatcher thread:")
    print(f"  one connection reused for the batch: {best['reused']:7.1f} emails/s")
    print(f"  a new connection per email:          {best['new']:7.1f} emails/s")
    print(f"  ratio: {best['reused'] / best['new']:.2f}x")
    deployed = best["reused, 4 threads"]
    print(f"  as deployed (4 dispatcher threads, one shared connection): {deployed:.1f} emails/s")


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
