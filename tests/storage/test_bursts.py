"""Burst suggestions at the service level, on SQLite and PostgreSQL: five similar tickets within
the window are one suggestion, a sixth grows it, dissimilar or late ones do not count, and a
declare from it links every ticket it lists (staff only, once)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from storage import bursts, outbox
from storage.domain import Actor
from storage.errors import BurstDeclared, NotAllowed
from storage.incidents import IncidentService
from storage.models import BurstSuggestion, OutboxRow, Ticket
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService

ADMIN = Actor("U0ADMIN", "admin")
ANA = Actor("U0REPORTER", "ana")
WINDOW = timedelta(minutes=15)
VPN = [
    ("VPN keeps disconnecting", "The VPN drops every few minutes"),
    ("VPN disconnects all the time", "GlobalProtect disconnects again and again"),
    ("La VPN se desconecta", "Se cae la VPN cada rato"),
    ("vpn keeps dropping", "my vpn connection drops since 9am"),
    ("VPN disconnected again", "VPN disconnects when I join a call"),
    ("VPN dropping constantly", "the VPN drops, I reconnect, it drops"),
]
OTHERS = [
    ("Printer out of toner", "The 3rd floor printer prints faint pages"),
    ("Need a new monitor", "My screen flickers"),
    ("Password expired", "Cannot log in, my password expired"),
    ("Excel macro crashes", "The budget workbook closes when I run the macro"),
    ("Badge does not open the door", "My card stopped working at the entrance"),
]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tickets(db, clock) -> TicketService:
    return TicketService(
        db, roles=Roles(db, {"U0ADMIN"}), categories=("network", "hardware", "other"), clock=clock
    )


def file(tickets: TicketService, clock: Clock, title: str, description: str, minutes: float = 1) -> int:
    clock.now += timedelta(minutes=minutes)
    new = NewTicket(title=title, description=description, category="network")
    return tickets.create(ANA, new)[0].id


def checked(db, ticket_id: int) -> int | None:
    return bursts.check(db, ticket_id, count=5, window=WINDOW)


def suggestion_rows(db) -> list[OutboxRow]:
    with db.read() as s:
        return s.scalars(select(OutboxRow).where(OutboxRow.kind == outbox.SLACK_BURST_SUGGESTION)).all()


def test_each_filing_asks_for_a_check_in_one_stream(db, tickets, clock):
    file(tickets, clock, *VPN[0])
    with db.read() as s:
        (row,) = s.scalars(select(OutboxRow).where(OutboxRow.kind == outbox.BURST_CHECK)).all()
    assert row.payload == {"ticket_id": 1} and row.stream == outbox.BURSTS


def test_five_similar_tickets_are_one_suggestion_and_a_sixth_grows_it(db, tickets, clock):
    ids = [file(tickets, clock, *v) for v in VPN[:4]]
    assert [checked(db, i) for i in ids] == [None] * 4
    fifth = file(tickets, clock, *VPN[4])
    suggestion = checked(db, fifth)
    assert suggestion == 1 and checked(db, fifth) == 1  # the same burst again: nothing new
    assert [r.payload for r in suggestion_rows(db)] == [{"suggestion_id": 1}]
    shown = bursts.burst(db, 1)
    assert [t.id for t in shown.tickets] == [*ids, fifth]

    sixth = file(tickets, clock, *VPN[5])
    assert checked(db, sixth) == 1
    assert [t.id for t in bursts.burst(db, 1).tickets] == [*ids, fifth, sixth]
    assert len(suggestion_rows(db)) == 2  # a redraw, in the suggestion's own stream
    assert {r.stream for r in suggestion_rows(db)} == {bursts.stream(1)}
    with db.read() as s:
        assert s.scalar(select(BurstSuggestion.id).where(BurstSuggestion.id > 1)) is None


def test_dissimilar_or_late_tickets_do_not_make_a_burst(db, tickets, clock):
    for title, description in OTHERS:
        assert checked(db, file(tickets, clock, title, description)) is None
    spread = [file(tickets, clock, *v, minutes=20) for v in VPN[:5]]  # one every 20 minutes
    assert [checked(db, i) for i in spread] == [None] * 5
    assert suggestion_rows(db) == []


def test_tickets_in_an_incident_or_closed_do_not_count(db, tickets, clock):
    incidents = IncidentService(tickets)
    ids = [file(tickets, clock, *v) for v in VPN[:5]]
    incident = incidents.declare(ADMIN, "VPN")
    incidents.link(ADMIN, ids[0], incident.id)
    assert checked(db, ids[-1]) is None


def test_declare_from_the_suggestion_links_all_once_and_is_staff_only(db, tickets, clock):
    incidents = IncidentService(tickets)
    ids = [file(tickets, clock, *v) for v in VPN[:5]]
    suggestion = checked(db, ids[-1])
    assert bursts.burst(db, suggestion).title == "VPN keeps disconnecting"
    with pytest.raises(NotAllowed):
        bursts.declare(incidents, ANA, suggestion, "VPN outage")
    incident, linked = bursts.declare(incidents, ADMIN, suggestion, "VPN outage")
    assert (incident.number, linked) == ("INC-1", 5)
    with db.read() as s:
        assert s.scalars(select(Ticket.incident_id).order_by(Ticket.id)).all() == [1] * 5
    assert bursts.burst(db, suggestion).incident.number == "INC-1"
    with pytest.raises(BurstDeclared):
        bursts.declare(incidents, ADMIN, suggestion, "again")
    assert incidents.get(1).title == "VPN outage"
    with db.read() as s:
        assert s.scalar(select(Ticket.id).where(Ticket.incident_id.is_(None))) is None
    # A new similar ticket after the declare is no new burst on its own.
    assert checked(db, file(tickets, clock, *VPN[5])) is None


def test_the_offered_title_is_the_one_most_share():
    members = tuple(bursts.Member(i, t, None) for i, t in enumerate(["VPN down", "vpn  DOWN", "No VPN"], 1))
    assert bursts.Burst(1, members, None, None, None).title == "VPN down"
    assert bursts.Burst(1, members[2:], None, None, None).title == "No VPN"
