"""The ticket lifecycle at the service level, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select

from storage import outbox
from storage.db import once_committed
from storage.domain import TRANSITIONS, Actor, Status, Visibility, parse_number
from storage.errors import InvalidInput, InvalidTransition, NotAllowed, StaleTicket, TicketNotFound
from storage.models import OutboxRow, Ticket, TicketEvent, User
from storage.people import People, Profile
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService

ADMIN = Actor("U0ADMIN", "admin")
ADMIN2 = Actor("U0ADMIN2", "sam")
ANA = Actor("U0REPORTER", "ana")
CARLOS = Actor("U0CARLOS", "carlos")
MARIA = Actor("U0MARIA", "maria")
CATEGORIES = ("hardware", "software", "network", "printers", "access", "other")


@pytest.fixture
def service(db) -> TicketService:
    people = People(db)
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes y Servidores")
    people.add_engineer(Profile("U0MARIA", "maria", "María López"), "Hardware y Impresoras")
    return TicketService(db, roles=Roles(db, {"U0ADMIN", "U0ADMIN2"}), categories=CATEGORIES)


def new(title="Printer jams", **kw) -> NewTicket:
    return NewTicket(
        title=title,
        description=kw.pop("description", "Paper jam on floor 3"),
        **{"category": "printers", "priority": "high", **kw},
    )


def outbox_kinds(db, ticket_id=None) -> list[tuple[str, str | None]]:
    """The Slack rows (email rows are checked in tests/bot/email)."""
    with db.read() as s:
        rows = s.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        return [
            (r.kind, r.payload.get("audience"))
            for r in rows
            if r.kind.startswith("slack.") and (ticket_id is None or r.payload.get("ticket_id") == ticket_id)
        ]


def test_create_stores_ticket_event_and_outbox_rows_together(service, db):
    ticket, created = service.create(ANA, new())
    assert created and ticket.number == "TKT-000001" and ticket.status == "open"
    assert ticket.created_at.tzinfo is not None
    with db.read() as s:
        stored = s.get(Ticket, ticket.id)
        assert (stored.title, stored.category, stored.priority, stored.version) == (
            "Printer jams",
            "printers",
            "high",
            1,
        )
        events = s.scalars(select(TicketEvent)).all()
        assert [(e.kind, e.actor_id, e.new_value) for e in events] == [("created", "U0REPORTER", "open")]
    assert outbox_kinds(db) == [(outbox.SLACK_TRIAGE_CARD, None), (outbox.SLACK_REPORTER_CARD, None)]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"title": "   "}, "title", "error.required"),
        ({"title": "x" * 151}, "title", "error.too_long"),
        ({"description": ""}, "description", "error.required"),
        ({"description": "d" * 3001}, "description", "error.too_long"),
        ({"category": "coffee"}, "category", "error.unknown_choice"),
        ({"priority": "urgent!!"}, "priority", "error.unknown_choice"),
    ],
)
def test_invalid_input_is_refused_and_changes_nothing(service, db, change, field, code):
    with pytest.raises(InvalidInput) as raised:
        service.create(ANA, new(**change))
    assert raised.value.errors == {field: code}
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxRow)) == 0


def test_same_request_twice_files_one_ticket(service, db):
    first, created1 = service.create(ANA, new(request_key="V123"))
    second, created2 = service.create(ANA, new(request_key="V123"))
    assert (created1, created2) == (True, False) and first.id == second.id
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 1


def test_a_request_sent_again_leaves_no_gap_in_ticket_numbers(service, db):
    service.create(ANA, new(request_key="V1"))
    service.create(ANA, new(request_key="V1"))  # a double click, a network retry
    service.create(ANA, new(request_key="V1"))
    assert service.create(ANA, new(request_key="V2"))[0].number == "TKT-000002"


def test_the_same_request_racing_itself_files_one_ticket(service, db):
    """A retry arriving while the first submission is still being filed: all wait on one INSERT."""
    start = threading.Barrier(6)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            start.wait(10)
            ticket, created = service.create(ANA, new(request_key="V-RACE"))
            results.append((ticket.id, created))
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(results) == 6
    assert len({ticket_id for ticket_id, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 1
        assert s.scalar(select(func.count()).select_from(TicketEvent)) == 1
        assert s.scalar(select(func.count()).where(OutboxRow.kind.startswith("slack."))) == 2


def test_a_filed_ticket_comes_back_as_stored(service, db):
    ticket, created = service.create(ANA, new("  Printer jams  ", request_key="V9"))
    with db.read() as s:
        stored = s.get(Ticket, ticket.id)
        columns = [c.key for c in Ticket.__table__.columns]
        assert {k: getattr(ticket, k) for k in columns} == {k: getattr(stored, k) for k in columns}
    assert created and ticket.number == "TKT-000001" and ticket.version == 1 and ticket.engineer_id is None


def test_numbers_are_sequential_and_never_reused(service, db):
    numbers = [service.create(ANA, new(f"t{i}"))[0].number for i in range(3)]
    assert numbers == ["TKT-000001", "TKT-000002", "TKT-000003"]
    with db.transaction() as s:  # even if the newest ticket were deleted by hand
        s.query(TicketEvent).filter_by(ticket_id=3).delete()
        s.query(Ticket).filter_by(id=3).delete()
    assert service.create(ANA, new("again"))[0].number == "TKT-000004"
    assert parse_number("tkt-000004") == 4 and parse_number("#4") == 4 and parse_number("TKT-x") is None


def test_full_lifecycle_with_history(service, db):
    ticket, _ = service.create(ANA, new())
    service.assign(ticket.id, "U0CARLOS", ADMIN)
    service.change_status(ticket.id, Status.IN_PROGRESS, CARLOS)
    service.add_note(ticket.id, CARLOS, "Checking the toner driver", Visibility.INTERNAL)
    service.change_status(ticket.id, Status.ON_HOLD, CARLOS, note="Waiting for a part")
    service.change_status(ticket.id, Status.IN_PROGRESS, CARLOS)
    closed = service.close(ticket.id, CARLOS, "Replaced the fuser")
    assert closed.status == "closed" and closed.closed_at is not None
    reopened = service.reopen(ticket.id, ANA)
    assert reopened.status == "open" and reopened.closed_at is None
    history = service.history(ticket.id, "U0ADMIN")
    assert [(e.kind, e.old_value, e.new_value) for e in history] == [
        ("created", None, "open"),
        ("assigned", None, "U0CARLOS"),
        ("status", "open", "in_progress"),
        ("note", None, None),
        ("status", "in_progress", "on_hold"),
        ("status", "on_hold", "in_progress"),
        ("closed", "in_progress", "closed"),
        ("reopened", "closed", "open"),
    ]
    # The reporter's view of the history has no internal note.
    assert "note" not in [e.kind for e in service.history(ticket.id, "U0REPORTER")]


def test_internal_notes_never_queue_anything_for_the_reporter(service, db):
    ticket, _ = service.create(ANA, new())
    service.assign(ticket.id, "U0CARLOS", ADMIN)
    before = len(outbox_kinds(db))
    service.add_note(ticket.id, CARLOS, "secret", Visibility.INTERNAL)
    added = outbox_kinds(db)[before:]
    assert ("slack.event_reply", "reporter") not in added
    assert ("slack.event_reply", "engineer") in added and ("slack.event_reply", "triage") in added
    service.add_note(ticket.id, CARLOS, "We ordered a part", Visibility.PUBLIC)
    assert ("slack.event_reply", "reporter") in outbox_kinds(db)[before + len(added) :]


def test_transition_table_is_enforced(service):
    ticket, _ = service.create(ANA, new())
    service.assign(ticket.id, "U0CARLOS", ADMIN)
    with pytest.raises(InvalidTransition):
        service.change_status(ticket.id, Status.OPEN, CARLOS)
    service.close(ticket.id, CARLOS, "Solved by itself")
    for target in (Status.IN_PROGRESS, Status.ON_HOLD, Status.CLOSED):
        with pytest.raises((InvalidTransition, InvalidInput)):
            service.change_status(ticket.id, target, CARLOS, note="x")
    assert TRANSITIONS[Status.CLOSED] == {Status.OPEN}


def test_closing_needs_a_resolution(service):
    ticket, _ = service.create(ANA, new())
    service.assign(ticket.id, "U0CARLOS", ADMIN)
    with pytest.raises(InvalidInput) as raised:
        service.close(ticket.id, CARLOS, "   ")
    assert raised.value.errors == {"note": "error.required"}


def test_permissions(service):
    ticket, _ = service.create(ANA, new())
    with pytest.raises(NotAllowed):
        service.assign(ticket.id, "U0CARLOS", CARLOS)  # only admins assign
    service.assign(ticket.id, "U0CARLOS", ADMIN)
    with pytest.raises(TicketNotFound):  # another engineer may not even see it
        service.change_status(ticket.id, Status.IN_PROGRESS, MARIA)
    with pytest.raises(NotAllowed):  # the reporter sees it but cannot work it
        service.change_status(ticket.id, Status.IN_PROGRESS, ANA)
    with pytest.raises(NotAllowed):
        service.add_note(ticket.id, ANA, "hello", Visibility.PUBLIC)
    with pytest.raises(TicketNotFound):
        service.get(ticket.id, "U0STRANGER")
    with pytest.raises(TicketNotFound):
        service.get(999, "U0ADMIN")
    assert service.get(ticket.id, "U0CARLOS").id == ticket.id
    with pytest.raises(InvalidInput):
        service.assign(ticket.id, "U0NOBODY", ADMIN)


def test_reassignment_tells_the_previous_engineer_in_their_thread(service, db):
    ticket, _ = service.create(ANA, new())
    service.assign(ticket.id, "U0CARLOS", ADMIN)
    with db.transaction() as s:  # as the dispatcher records it after posting Carlos's card
        s.execute(Ticket.__table__.update().values(engineer_dm_channel="D0CARLOS", engineer_dm_ts="1.1"))
    service.assign(ticket.id, "U0MARIA", ADMIN)
    with db.read() as s:
        stored = s.get(Ticket, ticket.id)
        assert (stored.engineer_id, stored.engineer_dm_ts) == ("U0MARIA", None)
        replies = [
            r.payload for r in s.scalars(select(OutboxRow).where(OutboxRow.kind == "slack.event_reply"))
        ]
    assert any(p.get("channel") == "D0CARLOS" and p.get("thread_ts") == "1.1" for p in replies)


def test_stale_version_is_refused(service):
    ticket, _ = service.create(ANA, new())
    service.assign(ticket.id, "U0CARLOS", ADMIN, expected_version=1)
    with pytest.raises(StaleTicket):  # another admin, picking on the card drawn before that
        service.assign(ticket.id, "U0MARIA", ADMIN2, expected_version=1)


def test_two_admins_assigning_at_once_leave_one_consistent_result(service, db):
    ticket, _ = service.create(ANA, new())
    barrier = threading.Barrier(2)
    results: list[str] = []

    def assign(engineer: str, admin: Actor) -> None:
        barrier.wait()
        try:
            service.assign(ticket.id, engineer, admin, expected_version=1)
            results.append(engineer)
        except StaleTicket:
            results.append("stale")

    picks = (("U0CARLOS", ADMIN), ("U0MARIA", ADMIN2))
    threads = [threading.Thread(target=assign, args=pick) for pick in picks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results.count("stale") == 1, results
    winner = next(r for r in results if r != "stale")
    with db.read() as s:
        stored = s.get(Ticket, ticket.id)
        assert stored.engineer_id == winner and stored.version == 2
        assert (
            s.scalar(select(func.count()).select_from(TicketEvent).where(TicketEvent.kind == "assigned")) == 1
        )


def test_200_tickets_from_8_threads_get_unique_numbers(service, db):
    errors: list[BaseException] = []

    def file_many(worker: int) -> None:
        try:
            for i in range(25):
                service.create(Actor(f"U0W{worker}"), new(f"w{worker}-{i}", request_key=f"w{worker}-{i}"))
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=file_many, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with db.read() as s:
        ids = s.scalars(select(Ticket.id)).all()
        titles = s.scalars(select(Ticket.title)).all()
        cards = s.scalar(select(func.count()).where(OutboxRow.kind.startswith("slack.")))
        emails = s.scalar(select(func.count()).where(OutboxRow.kind == "email.message"))
    assert len(ids) == 200 and len(set(ids)) == 200 and sorted(ids) == list(range(1, 201))
    assert len(set(titles)) == 200
    assert cards == 400  # a triage card and a reporter card each
    assert emails == 200  # and the reporter's receipt


def test_a_persons_users_row_is_upserted_until_it_is_known_committed(service, db):
    upserts: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO USERS"):
            upserts.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        service.create(ANA, new("First"))
        service.create(ANA, new("Second"))
        service.create(ANA, new("Third"))
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(upserts) == 1  # the first filing wrote the row; the next two knew it was there
    with db.read() as s:
        assert s.get(User, ANA.user_id) is not None
        assert (
            s.scalar(select(func.count()).select_from(Ticket).where(Ticket.reporter_id == ANA.user_id)) == 3
        )


def test_only_a_committed_transaction_runs_what_waits_for_its_commit(db):
    ran: list[str] = []
    with pytest.raises(RuntimeError), db.transaction() as session:
        once_committed(session, lambda: ran.append("rolled back"))
        raise RuntimeError("the unit of work failed")
    with db.transaction() as session:
        once_committed(session, lambda: ran.append("committed"))
        assert ran == []  # not before the commit
    assert ran == ["committed"]
