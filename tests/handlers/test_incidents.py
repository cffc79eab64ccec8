"""Incidents as Slack sees them: the commands, the incident's card and its buttons, the
"Part of INC-1" line on a linked ticket's cards, an update and a resolve reaching reporters."""

from __future__ import annotations

import json

from handlers import ids
from handlers.blocks.incidents import incident_card
from handlers.i18n import Translator
from storage.domain import Actor
from storage.incident_reads import CARD_LISTED
from tests.conftest import ADMIN, REPORTER, TRIAGE
from tests.handlers.kit import (
    CARLOS,
    card_showing,
    card_where,
    click_card,
    element,
    filed,
    poll,
    replies,
    staff,
    submit_view,
    text_value,
    ticket,
)

NOT_ALLOWED = "You are not allowed to do that."


def said(answer) -> str:
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    return body["text"]


def incident_card_where(h, incident_id: int = 1) -> tuple[str, str]:
    def posted():
        incident = h.services.incidents.get(incident_id)
        return (incident.triage_channel, incident.triage_ts) if incident.triage_ts else None

    return poll(posted, what="the incident card")


def test_commands_are_staff_only_and_cards_say_part_of(harness):
    h = harness
    staff(h)
    first, second = filed(h), filed(h, "VPN slow")
    assert "Usage" in said(h.slack.command("incident"))
    assert said(h.slack.command("incident new VPN outage", user=REPORTER)) == NOT_ALLOWED
    answer = said(h.slack.command("incident new VPN <!channel> outage TKT-000001", user=ADMIN))
    assert answer == "Declared *INC-1*: VPN &lt;!channel&gt; outage"
    assert "INC-1" in said(h.slack.command("link TKT-000002 INC-1", user=CARLOS))
    h.services.incidents.declare(Actor(ADMIN), "Mail outage")
    assert said(h.slack.command("link TKT-000002 INC-2", user=ADMIN)) == (
        "TKT-000002 is already part of INC-1: unlink it first."
    )
    assert said(h.slack.command("link TKT-000002 INC-1", user=REPORTER)) == NOT_ALLOWED
    assert said(h.slack.command("unlink TKT-000002", user=REPORTER)) == NOT_ALLOWED
    assert ticket(h.db, second).incident_id == 1

    where = incident_card_where(h)
    assert where[0] == TRIAGE
    card = card_showing(h.fake, where, "INC-1", "2 (2 still open)", "TKT-000001", "TKT-000002")
    assert "<!channel>" not in card["text"]  # the notification text is mrkdwn; the header is plain
    triage = card_where(h.db, "triage", first)
    card_showing(h.fake, triage, "Part of *INC-1* (Investigating)")

    assert "no longer part" in said(h.slack.command("unlink TKT-000002", user=ADMIN))
    card_showing(h.fake, where, "1 (1 still open)")


def test_update_and_resolve_from_the_card_reach_every_reporter(harness):
    h = harness
    staff(h)
    reporters = ["U0REPORTER", "U0MARIA", "U0JORGE"]
    linked = [filed(h, reporter=r) for r in reporters]
    incident = h.services.incidents.declare(Actor(ADMIN), "VPN outage")
    for ticket_id in linked:
        h.services.incidents.link(Actor(ADMIN), ticket_id, incident.id)
    dms = [card_where(h.db, "reporter", t) for t in linked]
    where = incident_card_where(h)
    card = card_showing(h.fake, where, "3 (3 still open)")

    click_card(h.slack, ids.INCIDENT_UPDATE, user=ADMIN, channel=where[0], ts=where[1], value="1")
    (opened,) = h.fake.wait_for("views.open")
    view = opened.params["view"]
    submitted = submit_view(
        h.slack, view, ADMIN, text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "Gateway <rebooting>")
    )
    assert submitted.status == 200
    for dm in dms:
        poll(lambda dm=dm: [r for r in replies(h.fake, dm) if "Gateway" in r], what="the update in each DM")
        assert len([r for r in replies(h.fake, dm) if "Gateway" in r]) == 1

    status = element(card["blocks"], ids.INCIDENT_STATUS)
    chosen = next(o["value"] for o in status["options"] if o["value"].endswith("identified"))
    click_card(h.slack, ids.INCIDENT_STATUS, user=ADMIN, channel=where[0], ts=where[1], selected=chosen)
    card_showing(h.fake, where, "Identified")

    click_card(h.slack, ids.INCIDENT_RESOLVE, user=ADMIN, channel=where[0], ts=where[1], value="1")
    opened = h.fake.wait_for("views.open", count=2)[-1]
    submit_view(
        h.slack, opened.params["view"], ADMIN, text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "Replaced it")
    )
    resolved = card_showing(h.fake, where, "Resolved", "Replaced it")
    assert ids.INCIDENT_RESOLVE not in json.dumps(resolved["blocks"])
    poll(lambda: all(ticket(h.db, t).status == "closed" for t in linked), what="every ticket closed")
    assert said(h.slack.command("link TKT-000001 INC-1", user=ADMIN)) == "INC-1 is resolved."
    again = h.services.incidents.resolve(Actor(ADMIN), 1, "Replaced it")
    assert (again.already, again.closed) == (True, 0)


def test_the_card_of_an_incident_with_500_tickets_stays_within_limits(harness):
    h = harness
    incident = h.services.incidents.declare(Actor(ADMIN), "x" * 150)
    with h.db.transaction() as session:
        from storage.models import Ticket, User

        session.add(User(slack_id="U0MANY"))
        for n in range(500):
            session.add(
                Ticket(
                    reporter_id="U0MANY",
                    title=f"t{n}",
                    description="d",
                    category="network",
                    incident_id=incident.id,
                )
            )
    message = incident_card(Translator("en"), h.services.incidents.summary(incident.id)).as_kwargs()
    assert len(message["blocks"]) <= 50
    text = json.dumps(message, ensure_ascii=False)
    assert "…and 490 more" in text and text.count("TKT-") == CARD_LISTED
    assert all(len(b["text"]["text"]) <= 150 for b in message["blocks"] if b["type"] == "header")
