"""Malformed, truncated and hostile payloads, signed: a clean answer, nothing changed, still up."""

from __future__ import annotations

import json
import logging
import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from handlers import ids
from handlers.malformed import problem
from storage.models import OutboxRow, Ticket
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


def outbox_count(harness) -> int:
    with harness.db.read() as s:
        return s.scalar(select(func.count()).select_from(OutboxRow))


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


# -- inner shapes: what each part of a payload should be, or anything else in its place ---------


def either(shape):
    """The field as Slack sends it, or any JSON value in its place."""
    return st.one_of(shape, json_values)


def fields(**optional):
    """An object with any subset of these fields, each of its shape or of any other."""
    return st.fixed_dictionaries({}, optional={name: either(shape) for name, shape in optional.items()})


ACTION_IDS = st.sampled_from(
    [
        *(ids.HOME_NEW_TICKET, ids.EXPORT_EXCEL, ids.ASSIGN, ids.WORK_START, ids.WORK_HOLD, ids.WORK_CLOSE),
        *(ids.WORK_NOTE, ids.REOPEN, ids.HOME_STATUS, ids.HOME_PRIORITY, ids.HOME_SEARCH, ids.HOME_NEXT),
        *(ids.CSAT_YES, ids.CSAT_NO, ids.CSAT_RATING, ids.CSAT_RATE),
    ]
)
VIEW_IDS = st.sampled_from(
    [
        *(ids.NEW_TICKET_VIEW, ids.MESSAGE_TICKET_VIEW, ids.HOLD_VIEW, ids.CLOSE_VIEW, ids.NOTE_VIEW),
        *(ids.CSAT_REOPEN_VIEW, ids.CSAT_RATE_VIEW),
    ]
)
# Values our own buttons carry: a ref, a ref and an engineer, a ref and a rating, a filter. No
# ticket exists in these tests, so none of them can change anything.
VALUES = st.sampled_from(["1:1", "1:1:U0CARLOS", "1:1:5", '{"scope": "all"}', "all", "open"])
USER = fields(id=st.sampled_from(["U0REPORTER", "U0ADMIN"]), username=st.text(max_size=8))
OPTION = fields(value=VALUES, text=json_values)
ACTION = fields(action_id=ACTION_IDS, block_id=json_values, value=VALUES, selected_option=OPTION)
ELEMENT = fields(value=st.text(max_size=20), selected_option=OPTION, type=json_values)
BLOCKS = st.sampled_from(["title", "description", "category", "priority", "note", "visibility", "rating"])
ACTIONS_OF_A_BLOCK = st.sampled_from(
    ["title_value", "description_value", "category_value", "priority_value", "note_value", "rating_value"]
)
STATE = fields(values=st.dictionaries(BLOCKS, either(st.dictionaries(ACTIONS_OF_A_BLOCK, either(ELEMENT)))))
METADATA = st.sampled_from(['{"t": 1, "v": 1, "home": null}', '{"channel": "C0HELP", "ts": "1.2"}', "", "{"])
VIEW = fields(
    id=st.just("V0FUZZ"),
    type=st.sampled_from(["modal", "home", "workflow_step"]),
    callback_id=VIEW_IDS,
    private_metadata=METADATA,
    state=STATE,
)
# Who, where: never an intake channel (a :ticket: there would rightly file a ticket).
ITEM = fields(type=st.just("message"), channel=st.just("C0ELSEWHERE"), ts=st.just("1700000050.000100"))
EVENT_TYPES = ["app_home_opened", "reaction_added", "message", "app_uninstalled", "workflow_step_execute"]
EVENT = fields(
    type=st.sampled_from(EVENT_TYPES),
    user=st.sampled_from(["U0REPORTER", "U0ADMIN"]),
    tab=st.sampled_from(["home", "messages"]),
    reaction=st.just(ids.INTAKE_REACTION),
    item=ITEM,
    item_user=json_values,
    bot_id=json_values,
    subtype=json_values,
)
MESSAGE = fields(
    text=nasty_text, user=st.just("U0REPORTER"), ts=st.just("1700000050.000100"), bot_id=json_values
)
COMMAND_WORDS = st.sampled_from(["", "help", "mine", "status TKT-000001", "export all", "digest on", "list"])


def shaped(name: str, dropped, **changes) -> dict:
    body = payload(name)
    for key in dropped:
        body.pop(key, None)
    body.update(changes)
    return body


INTERACTIONS = st.one_of(
    st.builds(
        lambda drop, actions, extra: shaped("block_actions", drop, actions=actions, **extra),
        st.sets(st.sampled_from(["user", "view", "container", "trigger_id", "actions"])),
        st.one_of(json_values, st.lists(either(ACTION), max_size=3)),
        fields(user=USER, view=VIEW, container=fields(type=st.just("message")), trigger_id=st.just("1.2.3")),
    ),
    st.builds(
        lambda drop, view, extra: shaped("view_submission", drop, view=view, **extra),
        st.sets(st.sampled_from(["user", "view", "type"])),
        either(VIEW),
        fields(user=USER, type=st.sampled_from(["view_submission", "view_closed"])),
    ),
    st.builds(
        lambda drop, extra: shaped("message_action", drop, **extra),
        st.sets(st.sampled_from(["user", "message", "channel", "trigger_id", "callback_id"])),
        fields(
            message=MESSAGE,
            channel=fields(id=st.just("C0HELP")),
            callback_id=st.just(ids.MESSAGE_SHORTCUT),
            user=USER,
            trigger_id=st.just("1.2.3"),
        ),
    ),
)
EVENTS = st.builds(
    lambda drop, extra: shaped("app_home_opened", drop, **extra),
    st.sets(st.sampled_from(["event", "event_id", "type"])),
    fields(event=EVENT, event_id=st.text(max_size=12), type=st.just("event_callback")),
)
COMMANDS = st.builds(
    lambda drop, extra: shaped("slash_command", drop, **extra),
    st.sets(st.sampled_from(["text", "user_id", "channel_id", "trigger_id", "response_url"])),
    fields(
        text=COMMAND_WORDS,
        user_id=st.just("U0REPORTER"),
        channel_id=st.just("C0GENERAL"),
        trigger_id=st.just("1.2.3"),
        response_url=json_values,
    ),
)
INNER = settings(FUZZ, max_examples=120)


def fuzz_inner_shapes(harness, caplog, bodies, send) -> None:
    """Each body signed and sent: a clean 2xx/4xx, no error logged. Then, once the work after
    the acks has run: still no error, and no ticket or outbox row written."""
    caplog.set_level(logging.WARNING)

    @INNER
    @given(body=bodies)
    def one(body):
        seen = len(caplog.records)
        answer = send(body)
        assert_clean(answer)
        if problem(body) is not None:
            assert answer.status == 400  # refused before any listener ran
        errors = [r.getMessage() for r in caplog.records[seen:] if r.levelno >= logging.ERROR]
        assert errors == [], body

    one()
    harness.services.after_ack.stop()  # waits for the work already started after each ack
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert (ticket_count(harness), outbox_count(harness)) == (0, 0)


def test_inner_shapes_of_interactions(harness, caplog):
    fuzz_inner_shapes(harness, caplog, INTERACTIONS, harness.slack.interaction)


def test_inner_shapes_of_events(harness, caplog):
    send = lambda body: harness.slack.post(json.dumps(body).encode(), "application/json")  # noqa: E731
    fuzz_inner_shapes(harness, caplog, EVENTS, send)


def test_inner_shapes_of_commands_sent_as_json(harness, caplog):
    """Slack sends a command as a form (strings only); Bolt takes a JSON body with `command` too."""
    send = lambda body: harness.slack.post(json.dumps(body).encode(), "application/json")  # noqa: E731
    fuzz_inner_shapes(harness, caplog, COMMANDS, send)


def test_a_block_action_without_an_action_id_is_refused_not_a_500(harness, caplog):
    """The shapes that made Bolt raise before any listener (HTTP 500 and a traceback)."""
    caplog.set_level(logging.WARNING)
    for actions in ([{}], [], ["x"], [None], "x", {"0": {}}):
        assert harness.slack.interaction(shaped("block_actions", (), actions=actions)).status == 400
    for view in ("x", [1], None, 5):
        assert harness.slack.interaction(shaped("view_submission", (), view=view)).status == 400
    untyped = payload("view_submission")
    del untyped["view"]["type"]
    assert harness.slack.interaction(untyped).status == 400
    for event in ("x", [1], None):
        answer = harness.slack.post(
            json.dumps(shaped("app_home_opened", (), event=event)).encode(), "application/json"
        )
        assert answer.status == 400
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert harness.slack.click(ids.HOME_NEW_TICKET).status == 200  # a well-formed click still works
