"""Malformed, truncated and hostile payloads, signed: a clean answer, nothing changed, still up."""

from __future__ import annotations

import json
import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from storage.models import Ticket
from tests.slack_requests import payload

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=50)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<!channel> =cmd|' /C calc'!A0",
            "<@U0ADMIN> <https://evil.example|click>",
            "\u202e\u0000\ud7ff\U0001f600" * 20,
            "TKT-999999999999999999",
            "mine " * 500,
            '=HYPERLINK("http://x")',
        ]
    ),
)


def ticket_count(harness) -> int:
    with harness.db.read() as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def assert_clean(answer) -> None:
    assert answer.status in (200, 400, 401, 404), answer
    assert b"Traceback" not in answer.body


@FUZZ
@given(text=nasty_text)
def test_slash_command_text(harness, text):
    answer = harness.slack.command(text)
    assert_clean(answer)
    assert answer.status == 200


@FUZZ
@given(
    values=st.dictionaries(
        st.sampled_from(["title", "description", "category", "priority", "x"]), json_values
    )
)
def test_view_submission_with_garbage_state(harness, values):
    body = payload("view_submission")
    body["view"]["state"]["values"] = values
    before = ticket_count(harness)
    answer = harness.slack.interaction(body)
    assert_clean(answer)
    assert answer.status == 200 and answer.json()["response_action"] == "errors"
    assert ticket_count(harness) == before


@FUZZ
@given(action_id=st.text(max_size=80), value=st.one_of(st.none(), st.text(max_size=200)))
def test_unknown_or_garbled_actions(harness, action_id, value):
    assert_clean(harness.slack.click(action_id, value))


@FUZZ
@given(body=json_values)
def test_arbitrary_json_and_form_bodies(harness, body):
    raw = json.dumps(body).encode()
    assert_clean(harness.slack.post(raw, "application/json"))
    form = urllib.parse.urlencode({"payload": json.dumps(body)}).encode()
    assert_clean(harness.slack.post(form, "application/x-www-form-urlencoded"))


def test_missing_fields_wrong_types_and_a_megabyte(harness):
    for mutilate in (
        lambda b: b.pop("view"),
        lambda b: b.pop("user"),
        lambda b: b["view"].update(state="not a dict"),
        lambda b: b["view"].update(id=12345),
        lambda b: b["view"]["state"].update(values={"title": {"title_value": {"value": ["a", "list"]}}}),
        lambda b: b["view"]["state"].update(values={"title": {"title_value": {"value": "x" * 1_000_000}}}),
    ):
        body = payload("view_submission")
        mutilate(body)
        assert_clean(harness.slack.interaction(body))
    assert_clean(harness.slack.post(b"{" * 1_000_000, "application/json"))
    assert_clean(harness.slack.post(b"payload=%7B%22type", "application/x-www-form-urlencoded"))
    assert ticket_count(harness) == 0
    assert harness.slack.command("help").status == 200  # still up


def test_a_retried_event_is_handled_once(harness):
    home = payload("app_home_opened")
    first = harness.slack.post(json.dumps(home).encode(), "application/json")
    retry = harness.slack.post(
        json.dumps(home).encode(),
        "application/json",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert (first.status, retry.status) == (200, 200)
    harness.fake.wait_for("views.publish")
    harness.slack.command("help")  # a later request: by now a second publish would have happened
    assert len(harness.fake.calls("views.publish")) == 1
