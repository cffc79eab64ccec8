"""The burst suggestion as Slack shows it: five similar tickets filed within minutes → one
message in the triage channel; a sixth redraws it; "Declare incident" (staff only) opens a
modal with a title offered and declares an incident with all of them linked."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from handlers import ids
from handlers.blocks.bursts import LISTED, burst_suggestion
from handlers.i18n import Translator
from storage import bursts, outbox
from storage.domain import Actor
from storage.models import OutboxRow
from storage.tickets import NewTicket
from tests.conftest import ADMIN, REPORTER, TRIAGE, _harness
from tests.handlers.kit import action_ids, card_showing, click_card, ephemerals, poll, submit_view, text_value
from tests.storage.test_bursts import VPN

HEADLINE = "tickets look like one problem"


@pytest.fixture
def harness(settings, db, fake_slack):
    """The running app with bursts on, as by default (the suite's settings turn them off)."""
    yield from _harness(replace(settings, similar_burst_count=5, similar_burst_minutes=15), db, fake_slack)


def file(h, title: str, description: str) -> int:
    new = NewTicket(title=title, description=description, category="network", priority="high")
    return h.services.tickets.create(Actor(REPORTER), new)[0].id


def suggestion_where(h) -> tuple[str, str]:
    def posted():
        shown = bursts.burst(h.db, 1)
        return (shown.channel, shown.ts) if shown and shown.ts else None

    return poll(posted, what="the burst suggestion")


def rows_done(h, kind: str) -> int:
    with h.db.read() as session:
        return session.scalar(
            select(func.count()).where(OutboxRow.kind == kind, OutboxRow.state == outbox.DONE)
        )


def checks_done(h) -> int:
    return rows_done(h, outbox.BURST_CHECK)


def suggestions_posted(h) -> list:
    return [c for c in h.fake.calls("chat.postMessage") if HEADLINE in c.params.get("text", "")]


def test_five_similar_tickets_get_one_suggestion_a_sixth_updates_it_and_staff_declare(harness):
    h = harness
    ids_ = [file(h, f"<!channel> {title}", description) for title, description in VPN[:5]]
    where = suggestion_where(h)
    assert where[0] == TRIAGE
    card = card_showing(h.fake, where, "5 tickets look like one problem", "TKT-000001", "TKT-000005")
    shown = json.dumps(card, ensure_ascii=False)
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert action_ids(card["blocks"]) == [ids.BURST_DECLARE]

    file(h, *VPN[5])
    card_showing(h.fake, where, "6 tickets look like one problem", "TKT-000006")
    assert len(suggestions_posted(h)) == 1  # updated in place, never posted anew

    click_card(h.slack, ids.BURST_DECLARE, user=REPORTER, channel=where[0], ts=where[1], value="1")
    poll(lambda: ephemerals(h.fake, REPORTER), what="the refusal")
    assert h.fake.calls("views.open") == []

    click_card(h.slack, ids.BURST_DECLARE, user=ADMIN, channel=where[0], ts=where[1], value="1")
    (opened,) = h.fake.wait_for("views.open")
    view = opened.params["view"]
    field = view["blocks"][0]["element"]
    assert field["initial_value"] == "<!channel> VPN keeps disconnecting"
    blank = submit_view(h.slack, view, ADMIN, text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "   "))
    assert blank.json()["response_action"] == "errors" and ids.NOTE_BLOCK in blank.json()["errors"]
    # Nothing declared by the blank title:
    assert bursts.burst(h.db, 1).incident is None
    answer = submit_view(h.slack, view, ADMIN, text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "VPN outage"))
    assert answer.status == 200 and not answer.body
    incident = h.services.incidents.summary(1)
    assert (incident.incident.title, incident.tickets) == ("VPN outage", 6)
    declared = card_showing(h.fake, where, "Declared as *INC-1*", "VPN outage")
    # The incident's card: posted once for the declare and its six links (one merged redraw).
    card_ts = poll(lambda: h.services.incidents.get(1).triage_ts, what="the incident card")
    poll(lambda: rows_done(h, outbox.SLACK_INCIDENT_CARD) == 7, what="its 7 rows done")
    assert len([c for c in h.fake.calls("chat.postMessage") if "Incident INC-1" in c.params["text"]]) == 1
    assert [c for c in h.fake.calls("chat.update") if c.params.get("ts") == card_ts] == []
    assert ids.BURST_DECLARE not in action_ids(declared["blocks"])
    assert len(suggestions_posted(h)) == 1
    assert ids_ == [1, 2, 3, 4, 5]

    # A second declare (a stale modal) changes nothing and says why.
    again = submit_view(h.slack, view, ADMIN, text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "Again"))
    assert "INC-1" in again.json()["errors"][ids.NOTE_BLOCK]
    assert h.services.incidents.summary(1).tickets == 6


def test_dissimilar_tickets_post_no_suggestion(harness):
    h = harness
    from tests.storage.test_bursts import OTHERS

    for title, description in OTHERS:
        file(h, title, description)
    poll(lambda: checks_done(h) == len(OTHERS), what="every filing checked")
    assert suggestions_posted(h) == [] and bursts.burst(h.db, 1) is None


def test_a_burst_of_many_stays_within_limits_in_spanish():
    members = tuple(bursts.Member(i, "<b>" * 60, None) for i in range(1, 41))
    message = burst_suggestion(Translator("es"), bursts.Burst(1, members, None, None, None)).as_kwargs()
    text = json.dumps(message, ensure_ascii=False)
    assert "40 tickets parecen un mismo problema" in text and "…y 25 más" in text
    assert text.count("TKT-") == LISTED
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"] if b["type"] == "section")
