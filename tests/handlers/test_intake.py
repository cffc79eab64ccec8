"""Tickets from a Slack message: the "Create ticket" shortcut and the :ticket: reaction."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest
from sqlalchemy import select

from handlers.intake import parse_source, source_metadata
from storage import outbox
from storage.models import OutboxRow, Ticket
from tests.conftest import ADMIN, REPORTER
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID
from tests.handlers.kit import CARLOS, card_where, events, submit_view, text_value
from tests.handlers.test_filing import mrkdwn_texts
from tests.waiting import wait_until

HELP = "C0HELP"  # an INTAKE_CHANNELS channel
ELSEWHERE = "C0RANDOM"
TS = "1700000050.000100"
PERMALINK = f"https://test.slack.com/archives/{HELP}/p1700000050000100"
HOSTILE = (
    "*Printer* on 3rd floor <@U0CARLOS> <!channel> <https://evil.example|click> &lt;script&gt;\n"
    "It says _paper jam_ but there is `none`. <!here>"
)


@pytest.fixture
def settings(settings):
    return replace(settings, intake_channels=frozenset({HELP}))


def tickets(h) -> list[Ticket]:
    with h.db.read() as s:
        return list(s.scalars(select(Ticket).order_by(Ticket.id)))


def thread_replies(h, channel: str = HELP, thread_ts: str = TS) -> list:
    return [
        c
        for c in h.fake.calls("chat.postMessage")
        if c.params.get("channel") == channel and c.params.get("thread_ts") == thread_ts
    ]


def assert_nothing_live(h) -> None:
    """No mention, @channel, link or tag the message had comes alive in anything the bot posted:
    every mrkdwn text and notification text (plain_text, e.g. a card's header, is never parsed)."""
    calls = h.fake.calls("chat.postMessage") + h.fake.calls("chat.update")
    assert calls
    shown = [c.params.get("text", "") for c in calls] + mrkdwn_texts([c.params.get("blocks") for c in calls])
    for text in shown:
        for live in ("<!channel>", "<!here>", "<@U0CARLOS>", "<https://evil", "|click>", "<script"):
            assert live not in text, text


def shortcut_modal(h, text: str = HOSTILE, **kwargs) -> dict:
    """The filing form the shortcut shows: opened as is, or (when users.info must name someone)
    opened as a note first and updated into the form."""
    answer = h.slack.message_shortcut(text, **kwargs)
    assert answer.status == 200 and not answer.body
    (call,) = h.fake.wait_for("views.open")
    assert call.params["trigger_id"] == "3333.4444.abcdef"
    if call.params["view"].get("callback_id") == "ticket_from_message":
        return call.params["view"]
    (update,) = h.fake.wait_for("views.update")
    return update.params["view"]


def submit_prefilled(h, view: dict, user: str = REPORTER, view_id: str = "V0FROMMSG"):
    """Submit the modal as opened, with its prefilled title and description unchanged."""
    blocks = {b["block_id"]: b for b in view["blocks"]}
    values = text_value("title", "title_value", blocks["title"]["element"]["initial_value"])
    values |= text_value(
        "description", "description_value", blocks["description"]["element"]["initial_value"]
    )
    option = {"text": {"type": "plain_text", "text": "printers"}, "value": "printers"}
    values["category"] = {"category_value": {"type": "static_select", "selected_option": option}}
    option = {"text": {"type": "plain_text", "text": "high"}, "value": "high"}
    values["priority"] = {"priority_value": {"type": "static_select", "selected_option": option}}
    return submit_view(h.slack, view, user, values, view_id=view_id)


# -- the message shortcut ----------------------------------------------------------------------


def test_source_metadata_round_trip_and_forgeries():
    message = {"ts": "1700000050.000100", "thread_ts": "1700000001.000001"}
    source = parse_source(source_metadata("C0HELP", message, "U0ANA"))
    assert source == {
        "channel": "C0HELP",
        "ts": "1700000050.000100",
        "thread_ts": "1700000001.000001",
        "author": "U0ANA",
    }
    assert parse_source("") == {} and parse_source("not json") == {} and parse_source("[1]") == {}
    assert parse_source('{"channel": "<!channel>", "ts": "1.2"}') == {}
    forged = parse_source('{"channel": "C1X", "ts": "1.2", "author": "<@U1>", "thread_ts": "x"}')
    assert forged == {"channel": "C1X", "ts": "1.2", "thread_ts": "1.2"}


def test_the_shortcut_opens_the_form_prefilled_with_the_message_as_plain_text(harness):
    view = shortcut_modal(harness)
    assert view["callback_id"] == "ticket_from_message" and view["title"]["text"] == "New ticket"
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    # Mentions by name (Carlos is known to Slack), links by label, entities unescaped, no marks.
    title = "Printer on 3rd floor @Carlos Pérez @channel click <script>"
    assert blocks["title"]["initial_value"] == title
    assert blocks["description"]["initial_value"] == (f"{title}\nIt says paper jam but there is none. @here")
    assert json.loads(view["private_metadata"]) == {
        "channel": HELP,
        "ts": TS,
        "thread_ts": None,
        "author": REPORTER,
    }


def test_a_long_first_line_is_clipped_on_a_word(harness):
    view = shortcut_modal(harness, "The VPN " + "keeps dropping " * 20 + "\nsecond line")
    title = view["blocks"][0]["element"]["initial_value"]
    assert len(title) <= 150 and title.endswith("…")
    assert title[:-1].split()[-1] in ("keeps", "dropping")  # no word cut in half


def test_filing_from_the_shortcut_keeps_the_source_and_answers_in_the_thread(harness):
    harness.fake.add_message(HELP, TS, HOSTILE, user=REPORTER)
    view = shortcut_modal(harness, user=ADMIN)  # an admin files Ana's message for her
    answer = submit_prefilled(harness, view, user=ADMIN)
    assert answer.status == 200 and not answer.body

    (ticket,) = tickets(harness)
    assert ticket.title == "Printer on 3rd floor @Carlos Pérez @channel click <script>"
    assert (ticket.source_channel, ticket.source_ts, ticket.reporter_id) == (HELP, TS, REPORTER)
    assert (ticket.category, ticket.priority) == ("printers", "high")
    (created,) = events(harness.db, ticket.id)
    assert created.kind == "created" and created.actor_id == ADMIN  # who filed it

    (reply,) = harness.fake.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == TS)
    assert reply.params["channel"] == HELP
    assert "TKT-000001" in reply.params["text"] and f"<@{REPORTER}>" in reply.params["text"]
    assert "Printer" not in reply.params["text"]  # the number, never the message's words again

    ticket = wait_until(lambda: (t := tickets(harness)[0]).source_permalink and t, what="permalink")
    assert ticket.source_permalink == PERMALINK and ticket.version == 1
    link = f"<{PERMALINK}|:speech_balloon: From a message>"
    for audience in ("triage", "reporter"):
        where = card_where(harness.db, audience)
        wait_until(
            lambda w=where: link in json.dumps(harness.fake.message(*w), ensure_ascii=False), what=audience
        )
    harness.runtime.dispatcher.drain()
    assert_nothing_live(harness)


def test_a_reply_in_a_thread_is_answered_in_that_thread(harness):
    root = "1700000001.000001"
    view = shortcut_modal(harness, "Same here, Outlook is down", thread_ts=root)
    submit_prefilled(harness, view)
    (reply,) = harness.fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == HELP)
    assert reply.params["thread_ts"] == root
    assert tickets(harness)[0].source_ts == TS  # the permalink still points at the reply itself
    (asked,) = harness.fake.wait_for("chat.getPermalink")
    assert asked.params["message_ts"] == TS


def test_a_bot_message_is_reported_by_whoever_used_the_shortcut(harness):
    view = shortcut_modal(harness, "Disk 91% full on db-1", user=ADMIN, author=None, bot_id="B0ALERTS")
    assert "author" not in json.loads(view["private_metadata"])
    submit_prefilled(harness, view, user=ADMIN)
    assert tickets(harness)[0].reporter_id == ADMIN


def test_when_the_bot_is_not_in_the_channel_the_reply_is_given_up_not_retried(harness):
    harness.fake.not_member_channels.add(HELP)
    submit_prefilled(harness, shortcut_modal(harness, "Monitor flickers"))
    dm = harness.fake.wait_for("chat.postMessage", lambda c: c.params["channel"] == REPORTER)
    assert "TKT-000001" in json.dumps(dm[0].params["blocks"])  # the number reached the reporter

    def source_row() -> OutboxRow | None:
        with harness.db.read() as s:
            row = s.scalars(select(OutboxRow).where(OutboxRow.kind == outbox.SLACK_SOURCE_REPLY)).one()
            return row if row.state != "pending" else None

    row = wait_until(source_row, what="the thread reply row settled")
    assert (row.state, row.attempts) == ("done", 0)  # settled at the first try: no retries, not dead
    failed = [c for c in harness.fake.calls("chat.postMessage") if c.failed]
    assert [c.error for c in failed] == ["not_in_channel"]


def test_a_forged_or_missing_source_files_a_plain_ticket(harness):
    view = shortcut_modal(harness, "Keyboard broken")
    view["private_metadata"] = json.dumps({"channel": "<!channel>", "ts": "x", "author": ADMIN})
    submit_prefilled(harness, view)
    (ticket,) = tickets(harness)
    assert ticket.source_channel is None and ticket.reporter_id == REPORTER
    harness.fake.wait_for("chat.postMessage", count=2)  # the two cards
    harness.runtime.dispatcher.drain()
    # No permalink asked for the forged source (the emails' links to the ticket's own cards are).
    asked = {(c.params["channel"], c.params["message_ts"]) for c in harness.fake.calls("chat.getPermalink")}
    (ticket,) = tickets(harness)
    own_cards = {
        (ticket.triage_channel, ticket.triage_ts),
        (ticket.reporter_dm_channel, ticket.reporter_dm_ts),
    }
    assert asked <= own_cards and thread_replies(harness) == []


def test_the_shortcut_in_spanish(harness_es):
    view = shortcut_modal(harness_es, "La impresora no imprime")
    assert view["title"]["text"] == "Nuevo ticket"
    submit_prefilled(harness_es, view)
    (reply,) = harness_es.fake.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == TS)
    assert reply.params["text"].startswith(":ticket: Registrado como *TKT-000001*")
    where = card_where(harness_es.db, "triage")
    wait_until(lambda: "Desde un mensaje" in json.dumps(harness_es.fake.message(*where)), what="link")


# -- the :ticket: reaction ---------------------------------------------------------------------


def test_a_ticket_reaction_in_an_intake_channel_files_the_message(harness):
    harness.fake.add_message(HELP, TS, HOSTILE, user=REPORTER)
    assert harness.slack.reaction(user=ADMIN).status == 200

    (ticket,) = wait_until(lambda: tickets(harness), what="the ticket")
    assert ticket.title == "Printer on 3rd floor @Carlos Pérez @channel click <script>"
    assert ticket.description.endswith("It says paper jam but there is none. @here")
    assert (ticket.category, ticket.priority, ticket.status) == ("other", "medium", "open")
    assert (ticket.reporter_id, ticket.request_key) == (REPORTER, f"msg:{HELP}:{TS}")
    assert [(e.kind, e.actor_id) for e in events(harness.db, ticket.id)] == [("created", ADMIN)]
    (read,) = harness.fake.calls("conversations.replies")
    assert (read.params["channel"], read.params["ts"], read.params["limit"]) == (HELP, TS, "1")

    (reply,) = harness.fake.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == TS)
    assert "TKT-000001" in reply.params["text"]
    wait_until(lambda: tickets(harness)[0].source_permalink == PERMALINK, what="permalink")
    harness.runtime.dispatcher.drain()
    assert_nothing_live(harness)


def test_a_second_reaction_or_a_retried_event_files_nothing_more(harness, caplog):
    harness.fake.add_message(HELP, TS, "Wi-Fi down in room 4", user=REPORTER)
    harness.slack.reaction(user=ADMIN, event_id="Ev1")
    wait_until(lambda: tickets(harness), what="the ticket")
    harness.fake.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == TS)

    with caplog.at_level(logging.INFO, logger="ticketbot.handlers"):
        harness.slack.reaction(user=CARLOS, event_id="Ev2")  # someone else reacts too
        harness.slack.reaction(user=ADMIN, event_id="Ev3", headers={"X-Slack-Retry-Num": "1"})
        wait_until(
            lambda: sum("already filed" in r.getMessage() for r in caplog.records) == 2,
            what="both reactions seen and ignored",
        )
    harness.runtime.dispatcher.drain()
    assert len(tickets(harness)) == 1
    assert len(thread_replies(harness)) == 1


def test_a_ticket_reaction_on_a_thread_reply_answers_in_that_thread(harness):
    root, reply_ts = "1700000001.000001", "1700000060.000100"
    harness.fake.add_message(HELP, root, "Anyone else without VPN?", user=CARLOS)
    harness.fake.add_message(HELP, reply_ts, "Me too since 9", user=REPORTER, thread_ts=root)
    harness.slack.reaction(ts=reply_ts, item_user=REPORTER)
    (reply,) = harness.fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == HELP)
    assert reply.params["thread_ts"] == root
    (ticket,) = tickets(harness)
    assert (ticket.title, ticket.source_ts, ticket.reporter_id) == ("Me too since 9", reply_ts, REPORTER)


def test_other_channels_other_emoji_and_the_bots_own_messages_are_ignored(harness):
    harness.fake.add_message(ELSEWHERE, TS, "Printer down", user=REPORTER)
    harness.fake.add_message(HELP, "1700000070.000100", "thumbs", user=REPORTER)
    harness.fake.add_message(HELP, "1700000080.000100", "Your ticket TKT-1", user=BOT_USER_ID, bot_id=BOT_ID)
    harness.slack.reaction(channel=ELSEWHERE, event_id="Ev1")
    harness.slack.reaction(ts="1700000070.000100", reaction="+1", event_id="Ev2")
    harness.slack.reaction(ts="1700000080.000100", item_user=BOT_USER_ID, event_id="Ev3")
    # Then one that counts: once it is filed, the others (sent before it) have long been dropped.
    harness.fake.add_message(HELP, TS, "Scanner jams", user=REPORTER)
    harness.slack.reaction(event_id="Ev4")
    harness.fake.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == TS)
    harness.runtime.dispatcher.drain()
    assert [t.title for t in tickets(harness)] == ["Scanner jams"]
    assert [c.params["ts"] for c in harness.fake.calls("conversations.replies")] == [TS]


def test_a_message_the_bot_cannot_read_files_nothing(harness, caplog):
    harness.fake.not_member_channels.add(HELP)
    with caplog.at_level(logging.WARNING, logger="ticketbot.handlers"):
        harness.slack.reaction()
        wait_until(lambda: any("is the bot in it" in r.getMessage() for r in caplog.records), what="warning")
    assert tickets(harness) == []


def test_a_message_without_words_still_files_a_ticket(harness):
    harness.fake.add_message(HELP, TS, "", user=REPORTER, files=[{"id": "F1"}])
    harness.slack.reaction()
    (ticket,) = wait_until(lambda: tickets(harness), what="the ticket")
    assert (ticket.title, ticket.description) == (
        "Ticket from a Slack message",
        "The message had no text; see the link to it.",
    )
