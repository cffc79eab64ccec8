"""An outage morning against a Slack that enforces its rate limits: many tickets filed from a few
clients within seconds, delivered by the app as it runs (in this process), then the figures.

Shared by tests/bot/test_pacing_burst.py (30 tickets in 5 s) and bench/burst.py (and 200 in 60 s).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from sqlalchemy import select

from bot.app import build
from bot.config import Settings
from bot.http import make_http_server
from handlers.blocks.triage_list import NEW_TICKETS_BLOCK
from storage.db import Database
from storage.domain import Actor, Status
from storage.models import OutboxRow, Ticket, TriageListing
from storage.people import People, Profile
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import SlackRequests
from tests.waiting import wait_until

ENGINEER = "U0CARLOS"


@dataclass
class Figures:
    tickets: int
    filed_in: float  # first filing to last ack
    visible_after_last_filing: float  # the last ticket seen in the triage channel (card or list)
    worst_confirmation: float  # the longest ack → reporter's DM card
    last_triage_notice: float  # when (from the first filing) the last card or list left
    last_dm: float
    last_card_update: float | None
    lists: int
    answered_429: int
    early_calls: int  # calls before a Retry-After Slack gave had passed
    calls: int
    doubled: list[str]  # what arrived twice (a ticket's own card, its DM, its listing)
    lost: list[str]
    not_done: int  # outbox rows not delivered (dead or still pending)
    limited_by: dict[str, int]  # 429s per method
    early_by: dict[str, int]  # early calls per key

    def lines(self) -> list[str]:
        update = "-" if self.last_card_update is None else f"{self.last_card_update:.1f} s"
        return [
            f"{self.tickets} tickets filed in {self.filed_in:.1f} s",
            f"every ticket visible in the triage channel {self.visible_after_last_filing:.1f} s "
            "after the last filing",
            f"worst ack → reporter confirmation: {self.worst_confirmation:.1f} s",
            f"last triage notice left at {self.last_triage_notice:.1f} s, last DM at {self.last_dm:.1f} s, "
            f"last card update at {update} (from the first filing)",
            f"{self.lists} 'new tickets' lists; {self.answered_429} of {self.calls} calls answered 429; "
            f"{self.early_calls} calls before a Retry-After had passed",
            f"429s by method: {self.limited_by or 'none'}; early calls by key: {self.early_by or 'none'}",
            f"lost: {self.lost or 'nothing'}; doubled: {self.doubled or 'nothing'}; "
            f"undelivered rows: {self.not_done}",
        ]


def run(
    fake: FakeSlack,
    settings: Settings,
    db: Database,
    tickets: int,
    seconds: float,
    *,
    clients: int = 6,
    work: bool = False,
    timeout: float = 120,
    secret: str = "burst-secret",
) -> Figures:
    """File `tickets` evenly over `seconds` from `clients` reporters; `work`: then assign and start
    each (card updates); wait until every outbox row is delivered; measure from the fake's calls."""
    settings = replace(settings, slack_signing_secret=secret, slack_pacing=True)
    reporters = [f"U0REP{n:04d}" for n in range(clients)]
    for user in reporters:
        fake.add_user(user, user.lower(), f"Reporter {user[-4:]}", email=f"{user.lower()}@example.com")
    People(db).add_engineer(Profile(ENGINEER, "carlos", "Carlos Pérez"), "Redes y Servidores")
    runtime = build(settings, db)
    runtime.start_background()
    server = make_http_server(runtime, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    slack = SlackRequests(f"http://127.0.0.1:{server.server_port}/slack/events", secret)
    acks: dict[str, float] = {}  # title → ack
    try:
        fake.enforce_limits()
        start = time.monotonic()

        def client(n: int) -> None:
            for i in range(n, tickets, clients):
                # The load's shape, not a wait for the app: ticket i is filed at its time.
                time.sleep(max(0.0, start + i * seconds / tickets - time.monotonic()))
                title = f"Wifi is down, floor {i}"
                answer = slack.submit_new_ticket(title=title, user=reporters[n], view_id=f"VB{i}")
                assert (answer.status, answer.body) == (200, b""), answer
                acks[title] = time.monotonic()

        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, range(clients)))
        last_filing = max(acks.values())
        if work:
            service = runtime.services.tickets
            with db.read() as s:
                ids = list(s.scalars(select(Ticket.id).order_by(Ticket.id)))
            for ticket_id in ids:
                service.assign(ticket_id, ENGINEER, Actor(next(iter(settings.admin_user_ids))))
                service.change_status(ticket_id, Status.IN_PROGRESS, Actor(ENGINEER))

        def delivered() -> bool:
            with db.read() as s:
                return all(r.state == "done" for r in s.scalars(select(OutboxRow)))

        wait_until(delivered, timeout=timeout, what="every outbox row delivered")
    finally:
        server.shutdown()
        server.server_close()
        runtime.stop()
    return _figures(fake, db, settings, acks, start, last_filing)


def _figures(fake, db, settings, acks, start, last_filing) -> Figures:
    with db.read() as s:
        tickets = list(s.scalars(select(Ticket).order_by(Ticket.id)))
        listings = Counter(s.scalars(select(TriageListing.ticket_id)))
        not_done = len([r for r in s.scalars(select(OutboxRow)) if r.state != "done"])
    triage = settings.triage_channel_id
    calls = [c for c in fake.calls() if c.method != "auth.test"]
    ok = [c for c in calls if not c.failed]
    posts = [c for c in ok if c.method == "chat.postMessage" and not c.params.get("thread_ts")]
    lists = [c for c in posts if (c.params.get("blocks") or [{}])[0].get("block_id") == NEW_TICKETS_BLOCK]
    cards = [c for c in posts if c not in lists]
    seen, confirmed, lost, doubled = {}, {}, [], []
    for t in tickets:
        own = [
            c for c in cards if c.params["channel"] == triage and c.params["text"].startswith(f"{t.number}:")
        ]
        listed = [c for c in lists if f" {t.number}," in c.params["text"] + ","]
        dms = [
            c for c in cards if c.params["channel"] == t.reporter_id and c.params["text"].startswith(t.number)
        ]
        for what, found in (("triage card", own), ("confirmation", dms)):
            if len(found) != 1:
                (lost if not found else doubled).append(f"{t.number} {what} ×{len(found)}")
        if listings[t.id] > 1 or len(listed) > 1:
            doubled.append(f"{t.number} listed ×{len(listed)}")
        seen[t.number] = min(c.at for c in own + listed) if own + listed else float("inf")
        confirmed[t.number] = (min(c.at for c in dms) if dms else float("inf")) - acks[t.title]
    updates = [c.at for c in ok if c.method == "chat.update"]
    triage_notices = [c.at for c in cards + lists if c.params["channel"] == triage]
    dm_times = [c.at for c in cards if c.params["channel"] != triage]
    return Figures(
        tickets=len(tickets),
        filed_in=last_filing - start,
        visible_after_last_filing=max(seen.values()) - last_filing,
        worst_confirmation=max(confirmed.values()),
        last_triage_notice=max(triage_notices) - start,
        last_dm=max(dm_times) - start,
        last_card_update=(max(updates) - start) if updates else None,
        lists=len(lists),
        answered_429=sum(1 for c in calls if c.status == 429),
        early_calls=len(fake.early_calls),
        calls=len(calls),
        doubled=doubled,
        lost=lost,
        not_done=not_done,
        limited_by=dict(Counter(c.method for c in calls if c.status == 429)),
        early_by=dict(Counter(key for key, _ in fake.early_calls)),
    )
