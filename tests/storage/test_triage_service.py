"""Service rules this issue relies on: who is told of a note, permission before staleness,
previews that change nothing, card refreshes, the former engineer's card."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage import outbox
from storage.domain import Actor, Status, Visibility
from storage.errors import InvalidTransition, NotAllowed, StaleTicket, TicketNotFound
from storage.models import OutboxRow, TicketEvent
from storage.people import People, Profile
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService

ADMIN, ANA, CARLOS, MARIA = Actor("U0ADMIN"), Actor("U0ANA"), Actor("U0CARLOS"), Actor("U0MARIA")


@pytest.fixture
def service(db) -> TicketService:
    people = People(db)
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos"), "Redes y Servidores")
    people.add_engineer(Profile("U0MARIA", "maria", "María"), "Hardware y Impresoras")
    return TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=("network",))


@pytest.fixture
def ticket_id(service) -> int:
    ticket, _ = service.create(ANA, NewTicket("VPN", "drops", "network"))
    service.assign(ticket.id, "U0CARLOS", ADMIN)
    return ticket.id


def rows_after(db, last_id: int) -> list[tuple[str, str | None, bool]]:
    """The Slack rows written after `last_id` (email rows are the email tests' business)."""
    with db.read() as s:
        query = select(OutboxRow).where(OutboxRow.id > last_id, OutboxRow.kind.like("slack.%"))
        rows = s.scalars(query.order_by(OutboxRow.id))
        return [(r.kind, r.payload.get("audience"), "ts" in r.payload) for r in rows]


def last_row(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.max(OutboxRow.id))) or 0


def test_an_internal_note_redraws_staff_cards_only_a_public_one_everyone(service, db, ticket_id):
    mark = last_row(db)
    service.add_note(ticket_id, CARLOS, "secret", Visibility.INTERNAL)
    assert rows_after(db, mark) == [
        (outbox.SLACK_TRIAGE_CARD, None, False),
        (outbox.SLACK_EVENT_REPLY, "triage", False),
        (outbox.SLACK_ENGINEER_CARD, None, False),
        (outbox.SLACK_EVENT_REPLY, "engineer", False),
    ]
    mark = last_row(db)
    service.add_note(ticket_id, CARLOS, "restart please", Visibility.PUBLIC)
    assert [k for k, _, _ in rows_after(db, mark)].count(outbox.SLACK_REPORTER_CARD) == 1
    assert ("slack.event_reply", "reporter", False) in rows_after(db, mark)


def test_permission_is_checked_before_staleness(service, ticket_id):
    old = service.get(ticket_id, "U0ADMIN").version
    service.change_status(ticket_id, Status.IN_PROGRESS, ADMIN)  # someone else's move: a conflict
    with pytest.raises(TicketNotFound):  # a stranger learns nothing, not even "it changed"
        service.change_status(ticket_id, Status.ON_HOLD, Actor("U0STRANGER"), "Waiting", expected_version=old)
    with pytest.raises(NotAllowed):
        service.change_status(ticket_id, Status.ON_HOLD, ANA, "Waiting", expected_version=old)
    with pytest.raises(StaleTicket):
        service.change_status(ticket_id, Status.ON_HOLD, CARLOS, "Waiting", expected_version=old)
    with pytest.raises(NotAllowed):
        service.assign(ticket_id, "U0MARIA", CARLOS, expected_version=old)


def test_previews_raise_what_the_change_would_and_change_nothing(service, db, ticket_id):
    current = service.get(ticket_id, "U0ADMIN").version
    mark = last_row(db)
    assert service.preview_change(ticket_id, Status.CLOSED, CARLOS, current).id == ticket_id
    assert service.preview_change(ticket_id, None, ADMIN).id == ticket_id
    with pytest.raises(StaleTicket):
        service.preview_change(ticket_id, Status.CLOSED, CARLOS, current - 1)
    with pytest.raises(NotAllowed):
        service.preview_change(ticket_id, None, ANA)
    with pytest.raises(InvalidTransition):
        service.preview_change(ticket_id, Status.OPEN, ANA, current)  # reopen what is not closed
    with pytest.raises(TicketNotFound):
        service.preview_change(ticket_id + 1, Status.CLOSED, CARLOS)
    assert rows_after(db, mark) == [] and service.get(ticket_id, "U0ADMIN").version == current


def test_refresh_and_the_former_engineers_card(service, db, ticket_id):
    mark = last_row(db)
    service.refresh_cards(ticket_id)
    assert [k for k, _, _ in rows_after(db, mark)] == [
        outbox.SLACK_TRIAGE_CARD,
        outbox.SLACK_REPORTER_CARD,
        outbox.SLACK_ENGINEER_CARD,
    ]
    with db.transaction() as s:  # as if Carlos's card had been delivered
        from storage.models import Ticket

        s.get(Ticket, ticket_id).engineer_dm_channel, s.get(Ticket, ticket_id).engineer_dm_ts = (
            "D0CARLOS",
            "1.1",
        )
    mark = last_row(db)
    service.assign(ticket_id, "U0MARIA", ADMIN)
    rows = rows_after(db, mark)
    assert rows[0] == (outbox.SLACK_ENGINEER_CARD, None, True)  # the old card, redrawn first
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(TicketEvent)) == 3
