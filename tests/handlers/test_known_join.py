"""Join INC-… on the reporter's receipt card, clicked as Slack sends it: the reporter's ticket
joins the known issue (its cards then say "Part of INC-1"); anyone else, an incident resolved
since, a ticket staff kept out, are refused to the clicker alone and nothing changes. An emailed
ticket's receipt card in Slack offers it too."""

from __future__ import annotations

import json

from bot.app import web_client
from bot.mail_in import MailIn, MailOutcome
from handlers import ids
from storage.domain import Actor
from tests.bot.mail_in.conftest import fixture
from tests.conftest import ADMIN, REPORTER
from tests.handlers.kit import (
    CARLOS,
    MARIA,
    action_ids,
    card_showing,
    card_where,
    click_card,
    element,
    ephemerals,
    filed,
    poll,
    staff,
    ticket,
)

JOIN = "Join INC-1"


def told(h, user: str, text: str) -> None:
    poll(lambda: any(text in e for e in ephemerals(h.fake, user)), what=f"{user} told {text!r}")


def join_button(h, ticket_id: int) -> tuple[tuple[str, str], dict]:
    where = card_where(h.db, "reporter", ticket_id)
    card = card_showing(h.fake, where, "Known issue", JOIN)
    return where, element(card["blocks"], ids.KNOWN_JOIN)


def press(h, where, user: str, button: dict) -> None:
    answer = click_card(
        h.slack, ids.KNOWN_JOIN, user=user, channel=where[0], ts=where[1], value=button["value"]
    )
    assert answer.status == 200


def test_the_reporter_joins_from_the_receipt_and_nobody_else_may(harness):
    h = harness
    staff(h)
    h.services.incidents.declare(Actor(ADMIN), "VPN disconnecting at Bogota")
    new = filed(h, "VPN keeps disconnecting")  # as a :ticket: reaction or the shortcut files it
    where, button = join_button(h, new)
    assert button["value"] == f"{new}:1"
    for stranger in (CARLOS, ADMIN, MARIA):  # staff too: it is the reporter's choice
        press(h, where, stranger, button)
        told(
            h, stranger, "Only the person who reported TKT-000001 can join it to INC-1. Nothing was changed."
        )
    assert ticket(h.db, new).incident_id is None

    press(h, where, REPORTER, button)
    poll(lambda: ticket(h.db, new).incident_id == 1, what="joined")
    told(h, REPORTER, "TKT-000001 is now part of INC-1")
    card = card_showing(h.fake, where, "Part of *INC-1*")
    assert ids.KNOWN_JOIN not in action_ids(card["blocks"]) and "Known issue" not in json.dumps(card)
    summary = h.services.incidents.summary(1)
    assert (summary.tickets, summary.reporters) == (1, 1)
    press(h, where, REPORTER, button)  # a double click changes nothing
    poll(lambda: len([e for e in ephemerals(h.fake, REPORTER) if "now part of" in e]) == 2, what="told again")
    assert ticket(h.db, new).incident_id == 1


def test_an_incident_resolved_since_or_a_ticket_kept_out_cannot_be_joined(harness):
    h = harness
    staff(h)
    h.services.incidents.declare(Actor(ADMIN), "VPN disconnecting at Bogota")
    first = filed(h, "VPN keeps disconnecting")
    where, button = join_button(h, first)
    h.services.incidents.resolve(Actor(ADMIN), 1, "Gateway replaced")
    press(h, where, REPORTER, button)
    told(h, REPORTER, "INC-1 is resolved.")
    assert ticket(h.db, first).incident_id is None

    h.services.incidents.declare(Actor(ADMIN), "VPN disconnecting at Bogota again")  # INC-2
    second = filed(h, "VPN keeps disconnecting", reporter="U0ANA")
    h.services.tickets.assign(second, CARLOS, Actor(ADMIN))
    h.services.incidents.link(Actor(CARLOS), second, 2)
    mine = card_where(h.db, "reporter", second)
    card_showing(h.fake, mine, "Part of *INC-2*")
    h.services.incidents.keep_out(Actor(CARLOS), second)  # "not part of it after all"
    poll(lambda: "Part of" not in json.dumps(h.fake.message(*mine)), what="its card redrawn unlinked")
    assert "Known issue" not in json.dumps(h.fake.message(*mine))  # never offered it again
    press(h, mine, "U0ANA", {"value": f"{second}:2"})  # a card drawn before, clicked late
    told(h, "U0ANA", "TKT-000002 can no longer join INC-2")
    assert ticket(h.db, second).incident_id is None


def test_an_emailed_ticket_gets_the_same_receipt_card_in_slack(harness):
    h = harness
    staff(h)
    h.services.incidents.declare(Actor(ADMIN), "Printer on floor 3 offline")
    settings = h.runtime.settings
    mail_in = MailIn(h.services, settings, lambda: web_client(settings, retries=False))
    assert (
        mail_in.take(fixture("html_only_script.eml")) is MailOutcome.TAKEN
    )  # "Printer on floor 3 is offline"
    assert ticket(h.db, 1).reporter_id == REPORTER
    where, button = join_button(h, 1)
    press(h, where, REPORTER, button)
    poll(lambda: ticket(h.db, 1).incident_id == 1, what="joined")
    card_showing(h.fake, where, "Part of *INC-1*")
