"""A message in a card's thread is a comment on the ticket: who may write where, what it is
(public or internal), who hears of it, and replies after a close (reopen or a new ticket)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.comment_edits import remember_copy
from storage.domain import Actor, Status, Visibility
from storage.email_plan import MailPolicy
from storage.errors import NotAllowed
from storage.models import OutboxRow, Ticket, utcnow
from storage.notifications import ENGINEER, REPORTER, TRIAGE, Line
from storage.people import People, Profile
from storage.roles import Roles
from storage.sla import ServiceLevels
from storage.threads import Thread, thread_of
from storage.tickets import NewTicket, TicketService

ADMIN, ANA, CARLOS, MARIA = Actor("U0ADMIN"), Actor("U0REPORTER"), Actor("U0CARLOS"), Actor("U0MARIA")
CARDS = {TRIAGE: ("C0TRIAGE", "100.1"), REPORTER: ("D0ANA", "100.2"), ENGINEER: ("D0CARLOS", "100.3")}


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(db, clock) -> TicketService:
    people = People(db)
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    people.add_engineer(Profile("U0MARIA", "maria", "María López"), "Hardware")
    mail = MailPolicy(frozenset({"U0ADMIN"}))
    levels = ServiceLevels.parse()
    return TicketService(
        db, roles=Roles(db, {"U0ADMIN"}), categories=("other",), clock=clock, mail=mail, levels=levels
    )


def filed(service: TicketService, db, engineer: Actor | None = CARLOS) -> int:
    ticket, _ = service.create(ANA, NewTicket("VPN drops", "every hour", "other", "high"))
    if engineer:
        service.assign(ticket.id, engineer.user_id, ADMIN)
    with db.transaction() as s:
        t = s.get(Ticket, ticket.id)
        t.triage_channel, t.triage_ts = CARDS[TRIAGE]
        t.reporter_dm_channel, t.reporter_dm_ts = CARDS[REPORTER]
        if engineer:
            t.engineer_dm_channel, t.engineer_dm_ts = CARDS[ENGINEER]
        s.query(OutboxRow).delete()
    return ticket.id


_messages = iter(range(1, 100_000))


def line(audience: str, ts: str | None = None) -> Line:
    """A new message in the audience's card thread (each message has a ts of its own)."""
    return Line(audience, CARDS[audience][0], ts or f"200.{next(_messages)}")


def rows(db) -> list[tuple[str, dict]]:
    with db.read() as s:
        return [(r.kind, r.payload) for r in s.scalars(select(OutboxRow).order_by(OutboxRow.id))]


def replies_to(db) -> list[str]:
    return [p["audience"] for kind, p in rows(db) if kind == "slack.event_reply"]


def emails(db) -> list[tuple[str, dict]]:
    return [(p["template"], p["to"]) for kind, p in rows(db) if kind == "email.message"]


def test_the_thread_under_each_card_names_its_ticket_and_audience(service, db):
    number = filed(service, db)
    for audience, (channel, ts) in CARDS.items():
        assert thread_of(db, channel, ts) == Thread(number, audience)
    assert thread_of(db, "D0ANA", "999.9") is None
    assert thread_of(db, "C0TRIAGE", "100.2") is None  # the reporter's ts, in another channel


def test_the_reporters_comment_goes_to_the_engineer_not_back_to_them(service, db):
    number = filed(service, db)
    done = service.comment(number, ANA, "The asset tag is 4411", line(REPORTER, "200.1"))
    assert done.event.visibility == Visibility.PUBLIC.value and done.event.note == "The asset tag is 4411"
    assert replies_to(db) == [ENGINEER]
    assert emails(db) == [("comment", {"user": CARLOS.user_id})]
    # The copy goes in a stream of its own, which no card redraw holds back; the ✅ is written by
    # the relay's deliverer once the copy is posted (storage.comment_edits.remember_copy).
    with db.read() as s:
        streams = {r.kind: r.stream for r in s.scalars(select(OutboxRow))}
    assert streams["slack.event_reply"] == f"relay-engineer:{number}" and "slack.reaction" not in streams
    remember_copy(db, done.event.id, "D0CARLOS", "300.1")
    reaction = [(p, r.stream) for r, p in reaction_rows(db)]
    assert reaction == [
        ({"channel": "D0ANA", "ts": "200.1", "name": "white_check_mark"}, f"reaction:{number}")
    ]


def reaction_rows(db):
    with db.read() as s:
        found = s.scalars(select(OutboxRow).where(OutboxRow.kind == "slack.reaction")).all()
        return [(r, r.payload) for r in found]


def test_a_triage_note_with_nobody_to_relay_to_is_acknowledged_at_once(service, db):
    number = filed(service, db, engineer=None)
    said = line(TRIAGE)
    service.comment(number, ADMIN, "watch this one", said)
    assert replies_to(db) == []
    assert [p for _, p in reaction_rows(db)] == [
        {"channel": said.channel, "ts": said.ts, "name": "white_check_mark"}
    ]


def test_with_nobody_assigned_the_reporter_writes_to_the_triage_channel_and_the_admins(service, db):
    number = filed(service, db, engineer=None)
    service.comment(number, ANA, "Any news?", line(REPORTER))
    assert replies_to(db) == [TRIAGE]
    assert emails(db) == [("comment", {"user": ADMIN.user_id})]


def test_the_engineers_comment_reaches_the_reporter_and_counts_as_the_first_response(service, db):
    number = filed(service, db)
    service.comment(number, ANA, "Hello?", line(REPORTER))
    with db.read() as s:
        assert s.get(Ticket, number).first_response_at is None  # the reporter is not a response
    service.comment(number, CARLOS, "Can you send me the asset tag?", line(ENGINEER))
    assert replies_to(db)[-1] == REPORTER
    assert emails(db)[-1] == ("update", {"user": ANA.user_id})
    with db.read() as s:
        assert s.get(Ticket, number).first_response_at is not None


def test_the_triage_thread_is_internal_and_never_reaches_the_reporter(service, db):
    number = filed(service, db)
    done = service.comment(number, ADMIN, "admin password is hunter2", line(TRIAGE))
    assert done.event.visibility == Visibility.INTERNAL.value
    assert replies_to(db) == [ENGINEER]
    assert emails(db) == []
    assert not any(kind == "slack.reporter_card" for kind, _ in rows(db))  # not even a redraw
    # Another engineer may write in the staff room too.
    service.comment(number, MARIA, "I saw this last week", line(TRIAGE))


def test_only_the_cards_owner_writes_in_a_dm_thread(service, db):
    number = filed(service, db)
    with pytest.raises(NotAllowed):
        service.comment(number, MARIA, "hi", line(ENGINEER))
    with pytest.raises(NotAllowed):
        service.comment(number, CARLOS, "hi", line(REPORTER))
    with pytest.raises(NotAllowed):
        service.comment(number, ANA, "let me in", line(TRIAGE))


def test_a_reply_soon_after_a_close_reopens_later_one_offers_a_new_ticket(service, db, clock):
    number = filed(service, db)
    service.close(number, CARLOS, "Replaced the cable")
    clock.now += timedelta(days=6)
    done = service.comment(number, ANA, "It is back", line(REPORTER))
    assert done.reopened and done.event is not None
    with db.read() as s:
        assert s.get(Ticket, number).status == Status.OPEN.value
    assert ENGINEER in replies_to(db) and TRIAGE in replies_to(db)  # both told of the reopen
    service.close(number, CARLOS, "Replaced it again")
    clock.now += timedelta(days=8)
    late = service.comment(number, ANA, "Back again", line(REPORTER))
    assert late.too_late
    with db.read() as s:
        assert s.get(Ticket, number).status == Status.CLOSED.value


def test_a_long_message_is_clipped_to_a_note(service, db):
    number = filed(service, db)
    done = service.comment(number, ANA, "x" * 5000, line(REPORTER))
    assert done.clipped and len(done.event.note) == 3000
