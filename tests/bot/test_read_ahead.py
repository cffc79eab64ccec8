"""The dispatcher reads what a group of outbox rows needs in one go: a burst of tickets costs a
few queries per batch, not several per row — and the cards and emails are the same."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select

from bot.app import Runtime, build
from bot.dispatcher import Dispatcher
from storage.domain import Actor
from storage.models import OutboxRow
from storage.people import Profile
from storage.tickets import NewTicket
from tests.waiting import wait_until

ADMIN = Actor("U0ADMIN", "admin")
CARLOS = Actor("U0CARLOS", "carlos")
REPORTERS = [Actor(f"U0REP{i:03d}", f"rep{i}") for i in range(12)]


@pytest.fixture
def runtime(settings, db, fake_slack) -> Iterator[Runtime]:
    """The app's dispatcher, not started: the test drains it by hand."""
    fake_slack.add_user("U0ADMIN", "admin", "Alex Admin", email="admin@example.com")
    for reporter in REPORTERS:
        fake_slack.add_user(
            reporter.user_id, reporter.name, reporter.name.title(), email=f"{reporter.name}@x.org"
        )
    app = build(settings, db)
    app.services.people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Ruiz", "carlos@x.org"), "Redes")
    try:
        yield app
    finally:
        app.stop()


def file_tickets(runtime: Runtime) -> list[int]:
    tickets = runtime.services.tickets
    return [
        tickets.create(reporter, NewTicket(f"Printer {i} jams", "Paper stuck", "printers"))[0].id
        for i, reporter in enumerate(REPORTERS)
    ]


class Statements:
    """Counts the SELECTs that read tickets while it is active (the engine's own event)."""

    def __init__(self, engine) -> None:
        self.engine, self.tickets = engine, 0

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        text = " ".join(statement.split()).lower()
        if text.startswith("select") and " from tickets" in text:
            self.tickets += 1

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def pending(runtime: Runtime) -> int:
    with runtime.db.read() as session:
        return session.scalar(select(func.count()).where(OutboxRow.state != "done"))


def test_a_burst_reads_its_tickets_once_per_group(runtime, fake_slack):
    ids = file_tickets(runtime)
    with Statements(runtime.db.engine) as seen:
        runtime.dispatcher.drain()
    assert pending(runtime) == 0
    # 12 triage cards, 12 DMs and 24 emails (reporter and admin): a fixed number of reads per
    # group (Slack rows, then email rows) of each batch — the group's tickets, the engineers'
    # open counts, the similar tickets of all its triage cards, their incidents, what solved them
    # before, which are still to be listed, then the email group's tickets. A read per row would
    # be 48 or more.
    assert seen.tickets <= 8, seen.tickets
    cards = [c for c in fake_slack.calls("chat.postMessage") if c.params.get("channel") == "C0TRIAGE"]
    assert len(cards) == len(ids)
    # Drawn from what was read ahead: each card is its own ticket's, with the engineer picker.
    for number, ticket_id in enumerate(ids):
        card = next(c for c in cards if f"Printer {number} jams" in str(c.params["blocks"]))
        assert f"TKT-{ticket_id:06d}" in str(card.params["blocks"])
        assert "Carlos Ruiz" in str(card.params["blocks"])


def test_changes_after_a_group_was_read_are_drawn_by_the_next_one(runtime, fake_slack):
    [first, *_] = file_tickets(runtime)
    runtime.dispatcher.drain()
    runtime.services.tickets.assign(first, "U0CARLOS", ADMIN)
    runtime.dispatcher.drain()
    triage = [
        c for c in fake_slack.calls("chat.update") if c.params.get("channel") == "C0TRIAGE" and not c.failed
    ]
    assert triage and "<@U0CARLOS>" in str(triage[-1].params["blocks"])
    assert pending(runtime) == 0


def test_rows_are_delivered_even_when_reading_ahead_fails(runtime, fake_slack):
    """Each row then reads what it needs itself: a dispatcher over the app's deliverers whose only
    read-ahead hook fails, so none of the app's own read-ahead runs."""

    def broken(rows) -> None:
        if rows:
            raise RuntimeError("read-ahead broke")

    dispatcher = Dispatcher(runtime.db, runtime.dispatcher.deliverers, max_attempts=3)
    dispatcher.on_prepare(broken)
    ids = file_tickets(runtime)
    with Statements(runtime.db.engine) as seen:
        dispatcher.drain()
    assert pending(runtime) == 0
    assert seen.tickets >= 2 * len(ids)  # one read per row at least: the fallback did the work
    dms = [c for c in fake_slack.calls("chat.postMessage") if c.params.get("channel", "").startswith("U0REP")]
    assert len(dms) == len(ids)
    cards = [c for c in fake_slack.calls("chat.postMessage") if c.params.get("channel") == "C0TRIAGE"]
    assert all("Carlos Ruiz" in str(card.params["blocks"]) for card in cards)  # the picker, read per card


def test_a_card_posted_to_an_engineer_the_ticket_was_just_taken_from_loses_its_buttons(runtime, fake_slack):
    """Reassigned while the first engineer's card was on its way (read, then posted): that card
    is redrawn without buttons at once; the new engineer gets a card of their own."""
    runtime.services.people.add_engineer(
        Profile("U0MARIA", "maria", "María López", "maria@x.org"), "Hardware"
    )
    [ticket_id, *_] = file_tickets(runtime)
    runtime.dispatcher.drain()
    runtime.services.tickets.assign(ticket_id, "U0CARLOS", ADMIN)
    gate = fake_slack.hold("chat.postMessage")
    drain = threading.Thread(target=runtime.dispatcher.drain)
    drain.start()
    try:
        wait_until(lambda: fake_slack.held("chat.postMessage"), what="Carlos's card on its way")
        runtime.services.tickets.assign(ticket_id, "U0MARIA", ADMIN)
    finally:
        gate.set()
        drain.join(30)
    runtime.dispatcher.drain()
    assert pending(runtime) == 0

    def cards_posted_to(user: str) -> list:
        posts = [c for c in fake_slack.calls("chat.postMessage") if c.params.get("channel") == user]
        return [c for c in posts if "thread_ts" not in c.params]

    def block_types(call) -> list[str]:
        return [block["type"] for block in call.params["blocks"]]

    [carlos_card] = cards_posted_to("U0CARLOS")
    [maria_card] = cards_posted_to("U0MARIA")
    assert "actions" in block_types(carlos_card) and "actions" in block_types(maria_card)
    carlos_dm = "D" + "U0CARLOS"[1:]  # the fake's DM channel with a user
    [redrawn] = [c for c in fake_slack.calls("chat.update") if c.params.get("channel") == carlos_dm]
    assert "actions" not in block_types(redrawn)  # no buttons left on the card nobody owns
