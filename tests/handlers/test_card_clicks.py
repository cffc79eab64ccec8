"""Clicks that act (issue 16): an engineer clicking on their card before it is redrawn after
their own change is doing their work, not racing anyone. Measured sequences, over signed HTTP
against the fake Slack: a note then On hold; In progress then Close; a modal opened before an
In progress click. Someone else's change in between is still refused."""

from __future__ import annotations

import json

from storage.domain import Actor, Status
from tests.conftest import ADMIN
from tests.handlers.kit import (
    CARLOS,
    assigned,
    card_where,
    click_card,
    element,
    ephemerals,
    events,
    fresh_card,
    poll,
    staff,
    submit_view,
    text_value,
    ticket,
)

STALE = "This ticket changed meanwhile; here is its current state."


def open_modal(h, where, action_id: str, value: str) -> dict:
    before = len(h.fake.calls("views.open"))
    click_card(h.slack, action_id, user=CARLOS, channel=where[0], ts=where[1], value=value)
    return h.fake.wait_for("views.open", count=before + 1)[-1].params["view"]


def words(text: str) -> dict:
    return text_value("note", "note_value", text)


def old_card(h) -> tuple[tuple[str, str], dict[str, str]]:
    """Carlos's card as first drawn: where it is and each button's value (its version)."""
    mine = card_where(h.db, "engineer")
    card = fresh_card(h, mine)
    values = {a: element(card["blocks"], a)["value"] for a in ("ticket_start", "ticket_hold", "ticket_close")}
    return mine, values | {"ticket_note": element(card["blocks"], "ticket_note")["value"]}


def test_a_note_then_on_hold_from_the_same_card(harness):
    h = harness
    staff(h)
    assigned(h)
    mine, values = old_card(h)
    note = open_modal(h, mine, "ticket_note", values["ticket_note"])
    assert submit_view(h.slack, note, CARLOS, words("Asked the ISP")).status == 200
    hold = open_modal(h, mine, "ticket_hold", values["ticket_hold"])  # the card before the note
    answer = submit_view(h.slack, hold, CARLOS, words("Waiting for the ISP"))
    assert answer.status == 200 and answer.json() is None  # closed like any form: nothing moved
    assert ticket(h.db).status == "on_hold" and ephemerals(h.fake, CARLOS) == []
    assert [e.kind for e in events(h.db)] == ["created", "assigned", "note", "status"]


def test_in_progress_then_close_before_the_card_is_redrawn(harness):
    h = harness
    staff(h)
    assigned(h)
    mine, values = old_card(h)
    click_card(
        h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=values["ticket_start"]
    )
    poll(lambda: ticket(h.db).status == "in_progress", what="in progress")
    close = open_modal(h, mine, "ticket_close", values["ticket_close"])  # still the old card's value
    answer = submit_view(h.slack, close, CARLOS, words("Replaced the router")).json()
    assert answer["response_action"] == "update"
    assert "Closed. (It was already in progress.)" in json.dumps(answer["view"], ensure_ascii=False)
    assert ticket(h.db).status == "closed" and ephemerals(h.fake, CARLOS) == []  # a first click is silent


def test_a_modal_opened_from_the_card_submits_against_the_current_state(harness):
    h = harness
    staff(h)
    assigned(h)
    mine, values = old_card(h)
    close = open_modal(h, mine, "ticket_close", values["ticket_close"])
    click_card(
        h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=values["ticket_start"]
    )
    poll(lambda: ticket(h.db).status == "in_progress", what="in progress while the modal is open")
    answer = submit_view(h.slack, close, CARLOS, words("Replaced the router")).json()
    assert "Closed. (It was already in progress.)" in json.dumps(answer["view"], ensure_ascii=False)
    assert [e.new_value for e in events(h.db) if e.kind in ("status", "closed")] == ["in_progress", "closed"]


def test_a_button_on_the_old_card_says_what_it_acted_on(harness):
    h = harness
    staff(h)
    assigned(h)
    mine, values = old_card(h)
    hold = open_modal(h, mine, "ticket_hold", values["ticket_hold"])
    submit_view(h.slack, hold, CARLOS, words("Waiting for the ISP"))
    click_card(
        h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=values["ticket_start"]
    )
    told = h.fake.wait_for("chat.postEphemeral", lambda c: c.params["user"] == CARLOS)[0].params
    assert told["text"] == "In progress. (It was already on hold.)" and told["channel"] == mine[0]
    assert ticket(h.db).status == "in_progress"


def test_the_notice_in_spanish(harness_es):
    h = harness_es
    staff(h)
    assigned(h)
    mine, values = old_card(h)
    click_card(
        h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=values["ticket_start"]
    )
    poll(lambda: ticket(h.db).status == "in_progress", what="en progreso")
    close = open_modal(h, mine, "ticket_close", values["ticket_close"])
    answer = submit_view(h.slack, close, CARLOS, words("Cambié el router")).json()
    assert "Cerrado. (Ya estaba en progreso.)" in json.dumps(answer["view"], ensure_ascii=False)


def test_someone_else_closed_it_then_a_stale_in_progress_click_is_refused(harness):
    h = harness
    staff(h)
    ticket_id = assigned(h)
    mine, values = old_card(h)
    h.services.tickets.close(ticket_id, Actor(ADMIN), "Duplicate of TKT-000007")
    click_card(
        h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=values["ticket_start"]
    )
    call = h.fake.wait_for("chat.postEphemeral")[0]
    assert call.params["text"] == STALE
    assert ":white_check_mark: Closed" in json.dumps(call.params["blocks"], ensure_ascii=False)
    assert ticket(h.db).status == "closed"


def test_someone_else_put_it_on_hold_under_the_close_modal(harness):
    """Closing is still legal from On hold, but it is not the ticket Carlos decided to close."""
    h = harness
    staff(h)
    ticket_id = assigned(h)
    mine, values = old_card(h)
    close = open_modal(h, mine, "ticket_close", values["ticket_close"])
    h.services.tickets.change_status(ticket_id, Status.ON_HOLD, Actor(ADMIN), note="Vendor call at 3")
    answer = submit_view(h.slack, close, CARLOS, words("Rebooted")).json()
    assert "changed meanwhile" in json.dumps(answer["view"], ensure_ascii=False)
    assert ticket(h.db).status == "on_hold"
