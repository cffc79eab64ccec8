"""Filing a ticket from Slack, end to end: signed requests in, fake Slack Web API out."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from storage.models import Ticket
from storage.people import Profile
from tests.conftest import REPORTER, TRIAGE
from tests.waiting import wait_until


def tickets(h) -> list[Ticket]:
    with h.db.read() as s:
        return list(s.scalars(select(Ticket).order_by(Ticket.id)))


def mrkdwn_texts(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "mrkdwn" else []
        return found + [t for v in node.values() for t in mrkdwn_texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in mrkdwn_texts(v)]
    return []


def texts_of(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_slash_command_opens_the_filing_modal(harness):
    answer = harness.slack.command("")
    assert answer.status == 200 and not answer.body
    (call,) = harness.fake.wait_for("views.open")
    view = call.params["view"]
    assert call.params["trigger_id"] == "1111.2222.abcdef"
    assert view["title"]["text"] == "New ticket" and view["callback_id"] == "ticket_new"
    assert [b["block_id"] for b in view["blocks"]] == ["title", "description", "category", "priority"]
    priority = view["blocks"][3]["element"]
    assert priority["initial_option"]["value"] == "medium"
    assert [o["value"] for o in view["blocks"][2]["element"]["options"]] == [
        "hardware",
        "software",
        "network",
        "printers",
        "access",
        "other",
    ]


def test_the_word_payload_in_a_command_is_just_a_word(harness):
    """Bolt took any form body containing "payload" for an interaction: a 404 for the user."""
    answer = harness.slack.command("my payload is lost")
    assert answer.status == 200
    (call,) = harness.fake.wait_for("views.open")
    assert call.params["view"]["blocks"][0]["element"]["initial_value"] == "my payload is lost"


def test_slash_command_with_words_prefills_the_title(harness):
    harness.slack.command("VPN drops every hour")
    (call,) = harness.fake.wait_for("views.open")
    assert call.params["view"]["blocks"][0]["element"]["initial_value"] == "VPN drops every hour"


def test_the_prefilled_title_reads_mentions_links_and_entities_as_words(harness):
    """`should_escape: true` sends mentions and links as tokens and escapes &, <, >."""
    harness.slack.command(
        "<@U0CARLOS|carlos> cannot open <https://intranet.example/hr|the HR page> &amp; <@U0NOBODY> &lt;3"
    )
    (call,) = harness.fake.wait_for("views.open")
    title = call.params["view"]["blocks"][0]["element"]["initial_value"]
    assert title == "@carlos cannot open the HR page & @U0NOBODY <3"
    assert harness.fake.calls("users.info") == []  # no Slack call before the modal opens


def test_a_mention_without_its_name_is_named_from_the_users_table(harness):
    harness.services.people.remember(Profile("U0CARLOS", "carlos", "Carlos Pérez", None))
    harness.slack.command("<@U0CARLOS> says the printer is down")
    (call,) = harness.fake.wait_for("views.open")
    title = call.params["view"]["blocks"][0]["element"]["initial_value"]
    assert title == "@Carlos Pérez says the printer is down"


def test_submitting_files_a_ticket_posts_the_triage_card_and_dms_the_reporter(harness):
    answer = harness.slack.submit_new_ticket(
        title="Cannot reach my email", category="software", priority="high"
    )
    assert answer.status == 200 and not answer.body  # an empty 200 closes the modal
    (ticket,) = tickets(harness)
    assert (ticket.number, ticket.status, ticket.reporter_id) == ("TKT-000001", "open", REPORTER)

    triage = harness.fake.wait_for("chat.postMessage", lambda c: c.params["channel"] == TRIAGE)[0]
    dm = harness.fake.wait_for("chat.postMessage", lambda c: c.params["channel"] == REPORTER)[0]
    card = texts_of(triage.params["blocks"])
    for expected in (
        "TKT-000001 · Cannot reach my email",
        "Outlook says 401",
        f"<@{REPORTER}>",
        "Software",
        "High",
        "Open",
        "Nobody yet",
        "<!date^",
    ):
        assert expected in card
    assert "Your ticket TKT-000001 was received" in texts_of(dm.params["blocks"])

    ticket = wait_until(
        lambda: (t := tickets(harness)[0]).triage_ts and t.reporter_dm_ts and t, what="card ts"
    )
    assert ticket.triage_channel == TRIAGE and ticket.triage_ts.startswith("1")
    assert ticket.reporter_dm_channel.startswith("D") and ticket.version == 1


@pytest.mark.parametrize(
    ("fields", "block", "message"),
    [
        ({"title": "   "}, "title", "This field is required."),
        ({"title": "x" * 151}, "title", "under 150 characters"),
        ({"description": "d" * 3001}, "description", "under 3000 characters"),
        ({"description": ""}, "description", "This field is required."),
        ({"category": "forged-category"}, "category", "Please pick one of the options offered."),
        ({"priority": "p0"}, "priority", "Please pick one of the options offered."),
        ({"category": None}, "category", "Please pick one"),
    ],
)
def test_invalid_submissions_are_answered_in_the_modal_and_change_nothing(harness, fields, block, message):
    answer = harness.slack.submit_new_ticket(**fields)
    assert answer.status == 200
    body = answer.json()
    assert body["response_action"] == "errors"
    assert message in body["errors"][block]
    assert tickets(harness) == []
    assert harness.fake.calls("chat.postMessage") == []


def test_the_same_submission_twice_files_one_ticket(harness):
    assert harness.slack.submit_new_ticket(view_id="V0DOUBLE").status == 200
    assert harness.slack.submit_new_ticket(view_id="V0DOUBLE").status == 200
    assert len(tickets(harness)) == 1
    harness.fake.wait_for("chat.postMessage", count=2)
    harness.runtime.dispatcher.drain()
    assert len(harness.fake.calls("chat.postMessage")) == 2


def test_user_text_cannot_ping_a_channel_or_mention_anyone(harness):
    harness.slack.submit_new_ticket(
        title="<!channel> urgent <@U0BOSS>", description="a & b <https://evil|click>"
    )
    triage = harness.fake.wait_for("chat.postMessage", lambda c: c.params["channel"] == TRIAGE)[0]
    # Header blocks are plain_text (never parsed); every mrkdwn text and the fallback must be escaped.
    card = json.dumps([*mrkdwn_texts(triage.params["blocks"]), triage.params["text"]])
    assert "<!channel>" not in card and "<@U0BOSS>" not in card and "<https://evil" not in card
    assert "&lt;!channel&gt; urgent &lt;@U0BOSS&gt;" in card and "a &amp; b" in card


def test_help_lists_every_subcommand(harness):
    body = harness.slack.command("help").json()
    assert body["response_type"] == "ephemeral"
    for sub in ("/ticket mine", "/ticket help", "/ticket <title>"):
        assert sub in body["text"]


def test_mine_lists_the_reporters_tickets_newest_first_with_a_cap(harness):
    assert "not reported any tickets" in harness.slack.command("mine").json()["text"]
    for i in range(17):
        harness.slack.submit_new_ticket(title=f"Problem {i}", view_id=f"V{i}")
    harness.slack.submit_new_ticket(title="Someone else's", view_id="Vother", user="U0MARIA")
    body = harness.slack.command("mine").json()
    assert body["response_type"] == "ephemeral"
    text = texts_of(body["blocks"])
    assert "Your tickets* (17)" in text and "Someone else" not in text
    assert text.index("Problem 16") < text.index("Problem 15") and 'Problem 1"' not in text
    assert "and 2 more" in text


def test_app_home_shows_new_ticket_button_and_own_tickets(harness):
    harness.slack.submit_new_ticket(title="Laptop will not boot")
    assert harness.slack.home_opened().status == 200
    (call,) = harness.fake.wait_for("views.publish")
    assert call.params["user_id"] == REPORTER
    home = texts_of(call.params["view"])
    assert "home_new_ticket" in home and "Laptop will not boot" in home and "TKT-000001" in home

    harness.slack.click("home_new_ticket")
    (opened,) = harness.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == "ticket_new"


def test_forged_signature_and_old_timestamp_get_401_and_change_nothing(harness):
    from urllib.parse import urlencode

    from tests.slack_requests import payload

    body = urlencode(payload("slash_command")).encode()
    forged = harness.slack.post(body, "application/x-www-form-urlencoded", secret="not-the-secret")
    stale = harness.slack.post(body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 6 * 60)
    assert (forged.status, stale.status) == (401, 401)
    view = json.dumps(payload("view_submission"))
    assert harness.slack.post(view.encode(), "application/json", secret="bad").status == 401
    assert harness.fake.calls() == [] and tickets(harness) == []


def test_healthz_answers_once_the_database_does(harness):
    import urllib.request

    with urllib.request.urlopen(harness.url + "/healthz", timeout=5) as response:
        assert response.status == 200 and response.read() == b"ok\n"


def test_spanish_workspace(harness_es):
    harness_es.slack.command("")
    view = harness_es.fake.wait_for("views.open")[0].params["view"]
    assert view["title"]["text"] == "Nuevo ticket"
    labels = [o["text"]["text"] for o in view["blocks"][3]["element"]["options"]]
    assert labels == ["Baja", "Media", "Alta", "Crítica"]
    harness_es.slack.submit_new_ticket(category="network")
    dm = harness_es.fake.wait_for("chat.postMessage", lambda c: c.params["channel"] == REPORTER)[0]
    assert "Recibimos tu ticket TKT-000001" in texts_of(dm.params["blocks"])
    assert "Abierto" in texts_of(dm.params["blocks"]) and "Redes" in texts_of(dm.params["blocks"])
