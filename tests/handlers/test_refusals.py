"""Every refusal: the wrong person, an old card, a ticket that moved on. Nothing changes, and
only the person who clicked is told (ephemerally, or in a modal over their Home tab)."""

from __future__ import annotations

import json

from storage.domain import Actor, Status
from tests.conftest import ADMIN, REPORTER, TRIAGE
from tests.handlers.kit import (
    CARLOS,
    MARIA,
    action_ids,
    assigned,
    card_showing,
    card_where,
    click_card,
    click_home,
    element,
    ephemerals,
    events,
    filed,
    fresh_card,
    option_for,
    poll,
    replies,
    staff,
    submit_view,
    text_value,
    ticket,
)

REFUSED = "Only the engineer assigned to TKT-000001 or an admin can do that. Nothing was changed."


def test_only_admins_can_assign(harness):
    h = harness
    staff(h)
    filed(h)
    triage = card_where(h.db, "triage")
    picker = element(fresh_card(h, triage, "Assign")["blocks"], "ticket_assign")
    for intruder in (REPORTER, CARLOS):
        click_card(
            h.slack,
            "ticket_assign",
            user=intruder,
            channel=TRIAGE,
            ts=triage[1],
            selected=option_for(picker, CARLOS),
        )
        call = h.fake.wait_for("chat.postEphemeral", lambda c, u=intruder: c.params["user"] == u)[0]
        assert call.params["channel"] == TRIAGE and "Only admins can assign tickets" in call.params["text"]
    assert ticket(h.db).engineer_id is None and [e.kind for e in events(h.db)] == ["created"]


def test_another_engineer_or_the_reporter_cannot_work_the_ticket(harness):
    h = harness
    staff(h)
    assigned(h)
    mine = card_where(h.db, "engineer")
    card = fresh_card(h, mine)
    version = ticket(h.db).version
    for intruder, channel in ((MARIA, "D0MARIA"), (REPORTER, "D0REPORTER")):  # a forwarded card
        for action_id in ("ticket_start", "ticket_hold", "ticket_close", "ticket_note"):
            value = element(card["blocks"], action_id)["value"]
            click_card(h.slack, action_id, user=intruder, channel=channel, ts=mine[1], value=value)
        poll(lambda u=intruder: len(ephemerals(h.fake, u)) == 4, what=f"{intruder} told 4 times")
        assert set(ephemerals(h.fake, intruder)) == {REFUSED}
    assert h.fake.calls("views.open") == []  # no modal for a change they may not make
    assert ticket(h.db).version == version and ticket(h.db).status == "open"


def test_a_double_click_is_told_the_ticket_changed_and_the_card_is_redrawn(harness):
    h = harness
    staff(h)
    assigned(h)
    mine = card_where(h.db, "engineer")
    start = element(fresh_card(h, mine)["blocks"], "ticket_start")["value"]
    click_card(h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=start)
    fresh_card(h, mine, "In progress")
    updates = len(h.fake.calls("chat.update"))
    click_card(h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=start)
    call = h.fake.wait_for("chat.postEphemeral")[0]
    shown = json.dumps(call.params["blocks"], ensure_ascii=False)
    assert call.params["text"] == "This ticket changed meanwhile; here is its current state."
    assert "*TKT-000001* VPN drops — :hammer_and_wrench: In progress · assigned to <@U0CARLOS>" in shown
    h.fake.wait_for("chat.update", count=updates + 3)  # every card redrawn, the clicker's included
    assert [e.new_value for e in events(h.db) if e.kind == "status"] == ["in_progress"]


def test_a_button_on_a_ticket_that_moved_on_answers_with_its_state(harness):
    h = harness
    staff(h)
    ticket_id = assigned(h)
    mine = card_where(h.db, "engineer")
    old = fresh_card(h, mine)
    h.services.tickets.close(ticket_id, Actor(CARLOS), "Fixed by the ISP")
    hold = element(old["blocks"], "ticket_hold")["value"]
    click_card(h.slack, "ticket_hold", user=CARLOS, channel=mine[0], ts=mine[1], value=hold)
    call = h.fake.wait_for("chat.postEphemeral")[0]
    assert ":white_check_mark: Closed" in json.dumps(call.params["blocks"], ensure_ascii=False)
    # Even with the current version, an illegal move is refused with the current state.
    current = f"{ticket_id}:{ticket(h.db).version}"
    click_card(h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=current)
    call = h.fake.wait_for("chat.postEphemeral", count=2)[1]
    assert call.params["text"] == "This ticket is Closed now, so that is no longer possible."
    assert h.fake.calls("views.open") == [] and ticket(h.db).status == "closed"


def test_the_engineer_a_ticket_was_taken_from_is_refused(harness):
    h = harness
    staff(h)
    ticket_id = assigned(h)
    old_card = card_where(h.db, "engineer")
    start = element(fresh_card(h, old_card)["blocks"], "ticket_start")["value"]
    h.services.tickets.assign(ticket_id, MARIA, Actor(ADMIN))
    poll(
        lambda: any("reassigned this ticket to <@U0MARIA>" in r for r in replies(h.fake, old_card)),
        what="told",
    )
    # Their card is redrawn without buttons; a click from an old copy of it is still refused.
    redrawn = card_showing(h.fake, old_card, "TKT-000001 is now assigned to <@U0MARIA>")
    assert action_ids(redrawn["blocks"]) == []
    click_card(h.slack, "ticket_start", user=CARLOS, channel=old_card[0], ts=old_card[1], value=start)
    assert h.fake.wait_for("chat.postEphemeral")[0].params["text"] == REFUSED
    assert ticket(h.db).status == "open" and ticket(h.db).engineer_id == MARIA


def test_only_the_reporter_or_staff_can_reopen(harness):
    h = harness
    staff(h)
    ticket_id = assigned(h)
    h.services.tickets.close(ticket_id, Actor(CARLOS), "Done")
    reporter = card_where(h.db, "reporter")
    # The closed card asks "Was your problem solved?" first; cards drawn before that question
    # existed, and after a "Yes", carry the plain Reopen button with the same value.
    reopen = element(fresh_card(h, reporter, "Closed")["blocks"], "csat_no")["value"]
    click_card(h.slack, "ticket_reopen", user="U0JORGE", channel="D0JORGE", ts=reporter[1], value=reopen)
    assert h.fake.wait_for("chat.postEphemeral")[0].params["text"] == REFUSED
    click_card(h.slack, "ticket_reopen", user=REPORTER, channel=reporter[0], ts=reporter[1], value=reopen)
    poll(lambda: ticket(h.db).status == "open", what="reopened")
    click_card(h.slack, "ticket_reopen", user=REPORTER, channel=reporter[0], ts=reporter[1], value=reopen)
    told = h.fake.wait_for("chat.postEphemeral", count=2)[1].params["text"]
    assert told == "This ticket is Open now, so that is no longer possible."
    assert [e.kind for e in events(h.db)].count("reopened") == 1


def test_a_refusal_on_the_home_tab_opens_a_notice(harness):
    h = harness
    staff(h)
    ticket_id = assigned(h)
    value = f"{ticket_id}:{ticket(h.db).version}"
    click_home(h.slack, "ticket_start", user=MARIA, value=value)
    view = h.fake.wait_for("views.open")[0].params["view"]
    assert view["type"] == "modal" and REFUSED in json.dumps(view, ensure_ascii=False)
    assert ticket(h.db).status == "open"


def test_modal_submissions_are_checked_again(harness):
    h = harness
    staff(h)
    ticket_id = assigned(h)
    mine = card_where(h.db, "engineer")
    card = fresh_card(h, mine)
    click_card(
        h.slack,
        "ticket_close",
        user=CARLOS,
        channel=mine[0],
        ts=mine[1],
        value=element(card["blocks"], "ticket_close")["value"],
    )
    view = h.fake.wait_for("views.open")[0].params["view"]
    too_long = submit_view(h.slack, view, CARLOS, text_value("note", "note_value", "x" * 3001)).json()
    assert too_long["response_action"] == "errors" and "3000" in too_long["errors"]["note"]
    # Someone else acts while the modal is open: the submission says so instead of closing.
    h.services.tickets.change_status(ticket_id, Status.ON_HOLD, Actor(ADMIN), note="Vendor call")
    stale = submit_view(h.slack, view, CARLOS, text_value("note", "note_value", "Rebooted")).json()
    assert stale["response_action"] == "update"
    shown = json.dumps(stale["view"], ensure_ascii=False)
    assert "changed meanwhile" in shown and ":double_vertical_bar: On hold" in shown
    # María submitting Carlos's modal (a forged submission) is refused the same way.
    forged = submit_view(h.slack, view, MARIA, text_value("note", "note_value", "Rebooted")).json()
    assert REFUSED in json.dumps(forged["view"], ensure_ascii=False)
    assert ticket(h.db).status == "on_hold" and "closed" not in [e.kind for e in events(h.db)]


def test_forged_values_change_nothing_and_crash_nothing(harness):
    h = harness
    staff(h)
    assigned(h)
    mine = card_where(h.db, "engineer")
    for value in ("", "abc", "1", "1:x", "99999999999999:1"):
        answer = click_card(h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=value)
        assert answer.status == 200
    click_card(h.slack, "ticket_assign", user=ADMIN, channel=TRIAGE, ts="1.2", selected="1:1:<@x>")
    # A well-formed value for a ticket that does not exist is answered like any missing ticket.
    click_card(h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value="999:1")
    assert h.fake.wait_for("chat.postEphemeral")[0].params["text"] == REFUSED.replace("000001", "000999")
    assert ticket(h.db).status == "open" and ticket(h.db).engineer_id == CARLOS
    assert [e.kind for e in events(h.db)] == ["created", "assigned"]


def test_card_shown_to_reporter_keeps_its_buttons_to_itself(harness):
    h = harness
    staff(h)
    assigned(h)
    reporter = card_where(h.db, "reporter")
    assert action_ids(card_showing(h.fake, reporter, "<@U0CARLOS>")["blocks"]) == []
