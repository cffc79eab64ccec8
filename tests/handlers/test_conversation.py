"""The ticket is a conversation: messages in the threads of its cards, over signed Events API
requests to the app and the fake Slack behind it."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from storage.domain import Actor, Visibility
from storage.models import OutboxRow
from tests.conftest import ADMIN, REPORTER
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID
from tests.handlers.kit import (
    CARLOS,
    MARIA,
    assigned,
    card_where,
    click_card,
    events,
    everything_sent_to,
    filed,
    poll,
    replies,
    staff,
    ticket,
)

SECRET = "admin password is hunter2"
_counter = iter(range(1, 10_000))


def write(h, user: str, where: tuple[str, str] | None, text: str, *, channel: str | None = None, **fields):
    """`user` writes `text` in the thread of the card at `where` (None: a plain DM to the bot);
    the message exists in the fake Slack too, so reactions land on it."""
    n = next(_counter)
    ts = f"1800000000.{n:06d}"
    channel = channel or (where[0] if where else "D" + user[1:])
    event = {"type": "message", "user": user, "text": text, "ts": ts, "channel": channel}
    event["channel_type"] = "im" if channel.startswith("D") else "channel"
    event["event_ts"] = ts
    if where:
        event["thread_ts"] = where[1]
    event.update(fields)
    h.fake.add_message(channel, ts, text, user, **({"thread_ts": where[1]} if where else {}))
    answer = h.slack.event(event)
    assert answer.status == 200
    return channel, ts


def reacted(h, message: tuple[str, str]) -> bool:
    found = h.fake.message(*message) or {}
    return any(r["name"] == "white_check_mark" for r in found.get("reactions", []))


def emails(h) -> list[tuple[str, dict]]:
    with h.db.read() as s:
        rows = s.scalars(select(OutboxRow).where(OutboxRow.kind == "email.message").order_by(OutboxRow.id))
        return [(r.payload["template"], r.payload["to"]) for r in rows]


def notes(h, ticket_id: int = 1):
    return [e for e in events(h.db, ticket_id) if e.kind == "note"]


def test_reporter_and_engineer_talk_through_their_card_threads(harness):
    h = harness
    staff(h)
    number = assigned(h)
    mine, theirs = card_where(h.db, "engineer", number), card_where(h.db, "reporter", number)
    triage = card_where(h.db, "triage", number)

    # The engineer asks; the reporter reads it in their card's thread, and by email.
    asked = write(h, CARLOS, mine, "Can you send me the asset tag?")
    poll(lambda: any("Can you send me the asset tag?" in r for r in replies(h.fake, theirs)), what="relay")
    relay = next(r for r in replies(h.fake, theirs) if "asset tag" in r)
    assert f"<@{CARLOS}> (engineer) wrote:" in relay
    poll(lambda: reacted(h, asked), what="✅ on the engineer's message")
    assert ("update", {"user": REPORTER}) in emails(h)
    assert not any("asset tag" in r for r in replies(h.fake, mine))  # never echoed back

    # The reporter answers under their card: a public comment, to the engineer's thread and email.
    answered = write(h, REPORTER, theirs, "It is 4411 <!channel> <!subteam^S0IT|@it-team>")
    poll(lambda: any("4411" in r for r in replies(h.fake, mine)), what="relay to the engineer")
    relay = next(r for r in replies(h.fake, mine) if "4411" in r)
    assert f"<@{REPORTER}> (reporter) wrote:" in relay
    assert "<!channel>" not in relay and "<!subteam" not in relay  # never pings anyone
    poll(lambda: reacted(h, answered), what="✅ on the reporter's message")
    assert ("comment", {"user": CARLOS}) in emails(h)
    said = notes(h, number)
    assert [(e.actor_id, e.visibility) for e in said] == [(CARLOS, "public"), (REPORTER, "public")]
    assert not any("4411" in r for r in replies(h.fake, triage))  # the engineer has it

    # The staff room: an internal note, shown to the engineer, never to the reporter.
    write(h, ADMIN, triage, SECRET)
    poll(lambda: any(SECRET in r for r in replies(h.fake, mine)), what="internal note to the engineer")
    assert notes(h, number)[-1].visibility == Visibility.INTERNAL.value
    internal = notes(h, number)[-1].id
    h.services.tickets.close(number, Actor(CARLOS), "Replaced the cable")
    poll(lambda: any("Replaced the cable" in r for r in replies(h.fake, theirs)), what="the close")
    assert SECRET not in everything_sent_to(h.fake, REPORTER)
    with h.db.read() as s:
        mailed = s.scalars(select(OutboxRow).where(OutboxRow.kind == "email.message")).all()
    assert not [r for r in mailed if r.payload["event_id"] == internal]  # nobody, the reporter least


def test_with_nobody_assigned_the_reporter_writes_to_the_triage_thread(harness):
    h = harness
    number = filed(h)
    theirs, triage = card_where(h.db, "reporter", number), card_where(h.db, "triage", number)
    write(h, REPORTER, theirs, "Any news?")
    poll(lambda: any("Any news?" in r for r in replies(h.fake, triage)), what="relay to triage")
    assert ("comment", {"user": ADMIN}) in emails(h)


def test_bots_the_bot_itself_and_other_subtypes_are_ignored(harness):
    h = harness
    number = filed(h)
    theirs = card_where(h.db, "reporter", number)
    write(h, BOT_USER_ID, theirs, "the bot's own line")
    write(h, "U0OTHER", theirs, "another bot", bot_id="B0OTHER")
    write(h, REPORTER, theirs, "edited", subtype="message_changed")
    write(h, REPORTER, theirs, "joined", subtype="channel_join")
    write(h, REPORTER, theirs, "the real one")
    poll(lambda: [e.note for e in notes(h, number)] == ["the real one"], what="only the person's line")
    assert BOT_ID  # the fake's bot, whose messages carry its bot_id


def test_a_reply_on_a_closed_ticket_reopens_it_within_the_window(harness):
    h = harness
    staff(h)
    number = assigned(h)
    theirs, mine = card_where(h.db, "reporter", number), card_where(h.db, "engineer", number)
    h.services.tickets.close(number, Actor(CARLOS), "Replaced the cable")
    write(h, REPORTER, theirs, "It is back")
    poll(lambda: ticket(h.db, number).status == "open", what="reopened")
    poll(lambda: any("It is back" in r for r in replies(h.fake, mine)), what="engineer told")


def test_after_the_window_the_reporter_is_offered_a_new_ticket(harness):
    h = harness
    staff(h)
    number = assigned(h)
    theirs = card_where(h.db, "reporter", number)
    h.services.tickets.close(number, Actor(CARLOS), "Replaced the cable")
    clock = h.services.tickets.clock
    h.services.tickets.clock = lambda: clock() + timedelta(days=8)
    try:
        write(h, REPORTER, theirs, "My printer is jammed now\nFloor 3")
        answer = poll(
            lambda: next(
                (
                    c
                    for c in h.fake.calls("chat.postMessage")
                    if "more than 7 days" in c.params.get("text", "")
                ),
                None,
            ),
            what="the too-late answer",
        )
    finally:
        h.services.tickets.clock = clock
    assert ticket(h.db, number).status == "closed" and notes(h, number) == []
    assert answer.params["thread_ts"] == theirs[1]
    button = (
        json.loads(answer.params["blocks"])[1]["elements"][0]
        if isinstance(answer.params["blocks"], str)
        else answer.params["blocks"][1]["elements"][0]
    )
    assert button["action_id"] == "message_new_ticket" and button["value"].startswith("My printer")
    before = len(h.fake.calls("views.open"))
    click_card(
        h.slack, "message_new_ticket", user=REPORTER, channel=theirs[0], ts=theirs[1], value=button["value"]
    )
    view = h.fake.wait_for("views.open", count=before + 1)[-1].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert "My printer is jammed now" in json.dumps(view)


def test_a_plain_dm_gets_new_ticket_and_the_open_tickets(harness):
    h = harness
    filed(h, title="VPN drops")
    write(h, REPORTER, None, "hello, my mouse is broken")
    answer = poll(
        lambda: next(
            (c for c in h.fake.calls("chat.postMessage") if "I read the threads" in c.params.get("text", "")),
            None,
        ),
        what="the answer to a plain DM",
    )
    shown = json.dumps(answer.params.get("blocks"))
    assert "TKT-000001" in shown and "message_new_ticket" in shown and "my mouse is broken" in shown
    assert notes(h) == []


def test_someone_else_in_the_triage_thread_is_told_why_not(harness):
    h = harness
    number = filed(h)
    triage = card_where(h.db, "triage", number)
    write(h, MARIA, triage, "let me see")  # not an engineer yet
    poll(
        lambda: any(
            "Only the people on" in c.params.get("text", "") for c in h.fake.calls("chat.postEphemeral")
        ),
        what="why not",
    )
    assert notes(h, number) == []


def test_a_retry_of_a_message_already_handled_adds_nothing(harness):
    h = harness
    number = filed(h)
    theirs = card_where(h.db, "reporter", number)
    channel, ts = write(h, REPORTER, theirs, "only once")
    poll(lambda: len(notes(h, number)) == 1, what="the comment")
    event = {"type": "message", "user": REPORTER, "text": "only once", "ts": ts, "channel": channel}
    event |= {"channel_type": "im", "thread_ts": theirs[1]}
    assert (
        h.slack.event(event, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"}).status
        == 200
    )
    h.services.after_ack.stop()  # whatever was started has finished
    assert [e.note for e in notes(h, number)] == ["only once"]


def test_a_long_message_is_relayed_in_sections_within_block_kit_limits(harness):
    h = harness
    staff(h)
    number = assigned(h)
    theirs, mine = card_where(h.db, "reporter", number), card_where(h.db, "engineer", number)
    # Slack sends what people typed with <, > and & as entities: 3000 characters of "<b> & ".
    write(h, REPORTER, theirs, "&lt;b&gt; &amp; " * 500)

    def relayed():
        return next(
            (
                c
                for c in h.fake.calls("chat.postMessage")
                if c.params.get("thread_ts") == mine[1] and "(reporter)" in c.params.get("text", "")
            ),
            None,
        )

    call = poll(relayed, what="the relay")
    blocks = call.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    assert len(blocks) > 1 and all(len(b["text"]["text"]) <= 3000 for b in blocks)
    shown = "".join(b["text"]["text"] for b in blocks)
    assert "<b>" not in shown and shown.count("&lt;b&gt;") == 500


def test_relays_speak_spanish(harness_es):
    h = harness_es
    staff(h)
    number = assigned(h)
    theirs, mine = card_where(h.db, "reporter", number), card_where(h.db, "engineer", number)
    write(h, REPORTER, theirs, "Hola")
    poll(lambda: any(f"<@{REPORTER}> (usuario) escribió:" in r for r in replies(h.fake, mine)), what="relay")
