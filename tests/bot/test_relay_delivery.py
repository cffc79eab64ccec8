"""Delivering relayed copies: a copy waits for its card's thread, a comment deleted before its
copy left is never posted, and edits and deletions reach the copy through the outbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from bot.app import Runtime, build
from storage.domain import Actor
from storage.models import OutboxRow, RelayedMessage, Ticket, utcnow
from storage.notifications import REPORTER, Line
from storage.people import Profile
from storage.tickets import NewTicket

ADMIN, ANA, CARLOS = Actor("U0ADMIN"), Actor("U0REPORTER"), Actor("U0CARLOS")


@pytest.fixture
def runtime(settings, db, fake_slack) -> Iterator[Runtime]:
    """The app's dispatcher, not started: the test drains it by hand."""
    app = build(settings, db)
    app.services.people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    try:
        yield app
    finally:
        app.stop()


def due_now_and_drain(runtime: Runtime) -> None:
    """Every retry due now (instead of waiting out its backoff), then deliver what is due."""
    for _ in range(5):
        with runtime.db.transaction() as s:
            pending = OutboxRow.state == "pending"
            s.execute(update(OutboxRow).where(pending).values(next_attempt_at=utcnow()))
        runtime.dispatcher.drain()


def ticket(runtime: Runtime, number: int) -> Ticket:
    with runtime.db.read() as s:
        return s.get(Ticket, number)


def copies_of(fake, text: str) -> list:
    return [c for c in fake.calls("chat.postMessage") if text in c.params.get("text", "") and not c.failed]


def test_a_copy_waits_for_its_cards_thread(runtime, fake_slack):
    tickets = runtime.services.tickets
    number = tickets.create(ANA, NewTicket("VPN drops", "every hour", "network", "high"))[0].id
    tickets.assign(number, CARLOS.user_id, ADMIN)
    # The reporter writes before any card left (their line's ts as the handler would give it).
    tickets.comment(number, ANA, "the asset tag is 4411", Line(REPORTER, "D0REPORTER", "1800000000.000001"))
    fake_slack.add_message("D0REPORTER", "1800000000.000001", "the asset tag is 4411", ANA.user_id)
    due_now_and_drain(runtime)
    (copy,) = copies_of(fake_slack, "4411")
    engineer_card = ticket(runtime, number).engineer_dm_ts
    assert engineer_card and copy.params["thread_ts"] == engineer_card  # in the thread, not loose
    message = fake_slack.message("D0REPORTER", "1800000000.000001")
    assert [r["name"] for r in message.get("reactions", [])] == ["white_check_mark"]  # ✅ after it


def test_a_comment_deleted_before_its_copy_left_is_never_posted(runtime, fake_slack):
    tickets = runtime.services.tickets
    number = tickets.create(ANA, NewTicket("VPN drops", "every hour", "network", "high"))[0].id
    tickets.assign(number, CARLOS.user_id, ADMIN)
    due_now_and_drain(runtime)
    card = ticket(runtime, number)
    line = Line(REPORTER, card.reporter_dm_channel, "1800000000.000002")
    tickets.comment(number, ANA, "my password is hunter2", line)
    tickets.delete_comment(line.channel, line.ts)
    due_now_and_drain(runtime)
    assert copies_of(fake_slack, "hunter2") == [] and fake_slack.calls("chat.delete") == []
    with runtime.db.read() as s:
        assert s.get(RelayedMessage, (line.channel, line.ts)).copy_ts is None
        assert all(r.state == "done" for r in s.scalars(select(OutboxRow)))


def test_an_edit_and_a_deletion_reach_the_copy_through_the_outbox(runtime, fake_slack):
    tickets = runtime.services.tickets
    number = tickets.create(ANA, NewTicket("VPN drops", "every hour", "network", "high"))[0].id
    tickets.assign(number, CARLOS.user_id, ADMIN)
    due_now_and_drain(runtime)
    line = Line(REPORTER, ticket(runtime, number).reporter_dm_channel, "1800000000.000003")
    tickets.comment(number, ANA, "tag 4411", line)
    due_now_and_drain(runtime)
    (posted,) = copies_of(fake_slack, "tag 4411")
    with runtime.db.read() as s:
        row = s.get(RelayedMessage, (line.channel, line.ts))
        where = (row.copy_channel, row.copy_ts)
    tickets.edit_comment(line.channel, line.ts, ANA.user_id, "tag 4417")
    due_now_and_drain(runtime)
    assert (
        "tag 4417" in fake_slack.message(*where)["text"] and "(edited)" in fake_slack.message(*where)["text"]
    )
    assert [c.params["ts"] for c in fake_slack.calls("chat.update") if c.params.get("ts") == where[1]]
    tickets.delete_comment(line.channel, line.ts)
    due_now_and_drain(runtime)
    assert fake_slack.message(*where) is None and fake_slack.deleted_messages == [where]
    assert posted.params["thread_ts"] == ticket(runtime, number).engineer_dm_ts
