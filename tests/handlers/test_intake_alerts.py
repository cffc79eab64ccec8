"""Alerts from other bots filed as tickets: their title and description come from attachments and
blocks when `text` is empty or only a fallback (tests/payloads/alert_*.json)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import ADMIN
from tests.handlers.test_intake import HELP, TS, shortcut_modal, tickets
from tests.slack_requests import payload
from tests.waiting import wait_until


@pytest.fixture
def settings(settings):
    return replace(settings, intake_channels=frozenset({HELP}))


def test_a_reaction_on_a_grafana_alert_files_its_attachment(harness):
    alert = payload("alert_grafana")
    harness.fake.add_message(HELP, TS, **{k: v for k, v in alert.items() if k != "ts"})
    harness.slack.reaction(user=ADMIN, item_user="")
    (ticket,) = wait_until(lambda: tickets(harness), what="the ticket")
    assert ticket.title == "[FIRING:1] HighCPU db-1" and ticket.reporter_id == ADMIN
    assert "instance = db-1:9100" in ticket.description and "CPU > 95% for 5m" in ticket.description


def test_the_shortcut_on_a_pagerduty_incident_prefills_title_and_fields(harness):
    alert = payload("alert_pagerduty")
    fields = {k: v for k, v in alert.items() if k not in ("text", "ts", "type")}
    view = shortcut_modal(harness, alert["text"], user=ADMIN, author=None, **fields)
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert blocks["title"]["initial_value"] == "#4521: Database connection pool exhausted"
    assert blocks["description"]["initial_value"].endswith("Service: Billing API\nAssigned: @Carlos Pérez")


def test_a_datadog_alert_keeps_its_fallback_as_the_title_and_adds_the_details(harness):
    alert = payload("alert_datadog")
    fields = {k: v for k, v in alert.items() if k not in ("text", "ts", "type")}
    view = shortcut_modal(harness, alert["text"], user=ADMIN, author=None, **fields)
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert blocks["title"]["initial_value"] == "Triggered: Disk usage above 90% on web-3"
    assert "Host: web-3" in blocks["description"]["initial_value"]
    assert "Mute" not in blocks["description"]["initial_value"]
