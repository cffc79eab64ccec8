"""The minute sweep, travelling in time: each warning fires once, at its threshold, where it belongs.

Business hours are the default (Mon-Fri 08:00-18:00, UTC); a critical ticket has 1 h to a first
response and 4 h to resolve, so it turns "at risk" after 3 h.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from bot.jobs import sweep_sla
from storage import email_plan
from storage.domain import Actor, EventKind, Status
from storage.models import OutboxRow, SlaAlert
from storage.tickets import NewTicket
from tests.conftest import ADMIN
from tests.handlers.kit import CARLOS, card_showing, card_where, events, poll, replies, staff

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def at(self, hours: float) -> None:
        self.now = MONDAY_9 + timedelta(hours=hours)


def travel(h) -> Clock:
    clock = Clock(MONDAY_9)
    h.services.tickets.clock = clock
    return clock


def file_critical(h, title: str = "Core switch down") -> int:
    new = NewTicket(title=title, description="Floor 3 is offline", category="network", priority="critical")
    return h.services.tickets.create(Actor("U0REPORTER"), new)[0].id


def sweep(h, clock: Clock, hours: float) -> set[str]:
    clock.at(hours)
    before = {e.id for e in events(h.db, 1)}
    sweep_sla(h.services, h.runtime.settings)
    return {e.kind for e in events(h.db, 1) if e.id not in before}


def broadcasts(fake) -> list[str]:
    return [c.params["text"] for c in fake.calls("chat.postMessage") if c.params.get("reply_broadcast")]


def test_each_warning_fires_once_at_its_threshold(harness):
    h, fake = harness, harness.fake
    clock = travel(h)
    staff(h)
    ticket_id = file_critical(h)
    triage = card_where(h.db, "triage")
    card_showing(fake, triage, "On track", "due")

    assert sweep(h, clock, 0.4) == set()  # 24 minutes: nothing is late yet
    assert sweep(h, clock, 0.55) == {EventKind.UNASSIGNED.value}  # 33 minutes without an engineer
    assert sweep(h, clock, 0.6) == set()  # … and never again
    poll(lambda: broadcasts(fake), what="the unassigned reminder in the triage channel")
    assert "TKT-000001" in broadcasts(fake)[0] and "waited for an engineer" in broadcasts(fake)[0]

    h.services.tickets.assign(ticket_id, CARLOS, Actor(ADMIN))
    engineer = card_where(h.db, "engineer")
    assert sweep(h, clock, 1.05) == {EventKind.RESPONSE_LATE.value}  # nobody answered within 1 h
    assert sweep(h, clock, 2.9) == set()
    assert sweep(h, clock, 3.0) == {EventKind.SLA_AT_RISK.value}  # 3 of 4 hours used
    poll(lambda: any("is at risk" in t for t in replies(fake, engineer)), what="the at-risk DM")
    card_showing(fake, triage, "At risk")
    assert sweep(h, clock, 3.5) == set()
    assert sweep(h, clock, 4.0) == {EventKind.SLA_BREACHED.value}
    assert sweep(h, clock, 4.1) == set() and sweep(h, clock, 30) == set()

    poll(lambda: len(broadcasts(fake)) == 2, what="the breach in the triage channel")
    breach = broadcasts(fake)[1]
    assert "missed its resolution target" in breach and f"<@{ADMIN}>" in breach
    assert any("missed its resolution target" in t for t in replies(fake, triage))
    poll(lambda: any("missed" in t for t in replies(fake, engineer)), what="the engineer hears of it")
    card_showing(fake, triage, "Breached")

    # The admin's and the engineer's Home tabs count it and flag the ticket.
    for who in (ADMIN, CARLOS):
        h.slack.home_opened(user=who)
        home = json.dumps(
            fake.wait_for("views.publish", lambda c, w=who: c.params["user_id"] == w)[-1].params
        )
        assert "Breached: *1*" in home and ":rotating_light: Breached" in home, who

    with h.db.read() as s:
        alerts = sorted(s.scalars(select(SlaAlert.kind).where(SlaAlert.ticket_id == ticket_id)))
        mails = s.execute(select(OutboxRow.payload).where(OutboxRow.kind == email_plan.EMAIL)).scalars().all()
    assert alerts == ["response_late", "sla_at_risk", "sla_breached", "unassigned"]
    warned = sorted(
        (m["template"], m["to"].get("user"))
        for m in mails
        if m["template"] in email_plan.WARNING_TEMPLATES.values()
    )
    assert warned == [
        ("response_late", ADMIN),
        ("response_late", CARLOS),
        ("sla_at_risk", CARLOS),
        ("sla_breached", ADMIN),
        ("sla_breached", CARLOS),
        ("unassigned", ADMIN),
    ]
    # The reporter heard of none of it: every warning is internal.
    assert all(e.visibility == "internal" for e in events(h.db, 1) if e.kind in alerts)


def test_on_hold_stops_the_clock_and_the_warnings(harness):
    h = harness
    clock = travel(h)
    staff(h)
    ticket_id = file_critical(h)
    h.services.tickets.assign(ticket_id, CARLOS, Actor(ADMIN))
    clock.at(0.5)
    h.services.tickets.change_status(ticket_id, Status.IN_PROGRESS, Actor(CARLOS))
    clock.at(1)
    h.services.tickets.change_status(ticket_id, Status.ON_HOLD, Actor(CARLOS), "Waiting for the vendor")
    # On hold over the night and into Tuesday: no warning, however late it gets.
    assert sweep(h, clock, 8) == set()
    assert sweep(h, clock, 26) == set()
    # Back at work on Tuesday 11:00 with 3 h left: at risk at 13:00, breached at 14:00.
    clock.at(26)
    h.services.tickets.change_status(ticket_id, Status.IN_PROGRESS, Actor(CARLOS))
    assert sweep(h, clock, 27.9) == set()
    assert sweep(h, clock, 28) == {EventKind.SLA_AT_RISK.value}
    assert sweep(h, clock, 29) == {EventKind.SLA_BREACHED.value}
    # A first response came at 09:30: the response target was met, so no "late response".
    with h.db.read() as s:
        late = s.scalar(select(func.count()).select_from(SlaAlert).where(SlaAlert.kind == "response_late"))
    assert late == 0


def test_a_closed_ticket_is_never_warned(harness):
    h = harness
    clock = travel(h)
    staff(h)
    ticket_id = file_critical(h)
    h.services.tickets.assign(ticket_id, CARLOS, Actor(ADMIN))
    clock.at(0.2)
    h.services.tickets.close(ticket_id, Actor(CARLOS), "Rebooted the switch")
    assert sweep(h, clock, 50) == set()
    card_showing(h.fake, card_where(h.db, "triage"), "Met")
