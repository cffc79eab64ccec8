"""Comments by email (storage.conversation with an email line, storage.inbound_mail): who may
write on which side, who hears of it, and one message taken once — in the comment's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.errors import NotAllowed
from storage.inbound_mail import DuplicateMail, Inbound, mail_key, request_key, taken
from storage.models import InboundMail, Ticket, TicketEvent
from storage.notifications import ENGINEER, REPORTER, Line
from storage.people import People, Profile
from storage.tickets import NewTicket
from tests.storage import test_conversation as conversation
from tests.storage.test_conversation import ADMIN, ANA, CARLOS, MARIA, filed, rows

clock, service = conversation.clock, conversation.service  # its fixtures, shared

BY_EMAIL = {REPORTER: Line(REPORTER), ENGINEER: Line(ENGINEER)}


def notes(db) -> list[TicketEvent]:
    with db.read() as s:
        return list(s.scalars(select(TicketEvent).where(TicketEvent.kind == "note").order_by(TicketEvent.id)))


def test_an_email_line_has_no_channel_and_nothing_is_reacted_to(service, db):
    number = filed(service, db)
    service.comment(
        number, ANA, "It is 4411", BY_EMAIL[REPORTER], mail=Inbound(mail_key("<a@x>", b""), "<a@x>")
    )
    kinds = [kind for kind, _ in rows(db)]
    assert "slack.reaction" not in kinds
    relays = [p["audience"] for kind, p in rows(db) if kind == "slack.event_reply"]
    assert relays == [ENGINEER]
    assert [(p["template"], p["to"]) for kind, p in rows(db) if kind == "email.message"] == [
        ("comment", {"user": CARLOS.user_id})
    ]


def test_by_email_the_engineers_side_is_the_engineer_or_an_admin(service, db):
    number = filed(service, db)
    service.comment(number, ADMIN, "We are on it", BY_EMAIL[ENGINEER])
    relays = [p["audience"] for kind, p in rows(db) if kind == "slack.event_reply"]
    assert relays == [REPORTER, ENGINEER]  # the reporter, and the engineer who has the ticket
    assert notes(db)[-1].visibility == "public"
    with pytest.raises(NotAllowed):
        service.comment(number, MARIA, "Not my ticket", BY_EMAIL[ENGINEER])
    with pytest.raises(NotAllowed):  # in Slack, the engineer's card thread is the engineer's only
        service.comment(number, ADMIN, "From Slack", Line(ENGINEER, "D0CARLOS", "300.1"))


def test_one_message_is_one_comment_and_a_refusal_records_nothing(service, db):
    number = filed(service, db)
    mail = Inbound(mail_key("<same@x>", b"ignored"), "<same@x>")
    with pytest.raises(NotAllowed):
        service.comment(number, MARIA, "hijack", BY_EMAIL[ENGINEER], mail=mail)
    assert not taken(db, mail.key)  # rolled back with the refusal: a later, allowed try may take it
    service.comment(number, ANA, "first", BY_EMAIL[REPORTER], mail=mail)
    assert taken(db, mail.key)
    with pytest.raises(DuplicateMail):
        service.comment(number, ANA, "first", BY_EMAIL[REPORTER], mail=mail)
    assert [n.note for n in notes(db)] == ["first"]


def test_a_ticket_filed_from_a_message_is_filed_once(service, db):
    key = mail_key(None, b"raw bytes of a message without a Message-ID")
    assert key == mail_key(None, b"raw bytes of a message without a Message-ID") != mail_key("<x@y>", b"")
    new = NewTicket("Printer", "offline", "other", request_key=request_key(key))
    ticket, created = service.create(ANA, new, mail=Inbound(key))
    again, created_again = service.create(ANA, new, mail=Inbound(key))
    assert (created, created_again, again.id) == (True, False, ticket.id)
    with db.read() as s:
        assert [(r.key, r.ticket_id, r.message_id) for r in s.scalars(select(InboundMail))] == [
            (key, ticket.id, None)
        ]
        assert len(s.scalars(select(Ticket)).all()) == 1


def test_people_are_found_by_address_whatever_its_case(db):
    people = People(db)
    people.remember(Profile("U0ANA", "ana", "Ana Gómez", "Ana@Example.com"))
    assert people.user_by_email("ana@EXAMPLE.com").slack_id == "U0ANA"
    assert people.user_by_email("nobody@example.com") is None
    assert people.user_by_email("  ") is None
