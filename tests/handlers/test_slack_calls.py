"""Listeners answer Slack before calling Slack, and their Web API calls survive a 429 or a 5xx."""

from __future__ import annotations

import time

from tests.conftest import REPORTER
from tests.handlers.kit import CARLOS, MARIA, assigned, card_where, click_card, element, fresh_card, staff


def test_a_click_is_answered_before_any_slack_call_finishes(harness):
    h = harness
    staff(h)
    assigned(h)
    mine = card_where(h.db, "engineer")
    close = element(fresh_card(h, mine)["blocks"], "ticket_close")["value"]

    def slow_views_open(params):
        time.sleep(1.5)
        return {"view": {"id": "V0SLOW", **params["view"]}}

    h.fake.on("views.open", slow_views_open)
    started = time.monotonic()
    answer = click_card(h.slack, "ticket_close", user=CARLOS, channel=mine[0], ts=mine[1], value=close)
    assert answer.status == 200 and time.monotonic() - started < 1.0
    h.fake.wait_for("views.open", timeout=5)


def test_rate_limits_and_server_errors_are_retried(harness):
    h = harness
    staff(h)
    assigned(h)
    mine = card_where(h.db, "engineer")
    card = fresh_card(h, mine)
    h.fake.fail("views.open", times=1, status=503)
    click_card(
        h.slack,
        "ticket_note",
        user=CARLOS,
        channel=mine[0],
        ts=mine[1],
        value=element(card["blocks"], "ticket_note")["value"],
    )
    opened = h.fake.wait_for("views.open", lambda c: not c.failed)
    assert (
        len(h.fake.calls("views.open")) == 2 and opened[0].params["view"]["callback_id"] == "ticket_note_view"
    )

    h.fake.fail("chat.postEphemeral", times=1, status=429, retry_after=1)
    click_card(
        h.slack,
        "ticket_start",
        user=MARIA,
        channel="D0MARIA",
        ts=mine[1],
        value=element(card["blocks"], "ticket_start")["value"],
    )
    told = h.fake.wait_for("chat.postEphemeral", lambda c: not c.failed, timeout=8)
    assert told[0].params["user"] == MARIA and len(h.fake.calls("chat.postEphemeral")) == 2
    assert REPORTER not in {c.params["user"] for c in h.fake.calls("chat.postEphemeral")}
