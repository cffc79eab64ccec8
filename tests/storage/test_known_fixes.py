"""Known issues and known fixes at the service level, on SQLite and PostgreSQL: which open
incident a reporter's words match, filing that joins it, "Solved before" for staff, writing a
fix up (staff only) and "Try this first" for reporters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from storage.domain import Actor
from storage.errors import InvalidInput, NotAllowed, TicketNotFound
from storage.incidents import IncidentService
from storage.known_fixes import KnownFixes, NotClosed
from storage.known_issues import file_joining, matching_incidents
from storage.models import IncidentEvent, KnownFix, Ticket
from storage.people import People, Profile
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService

ADMIN = Actor("U0ADMIN", "admin")
CARLOS = Actor("U0CARLOS", "carlos")
ANA = Actor("U0REPORTER", "ana")
MARIA = Actor("U0MARIA", "maria")
CATEGORIES = ("hardware", "network", "printers", "other")


@pytest.fixture
def tickets(db) -> TicketService:
    People(db).add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    return TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=CATEGORIES)


@pytest.fixture
def incidents(tickets) -> IncidentService:
    return IncidentService(tickets)


@pytest.fixture
def fixes(tickets) -> KnownFixes:
    return KnownFixes(tickets, days=90)


def file(tickets, reporter, title, description="", category="network") -> Ticket:
    new = NewTicket(title=title, description=description or title, category=category)
    return tickets.create(reporter, new)[0]


def closed(tickets, title, resolution, description="", category="network", reporter=MARIA) -> Ticket:
    ticket = file(tickets, reporter, title, description, category)
    tickets.close(ticket.id, ADMIN, resolution)
    return ticket


def test_an_open_incident_matches_by_its_title_and_its_linked_tickets(tickets, incidents, db):
    incident = incidents.declare(ADMIN, "VPN outage at Bogota")
    first = file(tickets, MARIA, "VPN keeps disconnecting", "The VPN drops every few minutes")
    incidents.link(ADMIN, first.id, incident.id)
    incidents.declare(ADMIN, "Printer jam on floor 3")

    (match,) = matching_incidents(db, "my vpn disconnects all the time")
    assert (match.id, match.number, match.title) == (incident.id, "INC-1", "VPN outage at Bogota")
    (by_title,) = matching_incidents(db, "VPN outage?")
    assert by_title.id == incident.id
    assert matching_incidents(db, "Excel crashes when I open a macro") == []
    assert matching_incidents(db, "") == []

    incidents.resolve(ADMIN, incident.id, "Tunnel restarted")
    assert matching_incidents(db, "my vpn disconnects all the time") == []  # resolved: not known


def test_filing_while_joining_links_the_ticket_in_the_same_transaction(tickets, incidents, db):
    incident = incidents.declare(ADMIN, "VPN outage")
    new = NewTicket(title="VPN down", description="Cannot connect", category="network", request_key="V1")
    ticket, created = file_joining(incidents, ANA, new, incident.id)
    assert created and ticket.incident_id == incident.id
    with db.read() as s:
        assert s.get(Ticket, ticket.id).incident_id == incident.id  # the row, not only the object
    again, created = file_joining(incidents, ANA, new, incident.id)  # the same submission twice
    assert not created and again.id == ticket.id
    with db.read() as s:
        linked = s.scalars(select(IncidentEvent).where(IncidentEvent.kind == "linked")).all()
    assert [(e.ticket_id, e.actor_id) for e in linked] == [(ticket.id, ANA.user_id)]

    incidents.resolve(ADMIN, incident.id, "fixed")
    late = NewTicket(title="VPN down", description="Still?", category="network", request_key="V2")
    alone, created = file_joining(incidents, ANA, late, incident.id)
    assert created and alone.incident_id is None  # a resolved incident takes no more tickets
    with db.read() as s:
        assert s.get(Ticket, alone.id).incident_id is None


def test_solved_before_names_recent_closes_with_their_resolutions(tickets, fixes, db):
    old = closed(tickets, "VPN keeps disconnecting", "Reinstalled the VPN profile")
    closed(tickets, "Printer out of toner", "Replaced the toner", category="printers")
    ancient = closed(tickets, "VPN disconnects every hour", "Old fix")
    with db.transaction() as s:
        s.execute(
            update(Ticket)
            .where(Ticket.id == ancient.id)
            .values(closed_at=tickets.clock() - timedelta(days=91))
        )
    new = file(tickets, ANA, "La VPN se desconecta", "Se cae la VPN cada rato")
    (found,) = fixes.solved_before(new)
    assert (found.number, found.resolution, found.known_fix) == (
        old.number,
        "Reinstalled the VPN profile",
        False,
    )
    assert fixes.solved_before(file(tickets, ANA, "Excel macro crashes", category="other")) == []


def test_writing_up_a_fix_is_staff_only_and_for_closed_tickets(tickets, fixes, db):
    ticket = closed(tickets, "VPN keeps disconnecting", "Reinstalled the VPN profile")
    still_open = file(tickets, MARIA, "VPN slow")
    with pytest.raises(NotAllowed):
        fixes.mark(ANA, ticket.id, "Reinstall the profile", "1. Open GlobalProtect")
    with pytest.raises(NotAllowed):
        fixes.draft(MARIA, ticket.id)  # its own reporter is not staff either
    with pytest.raises(NotClosed):
        fixes.mark(CARLOS, still_open.id, "x", "y")
    with pytest.raises(TicketNotFound):
        fixes.mark(CARLOS, 999, "x", "y")
    with pytest.raises(InvalidInput) as refused:
        fixes.mark(CARLOS, ticket.id, " ", "x" * 3001)
    assert refused.value.errors == {"title": "error.required", "note": "error.too_long"}

    draft = fixes.draft(CARLOS, ticket.id)
    resolution = "Reinstalled the VPN profile"
    assert (draft.title, draft.steps, draft.resolution) == (ticket.title, resolution, resolution)
    fixes.mark(CARLOS, ticket.id, "Reinstall the VPN profile", "1. Open GlobalProtect\n2. Remove the profile")
    fixes.mark(ADMIN, ticket.id, "Reinstall the VPN profile", "Remove it, then add it back")  # rewritten
    with db.read() as s:
        (fix,) = s.scalars(select(KnownFix)).all()
    assert (fix.steps, fix.author_id) == ("Remove it, then add it back", ADMIN.user_id)
    assert fixes.draft(CARLOS, ticket.id).steps == "Remove it, then add it back"


def test_try_this_first_offers_only_written_up_fixes(tickets, fixes):
    ticket = closed(tickets, "VPN keeps disconnecting", "PRIVATE-RESOLUTION reinstalled for Maria")
    assert fixes.try_first("my VPN disconnects") == []  # a resolution alone is never shown
    fixes.mark(CARLOS, ticket.id, "Reinstall the VPN profile", "Open GlobalProtect, remove the profile")
    (fix,) = fixes.try_first("my VPN disconnects", "drops every hour")
    assert (fix.title, fix.steps) == ("Reinstall the VPN profile", "Open GlobalProtect, remove the profile")
    assert "PRIVATE" not in repr(fix) and ticket.number not in repr(fix)
    assert fixes.try_first("Printer out of toner") == []
    # Staff see it as solved before, flagged as written up.
    (solved,) = fixes.solved_before(file(tickets, ANA, "VPN disconnecting again"))
    assert solved.known_fix and solved.resolution.startswith("PRIVATE-RESOLUTION")
