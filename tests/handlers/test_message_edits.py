"""Edits and deletions of a message written in a card's thread, as Slack sends them
(`message_changed`, `message_deleted`): the comment and its relayed copy follow, nothing is
relayed or emailed anew, and nobody else's edit counts."""

from __future__ import annotations

import itertools

from sqlalchemy import func, select

from storage.models import OutboxRow, RelayedMessage
from tests.conftest import ADMIN, REPORTER
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID, TEAM_ID
from tests.handlers.kit import CARLOS, assigned, card_where, events, poll, replies, staff

_ts = itertools.count(1)


def next_ts() -> str:
    return f"1800000100.{next(_ts):06d}"


def _kind(channel: str) -> str:
    return "im" if channel.startswith("D") else "channel"


def rich_text(text: str) -> list[dict]:
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return [{"type": "rich_text", "block_id": "x1", "elements": [section]}]


def person_message(user: str, text: str, ts: str, thread_ts: str) -> dict:
    """A thread reply a person wrote, as Slack shows it inside message_changed/message_deleted."""
    return {
        "client_msg_id": f"c-{ts}",
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "blocks": rich_text(text),
        "team": TEAM_ID,
        "thread_ts": thread_ts,
        "parent_user_id": BOT_USER_ID,
    }


def write(h, user: str, where: tuple[str, str], text: str) -> tuple[str, str]:
    channel, ts = where[0], next_ts()
    event = person_message(user, text, ts, where[1])
    event |= {"channel": channel, "event_ts": ts, "channel_type": _kind(channel)}
    h.fake.add_message(channel, ts, text, user, thread_ts=where[1])
    assert h.slack.event(event).status == 200
    return channel, ts


def edit(h, message: tuple[str, str], user: str, before: str, after: str, *, thread_ts: str, editor=None):
    """`editor` (default: `user`) edits `user`'s message from `before` to `after`."""
    channel, ts = message
    now = next_ts()
    changed = person_message(user, after, ts, thread_ts)
    changed["edited"] = {"user": editor or user, "ts": now}
    event = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "message": changed,
        "channel": channel,
        "previous_message": person_message(user, before, ts, thread_ts),
        "event_ts": now,
        "ts": now,
        "channel_type": _kind(channel),
    }
    assert h.slack.event(event).status == 200


def delete(h, message: tuple[str, str], user: str, text: str, *, thread_ts: str):
    channel, ts = message
    now = next_ts()
    event = {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "deleted_ts": ts,
        "channel": channel,
        "previous_message": person_message(user, text, ts, thread_ts),
        "event_ts": now,
        "ts": now,
        "channel_type": _kind(channel),
    }
    assert h.slack.event(event).status == 200


def copy_where(h, message: tuple[str, str]) -> tuple[str, str]:
    def stored():
        with h.db.read() as s:
            row = s.get(RelayedMessage, message)
            return (row.copy_channel, row.copy_ts) if row and row.copy_ts else None

    return poll(stored, what="the relayed copy remembered")


def emails(h) -> int:
    with h.db.read() as s:
        return s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.kind == "email.message"))


def comment_note(h, number: int, actor: str) -> str | None:
    return [e for e in events(h.db, number) if e.kind == "note" and e.actor_id == actor][-1].note


def test_the_authors_edit_updates_the_comment_and_its_copy_never_a_new_one(harness):
    h = harness
    staff(h)
    number = assigned(h)
    theirs, mine = card_where(h.db, "reporter", number), card_where(h.db, "engineer", number)
    said = write(h, REPORTER, theirs, "The tag is 4411")
    copy = copy_where(h, said)
    assert copy[0] == mine[0] and "4411" in h.fake.message(*copy)["text"]
    posted, mailed = len(replies(h.fake, mine)), emails(h)

    edit(h, said, REPORTER, "The tag is 4411", "The tag is 4417 <!channel>", thread_ts=theirs[1])
    poll(lambda: "4417" in h.fake.message(*copy)["text"], what="the copy updated in place")
    shown = h.fake.message(*copy)
    assert "(edited)" in shown["text"] and "<!channel>" not in shown["text"]  # still pings nobody
    assert shown["thread_ts"] == mine[1]
    assert comment_note(h, number, REPORTER) == "The tag is 4417 @channel"  # as plain text
    with h.db.read() as s:
        assert s.get(RelayedMessage, said).original_text == "The tag is 4411"
    h.services.after_ack.stop()
    assert len(replies(h.fake, mine)) == posted  # never relayed as a new comment
    assert len([e for e in events(h.db, number) if e.kind == "note"]) == 1
    assert emails(h) == mailed  # nobody emailed again


def test_a_deletion_removes_the_copy_and_marks_the_comment_deleted(harness):
    h = harness
    staff(h)
    number = assigned(h)
    theirs, mine = card_where(h.db, "reporter", number), card_where(h.db, "engineer", number)
    said = write(h, CARLOS, mine, "Please reboot")
    copy = copy_where(h, said)
    assert copy[0] == theirs[0]
    mailed = emails(h)
    delete(h, said, CARLOS, "Please reboot", thread_ts=mine[1])
    poll(lambda: copy in h.fake.deleted_messages, what="the copy deleted")
    assert h.fake.message(*copy) is None
    assert comment_note(h, number, CARLOS) is None
    with h.db.read() as s:
        row = s.get(RelayedMessage, said)
        assert row.deleted_at is not None and row.original_text == "Please reboot"
    # Slack then tells of the card's reply count changing, and of the bot's own copy deleted.
    card = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": "card", "ts": mine[1]}
    parent = {"type": "message", "subtype": "message_changed", "hidden": True, "message": card}
    parent |= {"channel": mine[0], "ts": next_ts(), "channel_type": "im", "previous_message": card}
    assert h.slack.event(parent).status == 200
    gone = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": "copy", "ts": copy[1]}
    assert (
        h.slack.event(
            {"type": "message", "subtype": "message_deleted", "hidden": True, "deleted_ts": copy[1]}
            | {"channel": copy[0], "ts": next_ts(), "channel_type": "im", "previous_message": gone}
        ).status
        == 200
    )
    h.services.after_ack.stop()
    assert emails(h) == mailed  # the email already sent stays sent; nothing new
    assert [c.params["ts"] for c in h.fake.calls("chat.delete")] == [copy[1]]


def test_edits_by_others_by_bots_and_unchanged_texts_change_nothing(harness):
    h = harness
    staff(h)
    number = assigned(h)
    theirs, mine = card_where(h.db, "reporter", number), card_where(h.db, "engineer", number)
    said = write(h, REPORTER, theirs, "original words")
    copy = copy_where(h, said)
    edit(h, said, REPORTER, "original words", "someone else's words", thread_ts=theirs[1], editor=ADMIN)
    edit(h, said, REPORTER, "original words", "original words", thread_ts=theirs[1])  # a link unfurled
    bot = person_message(REPORTER, "a bot's words", said[1], theirs[1]) | {"bot_id": "B0OTHER"}
    event = {"type": "message", "subtype": "message_changed", "hidden": True, "message": bot}
    assert h.slack.event(event | {"channel": said[0], "ts": next_ts(), "channel_type": "im"}).status == 200
    # A message in the thread that never became a comment (written before this feature).
    h.fake.add_message(theirs[0], "1799999999.000001", "old", REPORTER, thread_ts=theirs[1])
    edit(h, (theirs[0], "1799999999.000001"), REPORTER, "old", "new", thread_ts=theirs[1])
    h.services.after_ack.stop()  # every event handled
    assert comment_note(h, number, REPORTER) == "original words"
    with h.db.read() as s:
        assert s.get(RelayedMessage, said).edited_at is None
        synced = s.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.kind == "slack.relayed_copy")
        )
    assert synced == 0  # nothing for the copy to follow
    assert "original words" in h.fake.message(*copy)["text"]
    assert not any(c.params.get("ts") == copy[1] for c in h.fake.calls("chat.update")) and mine


def test_an_edit_in_the_triage_thread_updates_the_internal_copy(harness):
    h = harness
    staff(h)
    number = assigned(h)
    triage, mine = card_where(h.db, "triage", number), card_where(h.db, "engineer", number)
    said = write(h, ADMIN, triage, "check the switch on floor 2")
    copy = copy_where(h, said)
    assert copy[0] == mine[0]
    edit(h, said, ADMIN, "check the switch on floor 2", "check the switch on floor 3", thread_ts=triage[1])
    poll(lambda: "floor 3" in h.fake.message(*copy)["text"], what="the internal copy updated")
    assert "internal note" in h.fake.message(*copy)["text"]
    assert [e.visibility for e in events(h.db, number) if e.kind == "note"] == ["internal"]
