"""Satisfaction at the service level: who may answer, once per close, and what each answer writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import email_plan, outbox
from storage.dashboards import Dashboards
from storage.domain import Actor
from storage.errors import AlreadyAnswered, InvalidInput, InvalidTransition, NotAllowed, TicketNotFound
from storage.models import OutboxRow, Ticket, TicketEvent
from storage.people import People, Profile
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService

ADMIN, ANA = Actor("U0ADMIN", "admin"), Actor("U0REPORTER", "ana")
CARLOS, MARIA, STRANGER = Actor("U0CARLOS", "carlos"), Actor("U0MARIA", "maria"), Actor("U0JORGE")
NOT_SOLVED = "Problem not solved: still jams"


@pytest.fixture
def service(db) -> TicketService:
    people = People(db)
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes y Servidores")
    people.add_engineer(Profile("U0MARIA", "maria", "María López"), "Hardware y Impresoras")
    return TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=("printers",))


def closed(service: TicketService, engineer: Actor = CARLOS, reporter: Actor = ANA) -> int:
    ticket, _ = service.create(reporter, NewTicket("Printer jams", "Paper jam", "printers", "high"))
    service.assign(ticket.id, engineer.user_id, ADMIN)
    service.close(ticket.id, engineer, "Cleaned the rollers")
    return ticket.id


def feedback_events(db, ticket_id: int) -> list[tuple[str | None, str | None, str | None]]:
    with db.read() as s:
        found = s.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "feedback")
            .order_by(TicketEvent.id)
        )
        return [(e.old_value, e.new_value, e.note) for e in found]


def test_yes_then_a_rating_and_comment(db, service):
    ticket_id = closed(service)
    service.solved(ticket_id, ANA)
    ticket = service.get(ticket_id, "U0REPORTER")
    assert (ticket.csat_outcome, ticket.csat_rating, ticket.status) == ("solved", None, "closed")
    assert ticket.csat_at is not None

    service.rate(ticket_id, ANA, 4, "Quick and kind")
    service.rate(ticket_id, ANA, 5)  # a change of mind: the comment stays
    service.rate(ticket_id, ANA, 5)  # the same answer again records nothing
    ticket = service.get(ticket_id, "U0REPORTER")
    assert (ticket.csat_rating, ticket.csat_comment) == (5, "Quick and kind")
    assert feedback_events(db, ticket_id) == [
        (None, "solved", None),
        (None, "4", "Quick and kind"),
        ("4", "5", None),
    ]


def test_feedback_tells_staff_cards_and_threads_and_mails_the_engineer_a_rating(db, service):
    ticket_id = closed(service)
    with db.read() as s:
        before = s.scalar(select(OutboxRow.id).order_by(OutboxRow.id.desc()))
    service.solved(ticket_id, ANA)
    service.rate(ticket_id, ANA, 3, "<b>ok</b>")
    with db.read() as s:
        rows = [(r.kind, r.payload) for r in s.scalars(select(OutboxRow).where(OutboxRow.id > before))]
    slack = [(kind, p.get("audience")) for kind, p in rows if kind.startswith("slack.")]
    one_answer = [
        (outbox.SLACK_TRIAGE_CARD, None),
        ("slack.event_reply", "triage"),
        (outbox.SLACK_REPORTER_CARD, None),  # redrawn; no thread reply of their own answer
        (outbox.SLACK_ENGINEER_CARD, None),
        ("slack.event_reply", "engineer"),
    ]
    assert sorted(slack, key=str) == sorted(one_answer * 2, key=str)
    mails = [(p["template"], p["to"]) for kind, p in rows if kind == email_plan.EMAIL]
    assert mails == [("feedback", {"user": "U0CARLOS"})]  # the rating; a bare "yes" is not mailed


def test_no_reopens_in_the_same_transaction_and_the_engineer_hears_it(db, service):
    ticket_id = closed(service)
    service.not_solved(ticket_id, ANA, NOT_SOLVED, "  still jams ")
    ticket = service.get(ticket_id, "U0REPORTER")
    assert (ticket.status, ticket.csat_outcome, ticket.csat_comment) == ("open", "reopened", "still jams")
    with db.read() as s:
        kinds = [
            (e.kind, e.new_value, e.note) for e in s.scalars(select(TicketEvent).order_by(TicketEvent.id))
        ]
        rows = [(r.kind, r.payload) for r in s.scalars(select(OutboxRow).order_by(OutboxRow.id))]
    assert kinds[-2:] == [("reopened", "open", NOT_SOLVED), ("feedback", "reopened", "still jams")]
    event_ids = {k: e for k, e in zip(("reopened", "feedback"), _last_two_event_ids(db), strict=True)}
    reopened = [(k, p.get("audience")) for k, p in rows if p.get("event_id") == event_ids["reopened"]]
    assert ("slack.event_reply", "engineer") in reopened and ("slack.event_reply", "triage") in reopened
    feedback = [
        (k, p.get("template"), p.get("to")) for k, p in rows if p.get("event_id") == event_ids["feedback"]
    ]
    assert feedback == [(email_plan.EMAIL, "feedback", {"user": "U0CARLOS"})]  # no second Slack line


def _last_two_event_ids(db) -> list[int]:
    with db.read() as s:
        return sorted(s.scalars(select(TicketEvent.id).order_by(TicketEvent.id.desc()).limit(2)))


def test_only_the_reporter_answers_not_even_an_admin(db, service):
    ticket_id = closed(service)
    for actor in (ADMIN, CARLOS):
        for answer in (
            lambda a: service.solved(ticket_id, a),
            lambda a: service.not_solved(ticket_id, a, NOT_SOLVED),
            lambda a: service.preview_feedback(ticket_id, a),
        ):
            with pytest.raises(NotAllowed):
                answer(actor)
    with pytest.raises(TicketNotFound):  # a stranger learns nothing, not even that it exists
        service.solved(ticket_id, STRANGER)
    ticket = service.get(ticket_id, "U0REPORTER")
    assert (ticket.status, ticket.csat_outcome) == ("closed", None)
    assert feedback_events(db, ticket_id) == []


def test_one_answer_per_close_and_a_new_close_asks_again(db, service):
    ticket_id = closed(service)
    service.solved(ticket_id, ANA)
    with pytest.raises(AlreadyAnswered):
        service.solved(ticket_id, ANA)
    with pytest.raises(AlreadyAnswered):
        service.not_solved(ticket_id, ANA, NOT_SOLVED)
    service.rate(ticket_id, ANA, 2, "meh")

    service.reopen(ticket_id, ANA, "It is back")
    with pytest.raises(InvalidTransition):  # open: nothing to rate
        service.rate(ticket_id, ANA, 5)
    service.close(ticket_id, CARLOS, "Replaced the printer")
    ticket = service.get(ticket_id, "U0REPORTER")
    assert (ticket.csat_outcome, ticket.csat_rating, ticket.csat_comment, ticket.csat_at) == (None,) * 4
    service.solved(ticket_id, ANA)


def test_a_rating_needs_a_yes_first_and_one_to_five_stars(db, service):
    ticket_id = closed(service)
    with pytest.raises(InvalidTransition):
        service.rate(ticket_id, ANA, 5)
    service.solved(ticket_id, ANA)
    for wrong in (0, 6, -1):
        with pytest.raises(InvalidInput):
            service.rate(ticket_id, ANA, wrong)
    with pytest.raises(InvalidInput):
        service.rate(ticket_id, ANA, 4, "x" * 3001)
    with pytest.raises(NotAllowed):
        service.rate(ticket_id, ADMIN, 1)
    assert service.get(ticket_id, "U0REPORTER").csat_rating is None


def test_satisfaction_figures_overall_and_per_engineer(db, service):
    for engineer, rating in ((CARLOS, 5), (CARLOS, 4), (MARIA, 2)):
        ticket_id = closed(service, engineer)
        service.solved(ticket_id, ANA)
        service.rate(ticket_id, ANA, rating)
    service.not_solved(closed(service, MARIA), ANA, NOT_SOLVED)
    closed(service)  # not answered yet: counts nowhere
    figures = Dashboards(db, Roles(db, {"U0ADMIN"})).satisfaction()
    assert (figures.ratings, figures.solved, figures.reopened) == (3, 3, 1)
    assert figures.average == pytest.approx(11 / 3) and figures.solved_share == pytest.approx(0.75)
    assert [(e.name, e.average, e.ratings) for e in figures.engineers] == [
        ("Carlos Pérez", 4.5, 2),
        ("María López", 2.0, 1),
    ]
    with db.read() as s:
        assert s.scalar(select(Ticket.csat_outcome).where(Ticket.id == 4)) == "reopened"
