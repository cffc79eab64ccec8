"""A reply in the thread of an incident's card, as Slack sends it (a `message` event over a
signed Events API request, the fake Slack behind the app): from staff, an update every linked
ticket's reporter hears once (DM thread and email) with ✅ on the message; from anyone else,
on a resolved incident, from a bot, as an edit, or as a retry, nothing more is sent."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from storage.domain import NOTE_MAX, Actor
from storage.models import IncidentEvent, OutboxRow
from tests.conftest import ADMIN, REPORTER
from tests.fakes.slack_api import BOT_USER_ID
from tests.handlers.kit import CARLOS, card_where, ephemerals, events, filed, poll, replies, staff
from tests.handlers.test_conversation import reacted, write
from tests.handlers.test_incident_actions import incident_card_where

REPORTERS = (REPORTER, "U0ANA", "U0BEA")
UPDATE = "The VPN gateway is back up: reconnect <!channel> <!subteam^S0IT|@it-team>"


def outage(h) -> tuple[list[int], tuple[str, str]]:
    """Three reporters' tickets linked to INC-1, every card posted: their ids and the incident card."""
    staff(h)
    tickets = [filed(h, "VPN down", reporter=r) for r in REPORTERS]
    incident, linked = h.services.incidents.declare_linking(Actor(ADMIN), "VPN outage", tickets)
    assert linked == len(tickets)
    for ticket_id in tickets:
        card_where(h.db, "reporter", ticket_id)
    return tickets, incident_card_where(h, incident.id)


def settled(h) -> None:
    """Every listener started has finished and every outbox row was delivered."""
    h.services.after_ack.stop()

    def pending() -> int:
        with h.db.read() as s:
            return s.scalar(select(func.count(OutboxRow.id)).where(OutboxRow.state == "pending"))

    poll(lambda: pending() == 0, what="the outbox delivered")


def notes(h, ticket_id: int) -> list:
    return [e for e in events(h.db, ticket_id) if e.kind == "note"]


def update_mails(h) -> list[str]:
    """Who was emailed an update (a public note meant for the reporter)."""
    with h.db.read() as s:
        rows = s.scalars(select(OutboxRow).where(OutboxRow.kind == "email.message")).all()
    return sorted(r.payload["to"].get("user", "") for r in rows if r.payload["template"] == "update")


def dm_replies(h, tickets: list[int], text: str) -> list[int]:
    """How many replies in each reporter's card thread say `text`."""
    return [sum(text in r for r in replies(h.fake, card_where(h.db, "reporter", t))) for t in tickets]


def updates(h) -> list[IncidentEvent]:
    with h.db.read() as s:
        return list(s.scalars(select(IncidentEvent).where(IncidentEvent.kind == "update")))


def test_a_staff_reply_in_the_thread_tells_every_reporter_once_and_gets_a_check(harness):
    h = harness
    tickets, card = outage(h)
    said = write(h, CARLOS, card, UPDATE)  # any engineer: the modal's rule
    poll(
        lambda: dm_replies(h, tickets, "The VPN gateway is back up") == [1, 1, 1], what="every reporter told"
    )
    poll(lambda: reacted(h, said), what="✅ on the engineer's message")
    settled(h)
    assert dm_replies(h, tickets, "The VPN gateway is back up") == [1, 1, 1]  # once each
    assert update_mails(h) == sorted(REPORTERS)  # and one email each
    for ticket_id in tickets:
        (note,) = notes(h, ticket_id)
        assert (note.actor_id, note.visibility) == (CARLOS, "public")
    shown = "".join(r for t in tickets for r in replies(h.fake, card_where(h.db, "reporter", t)))
    assert "<!channel>" not in shown and "<!subteam" not in shown  # it pings nobody
    (update,) = updates(h)
    assert (update.actor_id, update.message_ts) == (CARLOS, said[1])
    assert not any("Only staff" in e for e in ephemerals(h.fake, CARLOS))


def test_someone_not_staff_is_told_so_and_nothing_is_sent(harness):
    h = harness
    tickets, card = outage(h)
    said = write(h, REPORTER, card, "Is it fixed yet?")
    poll(
        lambda: "Only staff can post updates to INC-1; nothing was sent." in ephemerals(h.fake, REPORTER),
        what="why not",
    )
    settled(h)
    assert [notes(h, t) for t in tickets] == [[], [], []] and updates(h) == []
    assert update_mails(h) == [] and not reacted(h, said)
    (told,) = [c for c in h.fake.calls("chat.postEphemeral") if c.params.get("user") == REPORTER]
    assert told.params["thread_ts"] == card[1]  # beside the card's thread, only to them


def test_bots_edits_and_joins_are_ignored(harness):
    h = harness
    tickets, card = outage(h)
    write(h, BOT_USER_ID, card, "the bot's own line")
    write(h, "U0OTHER", card, "another bot", bot_id="B0OTHER")
    write(h, CARLOS, card, "edited", subtype="message_changed")
    write(h, CARLOS, card, "joined", subtype="channel_join")
    write(h, CARLOS, card, "the real update")
    poll(lambda: [e.note for e in updates(h)] == ["the real update"], what="only the person's update")
    settled(h)
    assert [e.note for e in updates(h)] == ["the real update"]
    assert [[n.note for n in notes(h, t)] for t in tickets] == [["the real update"]] * 3
    assert ephemerals(h.fake, "U0OTHER") == [] and ephemerals(h.fake, BOT_USER_ID) == []


def test_a_retry_of_the_same_message_posts_it_once(harness):
    h = harness
    tickets, card = outage(h)
    channel, ts = write(h, CARLOS, card, "only once")
    poll(lambda: len(updates(h)) == 1, what="the update")
    event = {"type": "message", "user": CARLOS, "text": "only once", "ts": ts, "channel": channel}
    event |= {"channel_type": "channel", "thread_ts": card[1], "event_ts": ts}
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert h.slack.event(event, headers=retry).status == 200  # this process saw it: dropped
    # The same retry landing on another process (which never saw that event id): handled again.
    body = {"token": "x", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback"}
    body |= {"event": event, "event_id": "Ev0OTHER0001", "event_time": 1800000000}
    assert h.slack.post(json.dumps(body).encode(), "application/json", headers=retry).status == 200
    settled(h)
    assert [e.note for e in updates(h)] == ["only once"]
    assert [[n.note for n in notes(h, t)] for t in tickets] == [["only once"]] * 3
    assert dm_replies(h, tickets, "only once") == [1, 1, 1] and update_mails(h) == sorted(REPORTERS)


def test_a_resolved_incident_or_a_too_long_update_is_refused_and_nothing_is_sent(harness):
    h = harness
    tickets, card = outage(h)
    write(h, CARLOS, card, "x" * (NOTE_MAX + 1))
    poll(
        lambda: any("An update to INC-1 holds at most" in e for e in ephemerals(h.fake, CARLOS)),
        what="too long",
    )
    h.services.incidents.resolve(Actor(ADMIN), 1, "Gateway replaced")
    write(h, ADMIN, card, "one more thing")
    poll(
        lambda: any("INC-1 is resolved" in e for e in ephemerals(h.fake, ADMIN)),
        what="resolved already",
    )
    settled(h)
    assert updates(h) == []
    assert all(n.note != "one more thing" for t in tickets for n in notes(h, t))


def test_a_refusal_speaks_spanish(harness_es):
    h = harness_es
    _, card = outage(h)
    write(h, REPORTER, card, "¿Ya funciona?")
    poll(
        lambda: any(
            "Solo el equipo de TI puede publicar novedades de INC-1" in e
            for e in ephemerals(h.fake, REPORTER)
        ),
        what="por qué no",
    )
