"""Resolving an incident as its reporters live it, through the real delivery: 100 linked tickets
closed in one action, each reporter told exactly once in Slack (their DM card's thread) and by
email, and asked "Was your problem solved?" once — also the reporter with five of the tickets."""

from __future__ import annotations

import json
from collections import Counter

from storage.domain import Actor
from storage.models import Ticket
from tests.bot.email.conftest import ADMIN, new_ticket

QUESTION = "csat_yes"


def _reporter_card(runtime, fake_slack, ticket_id: int) -> dict:
    """The reporter's DM card as it stands now (posted at filing, redrawn at the close)."""
    with runtime.db.read() as session:
        ticket = session.get(Ticket, ticket_id)
        return fake_slack.message(ticket.reporter_dm_channel, ticket.reporter_dm_ts)


def test_100_linked_tickets_resolved_at_once_each_reporter_told_once(runtime, smtp, fake_slack):
    services = runtime.services
    reporters = [f"U0R{n:03d}" for n in range(95)]
    for user in reporters:
        fake_slack.add_user(user, user.lower(), f"Reporter {user}", email=f"{user.lower()}@example.com")
    fake_slack.add_user("U0FIVE", "five", "Five Tickets", email="five@example.com")
    incident = services.incidents.declare(ADMIN, "VPN outage")
    linked = []
    for user in [*reporters, *["U0FIVE"] * 5]:
        ticket, _ = services.tickets.create(Actor(user, user.lower()), new_ticket("VPN down"))
        services.incidents.link(ADMIN, ticket.id, incident.id)
        linked.append(ticket.id)
    runtime.dispatcher.drain()
    replies_before = len(fake_slack.calls("chat.postMessage"))
    mails_before = len(smtp.messages())

    result = services.incidents.resolve(ADMIN, incident.id, "The VPN gateway was replaced")
    assert result.closed == 100
    runtime.dispatcher.drain()

    told = Counter(
        c.params["channel"]
        for c in fake_slack.calls("chat.postMessage")[replies_before:]
        if "thread_ts" in c.params and "gateway was replaced" in json.dumps(c.params) and not c.failed
    )
    told.pop("C0TRIAGE")  # the staff's triage cards' threads
    dm = {r: "D" + r[1:] for r in [*reporters, "U0FIVE"]}  # the app's DM with each
    assert told == Counter({**{dm[r]: 1 for r in reporters}, dm["U0FIVE"]: 5})  # once per ticket
    mails = Counter(
        m.rcpt_to
        for m in smtp.messages()[mails_before:]
        if m.subject.startswith("[TKT-") and "Closed" in m.subject
    )
    assert mails == Counter({**{f"{r.lower()}@example.com": 1 for r in reporters}, "five@example.com": 5})

    # "Was your problem solved?": once per reporter, on the first of the five for U0FIVE.
    for ticket_id in linked[:95]:
        assert json.dumps(_reporter_card(runtime, fake_slack, ticket_id)["blocks"]).count(QUESTION) == 1
    five = [_reporter_card(runtime, fake_slack, ticket_id) for ticket_id in linked[95:]]
    asked = [json.dumps(card["blocks"]).count(QUESTION) for card in five]
    assert asked == [1, 0, 0, 0, 0]
    first = f"TKT-{linked[95]:06d}"
    assert all(f"asked whether it is solved once, on *{first}*" in json.dumps(c) for c in five[1:])

    # Resolving again: a clear no-op, nobody told twice.
    calls, mails_now = len(fake_slack.calls("chat.postMessage")), len(smtp.messages())
    assert services.incidents.resolve(ADMIN, incident.id, "again").already
    runtime.dispatcher.drain()
    assert len(fake_slack.calls("chat.postMessage")) == calls and len(smtp.messages()) == mails_now
