"""A click on an old card acts when nobody else's change since conflicts with it (issue 16): the
clicker's own earlier click, a note, a warning are no reason to refuse; someone else's status
change or assignment is."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from storage.domain import Actor, EventKind, Status, Visibility
from storage.errors import InvalidTransition, StaleTicket
from storage.models import Ticket, TicketEvent
from storage.people import People, Profile
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService

ADMIN, SAM = Actor("U0ADMIN", "admin"), Actor("U0ADMIN2", "sam")
ANA, CARLOS = Actor("U0ANA", "ana"), Actor("U0CARLOS", "carlos")


@pytest.fixture
def service(db) -> TicketService:
    people = People(db)
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos"), "Redes y Servidores")
    people.add_engineer(Profile("U0MARIA", "maria", "María"), "Hardware y Impresoras")
    return TicketService(db, roles=Roles(db, {"U0ADMIN", "U0ADMIN2"}), categories=("network",))


@pytest.fixture
def ticket_id(service) -> int:
    """Filed and assigned to Carlos: his card is drawn at the version returned by `version`."""
    ticket, _ = service.create(ANA, NewTicket("VPN", "drops", "network"))
    service.assign(ticket.id, "U0CARLOS", ADMIN)
    return ticket.id


def version(service, ticket_id: int) -> int:
    return service.get(ticket_id, "U0ADMIN").version


def moves(db, ticket_id: int) -> list[tuple[str, str | None, str]]:
    with db.read() as s:
        query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        return [(e.kind, e.new_value, e.actor_id) for e in s.scalars(query)]


def test_each_event_records_the_version_it_was_made_on(service, db, ticket_id):
    service.add_note(ticket_id, CARLOS, "Looking", Visibility.INTERNAL)
    service.close(ticket_id, CARLOS, "Fixed")
    service.not_solved(ticket_id, ANA, "Still drops")  # two events, one change
    with db.read() as s:
        rows = s.execute(select(TicketEvent.kind, TicketEvent.ticket_version).order_by(TicketEvent.id))
        assert [tuple(r) for r in rows] == [
            ("created", 1),
            ("assigned", 1),
            ("note", 2),
            ("closed", 3),
            ("reopened", 4),
            ("feedback", 4),
        ]
        assert s.get(Ticket, ticket_id).version == 5


def test_a_note_then_on_hold_from_the_card_drawn_before_the_note(service, db, ticket_id):
    card = version(service, ticket_id)
    service.add_note(ticket_id, CARLOS, "Asked the ISP", Visibility.PUBLIC)
    done = service.change_from_card(ticket_id, Status.ON_HOLD, CARLOS, "Waiting for the ISP", card)
    assert done.ticket.status == "on_hold" and done.moved is None  # nothing to tell: it was open
    assert moves(db, ticket_id)[-1] == ("status", "on_hold", "U0CARLOS")


def test_in_progress_then_close_from_the_same_card(service, db, ticket_id):
    card = version(service, ticket_id)
    assert service.change_from_card(ticket_id, Status.IN_PROGRESS, CARLOS, None, card).moved is None
    service.preview_change(ticket_id, Status.CLOSED, CARLOS, card)  # the Close modal opens
    done = service.change_from_card(ticket_id, Status.CLOSED, CARLOS, "Router replaced", card)
    assert done.ticket.status == "closed" and done.moved is Status.IN_PROGRESS  # "It was already…"
    assert [m for m in moves(db, ticket_id) if m[0] in ("status", "closed")] == [
        ("status", "in_progress", "U0CARLOS"),
        ("closed", "closed", "U0CARLOS"),
    ]


def test_an_admin_acting_on_the_engineers_ticket_is_no_conflict_for_the_admin_later(service, ticket_id):
    """The rule is about who moved it: an admin's own earlier click does not stop their next one."""
    card = version(service, ticket_id)
    service.change_status(ticket_id, Status.IN_PROGRESS, ADMIN, expected_version=card)
    assert service.change_status(
        ticket_id, Status.ON_HOLD, ADMIN, "Vendor", expected_version=card
    ).status == ("on_hold")


def test_someone_else_closed_it_then_a_stale_in_progress_click_is_refused(service, db, ticket_id):
    card = version(service, ticket_id)
    service.close(ticket_id, ADMIN, "Duplicate of TKT-000007")
    with pytest.raises(StaleTicket):
        service.change_from_card(ticket_id, Status.IN_PROGRESS, CARLOS, None, card)
    with pytest.raises(StaleTicket):
        service.preview_change(ticket_id, Status.IN_PROGRESS, CARLOS, card)
    assert service.get(ticket_id, "U0ADMIN").status == "closed"


def test_someone_elses_move_conflicts_even_when_the_click_is_still_legal(service, ticket_id):
    """On hold → Closed is legal, but Carlos asked to close the ticket he saw open, not the one
    an admin put on hold for a reason he has not read."""
    card = version(service, ticket_id)
    service.change_status(ticket_id, Status.ON_HOLD, ADMIN, "Waiting for the vendor")
    with pytest.raises(StaleTicket):
        service.close(ticket_id, CARLOS, "Fixed", expected_version=card)
    with pytest.raises(StaleTicket):  # the modal opened from the old card says so at once
        service.preview_change(ticket_id, Status.CLOSED, CARLOS, card)
    assert service.get(ticket_id, "U0ADMIN").status == "on_hold"


def test_a_reassignment_under_an_admins_card_conflicts_with_its_status_buttons(service, ticket_id):
    card = version(service, ticket_id)
    service.assign(ticket_id, "U0MARIA", SAM)
    with pytest.raises(StaleTicket):
        service.change_status(ticket_id, Status.IN_PROGRESS, ADMIN, expected_version=card)


def test_a_double_click_asks_for_what_the_ticket_already_is(service, ticket_id):
    card = version(service, ticket_id)
    service.change_status(ticket_id, Status.IN_PROGRESS, CARLOS, expected_version=card)
    with pytest.raises(StaleTicket):  # no longer legal, and the card was old: its state is told
        service.change_status(ticket_id, Status.IN_PROGRESS, CARLOS, expected_version=card)
    current = version(service, ticket_id)
    with pytest.raises(InvalidTransition):  # the same move from a current card
        service.change_status(ticket_id, Status.IN_PROGRESS, CARLOS, expected_version=current)


def test_two_admins_assigning_from_the_same_card(service, db):
    ticket, _ = service.create(ANA, NewTicket("VPN", "drops", "network"))
    service.assign(ticket.id, "U0CARLOS", ADMIN, expected_version=1)
    with pytest.raises(StaleTicket):
        service.assign(ticket.id, "U0MARIA", SAM, expected_version=1)
    # The same admin changing their mind on that card acts: their own pick is no conflict.
    assert service.assign(ticket.id, "U0MARIA", ADMIN, expected_version=1).engineer_id == "U0MARIA"
    assert [m for m in moves(db, ticket.id) if m[0] == "assigned"] == [
        ("assigned", "U0CARLOS", "U0ADMIN"),
        ("assigned", "U0MARIA", "U0ADMIN"),
    ]


def test_an_assignment_acts_on_a_ticket_whose_status_moved_on(service, ticket_id):
    triage_card = version(service, ticket_id)
    service.change_status(ticket_id, Status.IN_PROGRESS, CARLOS)
    service.add_note(ticket_id, CARLOS, "Half done", Visibility.INTERNAL)
    assert service.assign(ticket_id, "U0MARIA", SAM, expected_version=triage_card).engineer_id == "U0MARIA"
    service.close(ticket_id, Actor("U0MARIA"), "Done")
    with pytest.raises(StaleTicket):  # closed since: nothing to assign
        service.assign(ticket_id, "U0CARLOS", SAM, expected_version=triage_card)


def test_warnings_are_no_conflict(service, ticket_id):
    card = version(service, ticket_id)
    assert service.alert(ticket_id, EventKind.SLA_AT_RISK, lambda ticket: True)
    service.add_note(ticket_id, ADMIN, "Customer called", Visibility.INTERNAL)  # someone else's note
    assert service.close(ticket_id, CARLOS, "Fixed", expected_version=card).status == "closed"


def test_a_card_older_than_the_recorded_history_is_refused_as_before(service, db, ticket_id):
    """Events written before versions were recorded (migration 0006) cannot say who changed
    what since an old card: such a click is refused, as every old card's click used to be."""
    card = version(service, ticket_id)
    service.add_note(ticket_id, CARLOS, "Asked the ISP", Visibility.PUBLIC)
    with db.transaction() as s:
        s.execute(update(TicketEvent).values(ticket_version=None))
    with pytest.raises(StaleTicket):
        service.change_status(ticket_id, Status.ON_HOLD, CARLOS, "Waiting", expected_version=card)
    with pytest.raises(StaleTicket):  # a version the ticket never had (a forged value)
        service.change_status(ticket_id, Status.ON_HOLD, CARLOS, "Waiting", expected_version=card + 5)
