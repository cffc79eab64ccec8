"""Incidents at the service level, on SQLite and PostgreSQL: who may, one incident per ticket,
one update told to every reporter once, one resolve closing every linked ticket."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from storage import outbox
from storage.domain import Actor, IncidentStatus, Status, Visibility, format_incident, parse_incident
from storage.email_plan import EMAIL
from storage.errors import AlreadyLinked, IncidentResolved, InvalidInput, NotAllowed
from storage.incident_reads import CARD_LISTED
from storage.incidents import IncidentService
from storage.models import OutboxRow, Ticket, TicketEvent
from storage.people import People, Profile
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService

ADMIN = Actor("U0ADMIN", "admin")
CARLOS = Actor("U0CARLOS", "carlos")  # an engineer
ANA = Actor("U0REPORTER", "ana")  # a reporter
CATEGORIES = ("hardware", "network", "other")


@pytest.fixture
def tickets(db) -> TicketService:
    People(db).add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    return TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=CATEGORIES)


@pytest.fixture
def incidents(tickets) -> IncidentService:
    return IncidentService(tickets)


def file(tickets: TicketService, reporter: Actor, title: str = "VPN down") -> Ticket:
    ticket, _ = tickets.create(
        reporter, NewTicket(title=title, description="cannot connect", category="network")
    )
    return ticket


def rows_after(db, first_id: int) -> list[OutboxRow]:
    with db.read() as s:
        return s.scalars(select(OutboxRow).where(OutboxRow.id > first_id).order_by(OutboxRow.id)).all()


def last_row_id(db) -> int:
    with db.read() as s:
        return s.scalar(select(OutboxRow.id).order_by(OutboxRow.id.desc()).limit(1)) or 0


def test_numbers_read_and_write():
    assert format_incident(3) == "INC-3"
    assert parse_incident("inc-0003") == 3 and parse_incident(" INC-12 ") == 12
    assert parse_incident("3") is None and parse_incident("TKT-3") is None and parse_incident("INC-0") is None


def test_declare_link_unlink_are_staff_only(tickets, incidents):
    ticket = file(tickets, ANA)
    with pytest.raises(NotAllowed):
        incidents.declare(ANA, "VPN outage")
    with pytest.raises(NotAllowed):  # an engineer declares from a ticket only when it is theirs
        incidents.declare(CARLOS, "VPN outage", from_ticket=ticket.id)
    with pytest.raises(InvalidInput):
        incidents.declare(ADMIN, "   ")
    incident = incidents.declare(ADMIN, "VPN outage", from_ticket=ticket.id)
    assert incident.number == "INC-1" and incident.status == IncidentStatus.INVESTIGATING.value
    other = file(tickets, ANA, "VPN again")
    with pytest.raises(NotAllowed):
        incidents.link(ANA, other.id, incident.id)
    incidents.link(CARLOS, other.id, incident.id)
    with pytest.raises(NotAllowed):
        incidents.unlink(ANA, other.id)
    incidents.unlink(CARLOS, other.id)
    summary = incidents.summary(incident.id)
    assert (summary.tickets, summary.reporters, [t.id for t in summary.first]) == (1, 1, [ticket.id])
    tickets.assign(other.id, CARLOS.user_id, ADMIN)
    mine = incidents.declare(CARLOS, "Printer fleet down", from_ticket=other.id)
    assert mine.owner_id == CARLOS.user_id and incidents.summary(mine.id).tickets == 1


def test_a_ticket_is_part_of_one_incident_at_most(tickets, incidents, db):
    ticket = file(tickets, ANA)
    first = incidents.declare(ADMIN, "VPN outage", from_ticket=ticket.id)
    second = incidents.declare(ADMIN, "Mail outage")
    incidents.link(ADMIN, ticket.id, first.id)  # again: a double click, no error
    with pytest.raises(AlreadyLinked) as refused:
        incidents.link(ADMIN, ticket.id, second.id)
    assert refused.value.params == {"ticket": ticket.number, "incident": "INC-1"}
    with db.read() as s:
        assert s.get(Ticket, ticket.id).incident_id == first.id
    incidents.unlink(ADMIN, ticket.id)
    incidents.link(ADMIN, ticket.id, second.id)
    with db.read() as s:
        linked = s.get(Ticket, ticket.id)
        assert linked.incident.number == "INC-2" and linked.incident.status == "investigating"


def test_linking_redraws_the_ticket_cards_and_the_incident_card(tickets, incidents, db):
    ticket = file(tickets, ANA)
    incident = incidents.declare(ADMIN, "VPN outage")
    before = last_row_id(db)
    incidents.link(ADMIN, ticket.id, incident.id)
    kinds = Counter(r.kind for r in rows_after(db, before))
    assert kinds[outbox.SLACK_INCIDENT_CARD] == 1
    assert kinds[outbox.SLACK_TRIAGE_CARD] == 1 and kinds[outbox.SLACK_REPORTER_CARD] == 1


def test_one_update_tells_every_reporter_once(tickets, incidents, db):
    reporters = [Actor(f"U0R{n:03d}", f"r{n}") for n in range(5)]
    incident = incidents.declare(ADMIN, "VPN outage")
    linked = [file(tickets, r) for r in reporters]
    for ticket in linked:
        incidents.link(ADMIN, ticket.id, incident.id)
    done = file(tickets, ANA)
    incidents.link(ADMIN, done.id, incident.id)
    tickets.close(done.id, ADMIN, "fixed on its own")  # a closed ticket hears no more updates
    before = last_row_id(db)
    assert incidents.post_update(ADMIN, incident.id, "We found the cause: the <VPN> gateway & DNS") == 5
    rows = rows_after(db, before)
    replies = Counter(
        r.payload["ticket_id"]
        for r in rows
        if r.kind == outbox.SLACK_EVENT_REPLY and r.payload["audience"] == "reporter"
    )
    assert replies == Counter({t.id: 1 for t in linked})
    mails = Counter(
        r.payload["to"]["user"] for r in rows if r.kind == EMAIL and r.payload["template"] == "update"
    )
    assert mails == Counter({r.user_id: 1 for r in reporters})
    with db.read() as s:
        notes = s.scalars(select(TicketEvent).where(TicketEvent.kind == "note")).all()
        assert sorted(n.ticket_id for n in notes) == sorted(t.id for t in linked)
        assert {n.visibility for n in notes} == {Visibility.PUBLIC.value}
    with pytest.raises(NotAllowed):
        incidents.post_update(ANA, incident.id, "not mine to say")


def test_status_moves_then_resolved_is_final(tickets, incidents):
    incident = incidents.declare(ADMIN, "VPN outage")
    assert incidents.set_status(CARLOS, incident.id, IncidentStatus.IDENTIFIED).status == "identified"
    with pytest.raises(NotAllowed):
        incidents.set_status(ANA, incident.id, IncidentStatus.MONITORING)
    with pytest.raises(InvalidInput):
        incidents.set_status(ADMIN, incident.id, IncidentStatus.RESOLVED)
    incidents.resolve(ADMIN, incident.id, "Gateway replaced")
    with pytest.raises(IncidentResolved):
        incidents.set_status(ADMIN, incident.id, IncidentStatus.MONITORING)
    with pytest.raises(IncidentResolved):
        incidents.link(ADMIN, file(tickets, ANA).id, incident.id)


def test_resolving_100_linked_tickets_closes_all_and_tells_each_reporter_once(tickets, incidents, db):
    reporters = [Actor(f"U0R{n:03d}", f"r{n}") for n in range(100)]
    incident = incidents.declare(ADMIN, "VPN outage")
    linked = [file(tickets, r) for r in reporters]
    for ticket in linked:
        incidents.link(ADMIN, ticket.id, incident.id)
    with pytest.raises(NotAllowed):
        incidents.resolve(ANA, incident.id, "not mine")
    before = last_row_id(db)
    result = incidents.resolve(ADMIN, incident.id, "Gateway replaced")
    assert (result.closed, result.already, result.incident.status) == (100, False, "resolved")
    rows = rows_after(db, before)
    with db.read() as s:
        statuses = s.scalars(select(Ticket.status).where(Ticket.incident_id == incident.id)).all()
        closes = s.scalars(select(TicketEvent).where(TicketEvent.kind == "closed")).all()
    assert statuses == [Status.CLOSED.value] * 100
    assert sorted(e.ticket_id for e in closes) == sorted(t.id for t in linked)
    assert {e.note for e in closes} == {"Gateway replaced"}
    replies = Counter(
        r.payload["ticket_id"]
        for r in rows
        if r.kind == outbox.SLACK_EVENT_REPLY and r.payload["audience"] == "reporter"
    )
    assert replies == Counter({t.id: 1 for t in linked})
    mails = Counter(
        r.payload["to"]["user"] for r in rows if r.kind == EMAIL and r.payload["template"] == "closed"
    )
    assert mails == Counter({r.user_id: 1 for r in reporters})

    before = last_row_id(db)
    again = incidents.resolve(ADMIN, incident.id, "Gateway replaced")
    assert (again.closed, again.already) == (0, True)
    assert rows_after(db, before) == []  # a clear no-op: nobody is told twice


def test_the_card_summarises_500_linked_tickets(tickets, incidents):
    incident = incidents.declare(ADMIN, "VPN outage")
    for n in range(500):
        incidents.link(ADMIN, file(tickets, Actor(f"U0R{n % 7}", "r")).id, incident.id)
    summary = incidents.summary(incident.id)
    assert (summary.tickets, summary.reporters, summary.open_tickets) == (500, 7, 500)
    assert len(summary.first) == CARD_LISTED
