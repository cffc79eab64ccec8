"""A comment written as a thread message follows the message's edits and deletion: its text,
the original kept, one row for its relayed copy — never a new comment, nobody emailed anew."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.comment_edits import copy_of, remember_copy
from storage.domain import NOTE_MAX
from storage.email_plan import MailPolicy
from storage.errors import NotAllowed
from storage.models import OutboxRow, RelayedMessage, TicketEvent
from storage.notifications import ENGINEER, REPORTER, TRIAGE
from storage.people import People, Profile
from storage.roles import Roles
from storage.sla import ServiceLevels
from storage.tickets import TicketService
from tests.storage.test_conversation import ADMIN, ANA, CARLOS, filed, line, rows


@pytest.fixture
def service(db) -> TicketService:
    People(db).add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    mail, levels = MailPolicy(frozenset({"U0ADMIN"})), ServiceLevels.parse()
    return TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=("other",), mail=mail, levels=levels)


def clear_outbox(db) -> None:
    with db.transaction() as s:
        s.query(OutboxRow).delete()


def note(db, event_id: int) -> str | None:
    with db.read() as s:
        return s.get(TicketEvent, event_id).note


def test_the_authors_edit_changes_the_text_keeps_the_original_and_follows_the_relay(service, db):
    number = filed(service, db)
    said = line(REPORTER)
    event = service.comment(number, ANA, "The tag is 4411", said).event
    remember_copy(db, event.id, "D0CARLOS", "300.1")  # the relay's deliverer posted the copy
    clear_outbox(db)
    changed = service.edit_comment(said.channel, said.ts, ANA.user_id, "The tag is 4417")
    assert (changed.ticket_id, changed.event_id) == (number, event.id)
    assert note(db, event.id) == "The tag is 4417"
    with db.read() as s:
        row = s.get(RelayedMessage, (said.channel, said.ts))
        assert row.original_text == "The tag is 4411" and row.edited_at is not None
    # One row for the copy, in the relays' stream (behind the relay); no email, no new comment.
    with db.read() as s:
        streams = [(r.kind, r.stream) for r in s.scalars(select(OutboxRow))]
    assert streams == [("slack.relayed_copy", f"relay-{ENGINEER}:{number}")]
    assert copy_of(db, event.id).channel == "D0CARLOS" and not copy_of(db, event.id).deleted
    # A second edit keeps the text as first written.
    service.edit_comment(said.channel, said.ts, ANA.user_id, "The tag is 4418")
    with db.read() as s:
        assert s.get(RelayedMessage, (said.channel, said.ts)).original_text == "The tag is 4411"
        assert len(s.scalars(select(TicketEvent).where(TicketEvent.kind == "note")).all()) == 1


def test_only_the_author_and_only_a_real_change_count(service, db):
    number = filed(service, db)
    said = line(ENGINEER)
    event = service.comment(number, CARLOS, "Please reboot", said).event
    clear_outbox(db)
    with pytest.raises(NotAllowed):
        service.edit_comment(said.channel, said.ts, ADMIN.user_id, "hijacked")
    assert service.edit_comment(said.channel, said.ts, CARLOS.user_id, "Please reboot") is None  # an unfurl
    assert service.edit_comment(said.channel, "999.9", CARLOS.user_id, "not a comment") is None
    assert note(db, event.id) == "Please reboot" and rows(db) == []
    long = service.edit_comment(said.channel, said.ts, CARLOS.user_id, "y" * (NOTE_MAX + 10))
    assert long.clipped and len(note(db, event.id)) == NOTE_MAX


def test_a_deletion_marks_the_comment_and_removes_the_copy_once(service, db):
    number = filed(service, db)
    said = line(TRIAGE)
    event = service.comment(number, ADMIN, "the admin password is hunter2", said).event
    clear_outbox(db)
    assert service.delete_comment(said.channel, said.ts).event_id == event.id
    assert note(db, event.id) is None  # shown nowhere any more
    assert copy_of(db, event.id).deleted and copy_of(db, event.id).channel is None  # not posted yet
    with db.read() as s:
        assert s.get(RelayedMessage, (said.channel, said.ts)).original_text == "the admin password is hunter2"
    assert [kind for kind, _ in rows(db)] == ["slack.relayed_copy"]
    assert service.delete_comment(said.channel, said.ts) is None  # told twice: once
    assert service.edit_comment(said.channel, said.ts, ADMIN.user_id, "back") is None  # gone is gone


def test_the_same_message_delivered_twice_is_one_comment(service, db):
    number = filed(service, db)
    said = line(REPORTER)
    first = service.comment(number, ANA, "only once", said).event
    again = service.comment(number, ANA, "only once", said).event
    assert again.id == first.id
    with db.read() as s:
        assert len(s.scalars(select(TicketEvent).where(TicketEvent.kind == "note")).all()) == 1
