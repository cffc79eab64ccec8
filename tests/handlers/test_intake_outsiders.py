"""Messages written by someone of another organisation (Slack Connect) or another workspace of
an Enterprise Grid, filed with the shortcut or a :ticket: reaction: an outsider never becomes the
reporter (whose DM card and emails carry the ticket); whoever filed it does, the author quoted."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.conftest import ADMIN, REPORTER
from tests.handlers.kit import events
from tests.handlers.test_intake import HELP, TS, shortcut_modal, submit_prefilled, tickets
from tests.slack_requests import payload
from tests.waiting import wait_until

VENDOR = "U0VENDOR"  # Pat, of the vendor's organisation, in a Slack Connect channel
WRITTEN_BY = "Written by Pat Vendor (another organisation):"


@pytest.fixture
def settings(settings):
    return replace(settings, intake_channels=frozenset({HELP}))


def sent_to(h, user: str) -> list:
    return [c for c in h.fake.calls("chat.postMessage") if c.params.get("channel") == user]


def test_the_shortcut_on_a_slack_connect_message_makes_the_filer_the_reporter(harness):
    connect = payload("message_action_connect")
    view = shortcut_modal(harness, connect["message"]["text"], body=connect, author=VENDOR, user=REPORTER)
    assert "author" not in json.loads(view["private_metadata"])
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert blocks["description"]["initial_value"] == f"{WRITTEN_BY}\n{blocks['title']['initial_value']}"

    submit_prefilled(harness, view, user=REPORTER)
    (ticket,) = tickets(harness)
    assert ticket.reporter_id == REPORTER and ticket.description.startswith(WRITTEN_BY)
    assert [(e.kind, e.actor_id) for e in events(harness.db, ticket.id)] == [("created", REPORTER)]
    harness.fake.wait_for("chat.postMessage", lambda c: c.params["channel"] == REPORTER)
    harness.runtime.dispatcher.drain()
    assert sent_to(harness, VENDOR) == []
    assert [c for c in harness.fake.calls("users.info") if c.params["user"] == VENDOR] == []


def test_a_reaction_on_a_slack_connect_message_makes_the_reactor_the_reporter(harness):
    shared = payload("reaction_added") | {"is_ext_shared_channel": True}
    profile = {"real_name": "Pat Vendor", "display_name": "pat", "team": "T0VENDOR"}
    harness.fake.add_message(
        HELP, TS, "Gateway unreachable", user=VENDOR, team="T0VENDOR", user_team="T0VENDOR",
        source_team="T0VENDOR", user_profile=profile,
    )  # fmt: skip
    harness.slack.reaction(user=ADMIN, item_user=VENDOR, body=shared)
    (ticket,) = wait_until(lambda: tickets(harness), what="the ticket")
    assert ticket.reporter_id == ADMIN
    assert ticket.description == f"{WRITTEN_BY}\nGateway unreachable"
    harness.runtime.dispatcher.drain()
    assert sent_to(harness, VENDOR) == []


def test_in_a_grid_a_colleague_of_another_workspace_reports_and_an_outsider_does_not(harness):
    """The message says only the author's workspace; users.info says whether it is in our org."""
    grid = payload("reaction_added_grid")
    harness.fake.add_user("W0SIBLING", "sam", "Sam Sibling", enterprise_id="E0ACME", team_id="T0SIBLING")
    harness.fake.add_message(HELP, TS, "Printer offline", user="W0SIBLING", team="T0SIBLING")
    harness.slack.reaction(user=ADMIN, item_user="W0SIBLING", body=grid)
    (ticket,) = wait_until(lambda: tickets(harness), what="the ticket")
    assert ticket.reporter_id == "W0SIBLING" and ticket.description == "Printer offline"

    other = "1700000060.000100"
    harness.fake.add_user("W0STRANGER", "lee", "Lee Else", enterprise_id="E0ELSE", team_id="T0ELSE")
    harness.fake.add_message(HELP, other, "Cannot log in", user="W0STRANGER", team="T0ELSE")
    harness.slack.reaction(user=ADMIN, item_user="W0STRANGER", ts=other, event_id="Ev0000000101", body=grid)
    second = wait_until(lambda: tickets(harness)[1:], what="the second ticket")[0]
    assert second.reporter_id == ADMIN
    assert second.description == "Written by W0STRANGER (another organisation):\nCannot log in"


def test_a_message_that_names_no_team_asks_users_info_and_keeps_our_author(harness):
    harness.fake.add_message(HELP, TS, "Disk full", user=REPORTER, team=None)
    harness.slack.reaction(user=ADMIN)
    (ticket,) = wait_until(lambda: tickets(harness), what="the ticket")
    assert ticket.reporter_id == REPORTER
    (asked,) = harness.fake.calls("users.info")
    assert asked.params["user"] == REPORTER


def test_the_quote_in_spanish(harness_es):
    harness_es.fake.add_message(HELP, TS, "Sin VPN", user=VENDOR, user_team="T0VENDOR")
    harness_es.slack.reaction(user=ADMIN, item_user=VENDOR)
    (ticket,) = wait_until(lambda: tickets(harness_es), what="the ticket")
    assert ticket.description == f"Escrito por {VENDOR} (otra organización):\nSin VPN"
