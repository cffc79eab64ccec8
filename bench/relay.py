"""Thread sync under Slack's rate limits: messages relayed per second, and the relay's latency
(message event acked → its relayed copy posted in the fake Slack), against a floor.

    python bench/relay.py                  # both scenarios, ticketbot then the floor, SQLite
    python bench/relay.py --postgres       # on PostgreSQL (a bench database of its own)
    python bench/relay.py --quick          # a third of the messages

The fake Slack enforces Slack's documented limits (tests/fakes/slack_limits.py: chat.postMessage
1/s per channel with a burst of 3 under 300/min per workspace, Tier 3 — chat.update,
reactions.add — 50/min, 429 with Retry-After). Reporters write in the threads of their DM cards,
as Slack sends `message.im` events, at a steady offered rate; each message is relayed to the
engineer's card thread.

Two scenarios: *spread* — 10 tickets, each with its own engineer (10 destination DMs), so the
per-channel limit does not bind; *one DM* — every message to one engineer's DM, which Slack
takes at one message a second.

The **floor** does the same work with nothing else, in the same process against the same fake:
a Bolt app that acks the event, finds the ticket of the thread (one indexed SELECT), stores the
comment (one INSERT, committed), posts the copy in the engineer's thread (chat.postMessage) and
adds ✅ (reactions.add, on a pool of its own so no copy waits on it), each call at the earliest
moment Slack's documented limits allow (an in-memory schedule at the fake's rates plus 50 ms,
which no multi-process app could share) — no card redraws, no outbox, no email.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.support import (  # noqa: E402
    PG_ADMIN_URL,
    SECRET,
    TRIAGE,
    ms,
    percentile,
    postgres_database,
    print_machine,
    table,
)
from bot.app import build  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.http import make_http_server  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.domain import Actor  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.people import People, Profile  # noqa: E402
from storage.tickets import NewTicket  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.fakes.slack_limits import LimitModel  # noqa: E402
from tests.slack_requests import SlackRequests  # noqa: E402
from tests.waiting import wait_until  # noqa: E402

ADMIN = "U0ADMIN"
# name: (tickets, engineers, messages, offered per second)
SCENARIOS = {"spread": (10, 10, 60, 3.0), "one DM": (10, 1, 20, 2.0)}


@dataclass
class Result:
    label: str
    latencies: list[float]  # ack → copy posted, per message
    relayed_per_s: float  # messages / (first send → last copy)
    answered_429: int
    lost: int
    last_tick: float  # seconds from the first send to the last ✅ shown

    def row(self) -> list[str]:
        s = sorted(self.latencies)
        return [
            self.label,
            f"{len(s)}",
            f"{self.relayed_per_s:.2f}",
            ms(percentile(s, 0.5)),
            ms(percentile(s, 0.95)),
            ms(max(s) if s else float("nan")),
            f"{self.last_tick:.1f}",
            str(self.answered_429),
            str(self.lost),
        ]


# ------------------------------------------------------------------------------ the load


@dataclass
class Thread:
    reporter: str
    channel: str  # the reporter's DM
    ts: str  # their card's ts
    engineer: str


def send(slack: SlackRequests, fake: FakeSlack, threads: list[Thread], messages: int, rate: float):
    """Post `messages` as Slack sends them, round-robin over the threads, `rate` a second;
    returns each marker's ack time and the time the first was sent."""
    acks: dict[str, float] = {}
    start = time.monotonic()

    def one(i: int) -> None:
        time.sleep(max(0.0, start + i / rate - time.monotonic()))  # the load's shape
        thread = threads[i % len(threads)]
        marker, ts = f"relay-msg-{i:04d}", f"1800000000.{i + 1:06d}"
        fake.add_message(thread.channel, ts, marker, thread.reporter, thread_ts=thread.ts)
        event = {"type": "message", "user": thread.reporter, "text": marker, "ts": ts, "event_ts": ts}
        event |= {"channel": thread.channel, "channel_type": "im", "thread_ts": thread.ts}
        answer = slack.event(event)
        assert answer.status == 200, answer
        acks[marker] = time.monotonic()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(messages)))
    return acks, start


def measure(label: str, fake: FakeSlack, acks: dict[str, float], start: float, timeout: float) -> Result:
    def copies() -> dict[str, float]:
        found = {}
        for call in fake.calls("chat.postMessage"):
            text = call.params.get("text", "")
            if not call.failed and "relay-msg-" in text:
                found[text[text.index("relay-msg-") :][:14]] = call.at
        return found

    with contextlib.suppress(AssertionError):  # what never came is reported as lost
        wait_until(lambda: len(copies()) >= len(acks), timeout=timeout, what="every copy posted")
    posted = copies()

    def reacted() -> list[float]:
        return [c.at for c in fake.calls("reactions.add") if not c.failed]

    with contextlib.suppress(AssertionError):  # every ✅ shown before anything is stopped
        wait_until(lambda: len(reacted()) >= len(acks), timeout=timeout, what="every ✅ shown")
    last_tick = max(reacted(), default=start) - start
    latencies = [posted[m] - acks[m] for m in acks if m in posted]
    last = max(posted.values()) if posted else start
    rate = len(posted) / (last - start) if last > start else 0.0
    return Result(label, latencies, rate, fake.limited_answers, len(acks) - len(posted), last_tick)


# ------------------------------------------------------------------------------ ticketbot


def ticketbot(url: str, fake: FakeSlack, tickets: int, engineers: int, messages: int, rate: float) -> Result:
    db = Database.from_url(url)
    upgrade(db.engine)
    environ = {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
        "DATABASE_URL": url,
        "TRIAGE_CHANNEL_ID": TRIAGE,
        "ADMIN_USER_IDS": ADMIN,
        "SLACK_PACING": "true",
    }
    settings = load_settings(environ, dotenv=False)
    names = [f"U0ENG{n:03d}" for n in range(engineers)]
    for user in names:
        People(db).add_engineer(Profile(user, user.lower(), f"Engineer {user[-3:]}"), "Redes")
    runtime = build(settings, db)
    runtime.start_background()
    server = make_http_server(runtime, "127.0.0.1", 0)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    serving.start()
    try:
        service = runtime.services.tickets
        ids = []
        for n in range(tickets):
            reporter = f"U0REP{n:03d}"
            ticket = service.create(
                Actor(reporter), NewTicket(f"VPN drops {n}", "every hour", "network", "high")
            )[0]
            service.assign(ticket.id, names[n % engineers], Actor(ADMIN))
            ids.append((ticket.id, reporter, names[n % engineers]))
        threads = []
        for ticket_id, reporter, engineer in ids:
            card = wait_until(lambda t=ticket_id: _cards(db, t), timeout=600, what="cards posted")
            threads.append(Thread(reporter, card[0], card[1], engineer))
        wait_until(lambda: _idle(db), timeout=600, what="set-up delivered")
        slack = SlackRequests(f"http://127.0.0.1:{server.server_port}/slack/events", SECRET)
        fake.enforce_limits()  # from here on, Slack's documented limits (set-up went unlimited)
        before = fake.limited_answers
        acks, start = send(slack, fake, threads, messages, rate)
        result = measure("ticketbot", fake, acks, start, timeout=600)
        result.answered_429 -= before
        return result
    finally:
        server.shutdown()
        server.server_close()
        runtime.stop()
        db.dispose()


def _cards(db: Database, ticket_id: int):
    from storage.models import Ticket

    with db.read() as s:
        t = s.get(Ticket, ticket_id)
        ready = t.reporter_dm_ts and t.engineer_dm_ts and t.triage_ts
        return (t.reporter_dm_channel, t.reporter_dm_ts) if ready else None


def _idle(db: Database) -> bool:
    from sqlalchemy import func, select

    from storage.models import OutboxRow

    with db.read() as s:
        return not s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.state == "pending"))


# ------------------------------------------------------------------------------ the floor


MARGIN = 0.05  # the fake counts a call when it arrives, a moment after it was scheduled


class Schedule:
    """When Slack's documented limits let the next call of a key go (the fake's model, each
    interval MARGIN longer)."""

    def __init__(self) -> None:
        self.model = LimitModel()
        self._tat: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, keys: list[tuple[str, object]]) -> None:
        with self._lock:
            now = time.monotonic()
            at = now
            for key, limit in keys:
                tolerance = (limit.burst - 1) * limit.interval
                at = max(at, self._tat.get(key, 0.0) - tolerance)
            for key, limit in keys:
                self._tat[key] = max(self._tat.get(key, 0.0), at) + limit.interval + MARGIN
        time.sleep(max(0.0, at - time.monotonic()))

    def post(self, channel: str) -> list[tuple[str, object]]:
        return [
            (f"chat.postMessage {channel}", self.model.per_channel_post),
            ("post", self.model.workspace_post),
        ]

    def tier3(self, method: str) -> list[tuple[str, object]]:
        return [(method, self.model.tier3)]


FLOOR_THREADS = """CREATE TABLE floor_threads (channel VARCHAR(32), ts VARCHAR(32),
    copy_channel VARCHAR(32), copy_ts VARCHAR(32), PRIMARY KEY (channel, ts))"""
FLOOR_COMMENTS = """CREATE TABLE floor_comments (id INTEGER PRIMARY KEY, channel VARCHAR(32),
    ts VARCHAR(32), author VARCHAR(32), note TEXT)"""


class _Threaded(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def floor(url: str, fake: FakeSlack, tickets: int, engineers: int, messages: int, rate: float) -> Result:
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text(FLOOR_THREADS))
        conn.execute(text(FLOOR_COMMENTS))
    client = WebClient(token="xoxb-bench", base_url=fake.base_url)
    threads = []
    for n in range(tickets):
        reporter, engineer = f"U0REP{n:03d}", f"U0ENG{n % engineers:03d}"
        mine = client.chat_postMessage(channel=reporter, text=f"card {n}")
        theirs = client.chat_postMessage(channel=engineer, text=f"card {n}")
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO floor_threads VALUES (:c, :t, :cc, :ct)"),
                {"c": mine["channel"], "t": mine["ts"], "cc": theirs["channel"], "ct": theirs["ts"]},
            )
        threads.append(Thread(reporter, mine["channel"], mine["ts"], engineer))
    schedule = Schedule()
    app = App(signing_secret=SECRET, client=client, token_verification_enabled=False)
    reactions = ThreadPoolExecutor(4)
    counter = iter(range(1, 10**9))
    lock = threading.Lock()

    @app.event("message")
    def relay(event, ack=None) -> None:
        with engine.begin() as conn:
            found = conn.execute(
                text("SELECT copy_channel, copy_ts FROM floor_threads WHERE channel = :c AND ts = :t"),
                {"c": event["channel"], "t": event.get("thread_ts")},
            ).first()
            if found is None:
                return
            with lock:
                n = next(counter)
            conn.execute(
                text("INSERT INTO floor_comments VALUES (:id, :c, :t, :a, :n)"),
                {"id": n, "c": event["channel"], "t": event["ts"], "a": event["user"], "n": event["text"]},
            )
        schedule.wait(schedule.post(found[0]))
        client.chat_postMessage(
            channel=found[0], thread_ts=found[1], text=f"<@{event['user']}> wrote: {event['text']}"
        )
        reactions.submit(react, event["channel"], event["ts"])  # the next copy never waits on a ✅

    def react(channel: str, ts: str) -> None:
        schedule.wait(schedule.tier3("reactions.add"))
        client.reactions_add(channel=channel, timestamp=ts, name="white_check_mark")

    server = make_server("127.0.0.1", 0, SlackRequestHandler(app, path="/slack/events"), _Threaded, _Quiet)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    serving.start()
    try:
        slack = SlackRequests(f"http://127.0.0.1:{server.server_port}/slack/events", SECRET)
        fake.enforce_limits()  # from here on, Slack's documented limits (set-up went unlimited)
        before = fake.limited_answers
        acks, start = send(slack, fake, threads, messages, rate)
        result = measure("floor", fake, acks, start, timeout=300)
        result.answered_429 -= before
        return result
    finally:
        server.shutdown()
        server.server_close()
        reactions.shutdown(wait=False, cancel_futures=True)
        engine.dispose()


# ------------------------------------------------------------------------------ the run


def one(kind, scenario: str, postgres: bool, quick: bool) -> Result:
    tickets, engineers, messages, rate = SCENARIOS[scenario]
    if quick:
        messages = max(6, messages // 3)
    with tempfile.TemporaryDirectory() as workdir:
        if postgres:
            context = postgres_database(f"ticketbot_bench_relay_{kind.__name__}")
            url = context.__enter__()
        else:
            url = f"sqlite:///{workdir}/relay.db"
        fake = FakeSlack().start()
        for n in range(tickets):
            fake.add_user(f"U0REP{n:03d}", f"rep{n}", f"Reporter {n}", email=f"rep{n}@example.com")
        for n in range(engineers):
            fake.add_user(f"U0ENG{n:03d}", f"eng{n}", f"Engineer {n}", email=f"eng{n}@example.com")
        fake.add_user(ADMIN, "admin", "Alex Admin", email="admin@example.com")
        try:
            return kind(url, fake, tickets, engineers, messages, rate)
        finally:
            fake.stop()
            if postgres:
                context.__exit__(None, None, None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help=f"a database next to {PG_ADMIN_URL}")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print_machine()
    headers = ["", "messages", "relayed/s", "p50 ms", "p95 ms", "max ms", "last ✅ s", "429s", "lost"]
    for scenario, (tickets, engineers, messages, rate) in SCENARIOS.items():
        if args.only and scenario != args.only:
            continue
        offered = max(6, messages // 3) if args.quick else messages
        started = time.monotonic()
        bot = one(ticketbot, scenario, args.postgres, args.quick)
        base = one(floor, scenario, args.postgres, args.quick)
        print(f"\n== {scenario}: {offered} messages over {tickets} tickets to {engineers} engineer DM(s),")
        print(f"   offered {rate:g}/s ({time.monotonic() - started:.0f} s with set-up)")
        print(table(headers, [bot.row(), base.row()]))
        ratios = [bot.relayed_per_s / max(1e-9, base.relayed_per_s)]
        for q in (0.5, 0.95):
            ratios.append(
                percentile(sorted(bot.latencies), q) / max(1e-9, percentile(sorted(base.latencies), q))
            )
        print("  ticketbot / floor: relayed/s {:.2f}x, p50 {:.2f}x, p95 {:.2f}x".format(*ratios))
        bound = min(rate, engineers * 1.0, 300 / 60)
        print(
            f"  Slack's documented limits allow {bound:g} copies/s here "
            "(1/s per channel, 300/min per workspace)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
