"""The incident actions of a ticket's cards at the service level, on SQLite and PostgreSQL:
declaring from a ticket (and with a suggested one), keeping a ticket out, which action each
suggestion line offers, CSAT once per reporter on a resolve, a reopened child, the list's pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from storage import outbox
from storage.domain import Actor, Status
from storage.errors import AlreadyAnswered, AlreadyLinked, AlreadyResolved, NotAllowed
from storage.incident_reads import DECLARE_WITH, LINK_TO
from storage.incidents import IncidentService
from storage.models import IncidentEvent, IncidentExclusion, OutboxRow, Ticket
from storage.notifications import REPORTER, Line
from storage.people import People, Profile
from storage.roles import Roles
from storage.similar import Suggestion
from storage.sla import ServiceLevels, SlaState, state
from storage.tickets import NewTicket, TicketService

ADMIN = Actor("U0ADMIN", "admin")
CARLOS = Actor("U0CARLOS", "carlos")  # an engineer
MARIA = Actor("U0MARIA", "maria")  # another engineer
ANA = Actor("U0REPORTER", "ana")  # a reporter
BEA = Actor("U0BEA", "bea")


@pytest.fixture
def tickets(db) -> TicketService:
    people = People(db)
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    people.add_engineer(Profile("U0MARIA", "maria", "María López"), "Hardware")
    return TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=("network", "other"))


@pytest.fixture
def incidents(tickets) -> IncidentService:
    return IncidentService(tickets)


def file(tickets: TicketService, reporter: Actor = ANA, title: str = "VPN down") -> Ticket:
    ticket, _ = tickets.create(
        reporter, NewTicket(title=title, description="cannot connect", category="network")
    )
    return ticket


def current(db, ticket_id: int) -> Ticket:
    with db.read() as s:
        return s.get(Ticket, ticket_id)


def suggested(ticket: Ticket) -> Suggestion:
    return Suggestion(ticket.id, ticket.title, ticket.status, 0.9)


def test_declaring_from_a_ticket_is_for_an_admin_or_its_engineer(tickets, incidents, db):
    mine, other = file(tickets), file(tickets, BEA)
    tickets.assign(mine.id, CARLOS.user_id, ADMIN)
    for stranger in (ANA, MARIA):  # its reporter; an engineer it is not assigned to
        with pytest.raises(NotAllowed):
            incidents.check_may_declare(stranger, mine.id)
        with pytest.raises(NotAllowed):
            incidents.declare(stranger, "VPN outage", from_ticket=mine.id)
    incidents.check_may_declare(CARLOS, mine.id)
    incident = incidents.declare(CARLOS, "VPN outage", from_ticket=mine.id, also=other.id)
    assert current(db, mine.id).incident_id == current(db, other.id).incident_id == incident.id
    # Either ticket in an incident already: refused, before the modal and at the submission.
    with pytest.raises(AlreadyLinked):
        incidents.check_may_declare(ADMIN, mine.id)
    with pytest.raises(AlreadyLinked):
        incidents.declare(ADMIN, "Again", from_ticket=mine.id)
    third = file(tickets)
    with pytest.raises(AlreadyLinked):
        incidents.declare(ADMIN, "Again", from_ticket=third.id, also=other.id)
    assert current(db, third.id).incident_id is None
    with db.read() as s:  # the refused declarations left no incident behind
        assert s.scalar(select(IncidentEvent.incident_id).order_by(IncidentEvent.id.desc()).limit(1)) == 1


def test_keeping_a_ticket_out(tickets, incidents, db):
    kept, stays = file(tickets), file(tickets, BEA)
    tickets.assign(kept.id, CARLOS.user_id, ADMIN)
    incident = incidents.declare(ADMIN, "VPN outage", from_ticket=kept.id, also=stays.id)
    for stranger in (ANA, MARIA):
        with pytest.raises(NotAllowed):
            incidents.keep_out(stranger, kept.id)
    assert current(db, kept.id).incident_id == incident.id
    incidents.keep_out(CARLOS, kept.id)
    assert current(db, kept.id).incident_id is None
    with db.read() as s:
        assert s.get(IncidentExclusion, (incident.id, kept.id)) is not None
        kinds = s.scalars(select(IncidentEvent.kind).where(IncidentEvent.ticket_id == kept.id)).all()
    assert kinds == ["linked", "kept_out"]
    incidents.keep_out(CARLOS, kept.id)  # a double click changes nothing
    # Not offered again: not in "Link to incident…", not on a suggestion line.
    assert incidents.open_incidents(kept.id) == []
    assert [i.id for i in incidents.open_incidents(stays.id)] == [incident.id]
    ticket = current(db, kept.id)
    assert incidents.suggestion_links(ticket, [suggested(current(db, stays.id))]) == []
    # Resolving leaves it open, as a ticket of its own.
    incidents.resolve(ADMIN, incident.id, "Gateway replaced")
    assert current(db, kept.id).status == Status.OPEN.value
    assert current(db, stays.id).status == Status.CLOSED.value


def test_an_explicit_link_puts_a_kept_out_ticket_back(tickets, incidents, db):
    ticket = file(tickets)
    incident = incidents.declare(ADMIN, "VPN outage", from_ticket=ticket.id)
    incidents.keep_out(ADMIN, ticket.id)
    incidents.link(CARLOS, ticket.id, incident.id)  # `/ticket link`: staff decided
    assert current(db, ticket.id).incident_id == incident.id
    with db.read() as s:
        assert s.get(IncidentExclusion, (incident.id, ticket.id)) is None


def test_what_each_suggestion_line_offers(tickets, incidents, db):
    new, loose, linked, in_resolved = file(tickets), file(tickets), file(tickets), file(tickets)
    incident = incidents.declare(ADMIN, "VPN outage", from_ticket=linked.id)
    done = incidents.declare(ADMIN, "Old outage", from_ticket=in_resolved.id)
    incidents.resolve(ADMIN, done.id, "fixed")
    lines = [suggested(current(db, t.id)) for t in (loose, linked, in_resolved)]
    links = incidents.suggestion_links(current(db, new.id), lines)
    assert [(link.suggestion.ticket_id, link.action, link.incident) for link in links] == [
        (loose.id, DECLARE_WITH, None),
        (linked.id, LINK_TO, incident.number),
        (in_resolved.id, None, done.number),  # a resolved incident takes no more tickets
    ]
    incidents.link(ADMIN, new.id, incident.id)  # in an incident already: no line offers anything
    links = incidents.suggestion_links(current(db, new.id), lines)
    assert [link.action for link in links] == [None, None, None]


def test_resolving_asks_each_reporter_once(tickets, incidents, db):
    anas = [file(tickets, ANA) for _ in range(5)]
    bea = file(tickets, BEA)
    closed_before = file(tickets, ANA)
    incident = incidents.declare(ADMIN, "VPN outage")
    for ticket in [*anas, bea, closed_before]:
        incidents.link(ADMIN, ticket.id, incident.id)
    tickets.close(closed_before.id, ADMIN, "fixed on its own")
    incidents.resolve(ADMIN, incident.id, "Gateway replaced")
    carriers = {t.id: current(db, t.id).csat_via_id for t in [*anas, bea]}
    assert carriers == {anas[0].id: None, **{t.id: anas[0].id for t in anas[1:]}, bea.id: None}
    assert current(db, closed_before.id).csat_via_id is None  # not closed by this resolve
    with pytest.raises(AlreadyAnswered):  # asked on the first: the others take no answer
        tickets.solved(anas[1].id, ANA)
    tickets.solved(anas[0].id, ANA)
    # A later close of one of them asks afresh.
    tickets.reopen(anas[2].id, ANA)
    tickets.close(anas[2].id, ADMIN, "again")
    assert current(db, anas[2].id).csat_via_id is None


def test_resolving_a_resolved_incident_is_a_clear_no_op(tickets, incidents):
    incident = incidents.declare(ADMIN, "VPN outage", from_ticket=file(tickets).id)
    incidents.check_resolve(ADMIN, incident.id, "fixed")
    incidents.resolve(ADMIN, incident.id, "fixed")
    with pytest.raises(AlreadyResolved):
        incidents.check_resolve(ADMIN, incident.id, "fixed")
    with pytest.raises(NotAllowed):
        incidents.check_resolve(ANA, incident.id, "fixed")


def test_a_reopened_child_leaves_the_incident_resolved_and_tells_its_owner(tickets, incidents, db):
    child, other = file(tickets), file(tickets, BEA)
    incident = incidents.declare(CARLOS, "VPN outage", from_ticket=None)
    incidents.link(CARLOS, child.id, incident.id)
    incidents.link(CARLOS, other.id, incident.id)
    with db.read() as s:
        before = s.scalar(select(OutboxRow.id).order_by(OutboxRow.id.desc()).limit(1))
    tickets.assign(child.id, CARLOS.user_id, ADMIN)
    tickets.close(child.id, CARLOS, "x")
    tickets.reopen(child.id, CARLOS)  # while the incident is open: nobody to tell
    incidents.resolve(CARLOS, incident.id, "Gateway replaced")
    tickets.not_solved(child.id, ANA, "Still down", "still down")
    with db.read() as s:
        notices = s.scalars(
            select(OutboxRow).where(OutboxRow.id > before, OutboxRow.kind == outbox.SLACK_INCIDENT_NOTICE)
        ).all()
    assert [(n.payload["incident_id"], n.payload["ticket_id"]) for n in notices] == [(incident.id, child.id)]
    assert incidents.get(incident.id).status == "resolved"
    assert current(db, child.id).status == Status.OPEN.value
    assert current(db, child.id).incident_id == incident.id  # still listed with it
    assert incidents.summary(incident.id).open_tickets == 1


def test_a_reply_in_the_reopen_window_reopens_the_child_and_tells_the_owner(tickets, incidents, db):
    child = file(tickets)
    incident = incidents.declare(CARLOS, "VPN outage")
    incidents.link(CARLOS, child.id, incident.id)
    incidents.resolve(CARLOS, incident.id, "Gateway replaced")
    comment = tickets.comment(child.id, ANA, "It is down again", Line(REPORTER, "D0REPORTER", "1.0001"))
    assert comment.reopened
    with db.read() as s:
        kinds = s.scalars(select(OutboxRow.kind).where(OutboxRow.kind == outbox.SLACK_INCIDENT_NOTICE)).all()
    assert kinds == [outbox.SLACK_INCIDENT_NOTICE]
    assert incidents.get(incident.id).status == "resolved"


def test_the_list_pages_25_at_a_time(tickets, incidents):
    incident = incidents.declare(ADMIN, "VPN outage")
    linked = [file(tickets, Actor(f"U0R{n % 9}", "r")) for n in range(60)]
    for ticket in linked:
        incidents.link(ADMIN, ticket.id, incident.id)
    first, last = incidents.page(incident.id, 1), incidents.page(incident.id, 3)
    assert (first.total, first.pages, len(first.tickets)) == (60, 3, 25)
    assert [t.id for t in first.tickets] == [t.id for t in linked[:25]]
    assert [t.id for t in last.tickets] == [t.id for t in linked[50:]]
    assert incidents.page(incident.id, 99).page == 3 and incidents.page(incident.id, 0).page == 1


def test_the_link_menu_offers_open_incidents_newest_first_at_most_100(tickets, incidents):
    for n in range(102):
        incidents.declare(ADMIN, f"Outage {n}")
    offered = incidents.open_incidents(file(tickets).id)
    assert len(offered) == 100 and offered[0].title == "Outage 101"


def test_resolving_decides_each_tickets_sla_by_its_own_deadline(db):
    """A critical ticket (4 business hours) and a low one (5 days) resolved together a day later:
    the first missed, the second met."""
    now = [datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)]  # a Tuesday, within business hours
    levels = ServiceLevels.parse("Mon-Fri 08:00-18:00", None, "UTC")
    tickets = TicketService(
        db, roles=Roles(db, {"U0ADMIN"}), categories=("network",), levels=levels, clock=lambda: now[0]
    )
    incidents = IncidentService(tickets)
    urgent, _ = tickets.create(ANA, NewTicket("VPN down", "all of us", "network", priority="critical"))
    calm, _ = tickets.create(BEA, NewTicket("VPN slow", "a little", "network", priority="low"))
    incident = incidents.declare(ADMIN, "VPN outage", from_ticket=urgent.id, also=calm.id)
    now[0] += timedelta(days=1)
    incidents.resolve(ADMIN, incident.id, "Gateway replaced")
    assert state(current(db, urgent.id), now[0]) is SlaState.BREACHED
    assert state(current(db, calm.id), now[0]) is SlaState.MET
