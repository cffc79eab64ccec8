"""A message's words from wherever it keeps them: text, rich_text, section blocks, attachments
(the shapes alerting bots post, in tests/payloads/alert_*.json)."""

from __future__ import annotations

import pytest

from handlers.message_body import message_markup
from handlers.message_text import plain_text
from tests.slack_requests import payload


def words(message: dict) -> str:
    return plain_text(message_markup(message), {"U0CARLOS": "Carlos Pérez"}.get)


def test_a_grafana_alert_keeps_everything_in_its_attachment():
    assert words(payload("alert_grafana")).splitlines() == [
        "[FIRING:1] HighCPU db-1",
        "Firing",
        "",
        "Value: A=97.3",
        "Labels:",
        " - alertname = HighCPU",
        " - instance = db-1:9100",
        "Annotations:",
        " - summary = CPU > 95% for 5m",
    ]


def test_a_pagerduty_incident_keeps_its_fields_not_its_buttons():
    assert words(payload("alert_pagerduty")).splitlines() == [
        "#4521: Database connection pool exhausted",
        "Status: Triggered",
        "Urgency: High",
        "Service: Billing API",
        "Assigned: @Carlos Pérez",
    ]


def test_a_datadog_alert_adds_its_blocks_to_the_fallback_text_once():
    assert words(payload("alert_datadog")).splitlines() == [
        "Triggered: Disk usage above 90% on web-3",  # the text and the header said the same
        "Monitor: Disk usage above 90%",
        "Host: web-3",
        "Priority",
        "P2",
        "Value",
        "93.1%",
    ]


def test_an_attachment_with_only_a_fallback_says_the_fallback():
    message = {"text": "", "attachments": [{"fallback": "Build #12 failed", "color": "danger"}]}
    assert words(message) == "Build #12 failed"


def test_a_person_s_rich_text_is_read_only_when_text_is_empty():
    rich = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "user", "user_id": "U0CARLOS"},
                    {"type": "text", "text": " the <VPN> & "},
                    {"type": "link", "url": "https://status.example", "text": "status page"},
                    {"type": "emoji", "name": "fire"},
                ],
            },
            {
                "type": "rich_text_list",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "step one"}]},
                    {"type": "rich_text_section", "elements": [{"type": "broadcast", "range": "here"}]},
                ],
            },
        ],
    }
    assert words({"text": "", "blocks": [rich]}).splitlines() == [
        "@Carlos Pérez the <VPN> & status page:fire:",
        "• step one",
        "• @here",
    ]
    assert words({"text": "what they typed", "blocks": [rich]}) == "what they typed"


@pytest.mark.parametrize(
    "message",
    [
        {},
        {"text": None, "blocks": "nope", "attachments": {"a": 1}},
        {"blocks": [None, {"type": "section", "text": "bare"}], "attachments": [None, {"fields": [1, None]}]},
    ],
)
def test_odd_shapes_say_nothing_and_never_raise(message):
    assert message_markup(message) == ""
