"""The seed's flow end to end over signed HTTP: report → assign → in progress with an internal
note → on hold → in progress → close with a resolution → the reporter reopens."""

from __future__ import annotations

from storage.domain import Visibility
from tests.conftest import ADMIN, REPORTER, TRIAGE
from tests.handlers.kit import (
    action_ids,
    card_showing,
    card_where,
    click_card,
    element,
    events,
    everything_sent_to,
    fresh_card,
    option_for,
    poll,
    radio_value,
    replies,
    submit_view,
    text_value,
    ticket,
)

CARLOS, MARIA = "U0CARLOS", "U0MARIA"
IN_PROGRESS, ON_HOLD, CLOSED, OPEN = (
    ":hammer_and_wrench: In progress",
    ":double_vertical_bar: On hold",
    ":white_check_mark: Closed",
    ":large_blue_circle: Open",
)
SECRET = "admin password is hunter2"


def add_engineers(h) -> None:
    for who, specialty in ((CARLOS, "Redes y Servidores"), (MARIA, "Hardware y Impresoras")):
        answer = h.slack.command(f"engineers add <@{who}|x> {specialty}", user=ADMIN)
        assert "Adding" in answer.json()["text"]
        h.fake.wait_for("response_url", lambda c, who=who: f"<@{who}> is now an engineer" in c.params["text"])


def open_modal(h, where, action_id, user, value) -> dict:
    before = len(h.fake.calls("views.open"))
    click_card(h.slack, action_id, user=user, channel=where[0], ts=where[1], value=value)
    return h.fake.wait_for("views.open", count=before + 1)[-1].params["view"]


def test_the_seed_flow_end_to_end(harness):
    h, fake = harness, harness.fake
    add_engineers(h)
    h.slack.submit_new_ticket(title="VPN drops every hour", category="network", priority="high")

    # The triage card offers the network specialist first, and the reporter has their card.
    triage = card_where(h.db, "triage")
    reporter = card_where(h.db, "reporter")
    picker = element(card_showing(fake, triage, "Assign")["blocks"], "ticket_assign")
    assert picker["placeholder"]["text"] == "Assign"
    labels = [o["text"]["text"] for o in picker["options"]]
    assert labels == [
        "Carlos Pérez — Redes y Servidores · 0 open",
        "María López — Hardware y Impresoras · 0 open",
    ]

    # The admin assigns Carlos: triage card redrawn in place, thread line, a DM card for Carlos.
    click_card(
        h.slack,
        "ticket_assign",
        user=ADMIN,
        channel=triage[0],
        ts=triage[1],
        selected=option_for(picker, CARLOS),
    )
    reassign = element(fresh_card(h, triage, f"<@{CARLOS}>")["blocks"], "ticket_assign")
    assert reassign["initial_option"]["value"].endswith(CARLOS)  # the picker shows who has it
    assert reassign["options"][0]["text"]["text"] == "Carlos Pérez — Redes y Servidores · 1 open"
    poll(lambda: f"Assigned to <@{CARLOS}> by <@{ADMIN}>." in replies(fake, triage), what="triage line")
    poll(lambda: f"Assigned to <@{CARLOS}> by <@{ADMIN}>." in replies(fake, reporter), what="reporter line")
    card_showing(fake, reporter, f"<@{CARLOS}>")
    mine = card_where(h.db, "engineer")
    card = fresh_card(h, mine, "TKT-000001 is assigned to you")
    assert action_ids(card["blocks"]) == [
        "incident_link",
        "ticket_start",
        "ticket_hold",
        "ticket_close",
        "ticket_note",
    ]

    # In progress.
    start = element(card["blocks"], "ticket_start")["value"]
    click_card(h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=start)
    card = fresh_card(h, mine, IN_PROGRESS)
    assert action_ids(card["blocks"]) == ["incident_link", "ticket_hold", "ticket_close", "ticket_note"]
    card_showing(fake, triage, IN_PROGRESS)
    card_showing(fake, reporter, IN_PROGRESS)
    poll(lambda: any("from Open to In progress" in r for r in replies(fake, reporter)), what="status line")

    # An internal note: staff threads see it, the reporter never does.
    view = open_modal(h, mine, "ticket_note", CARLOS, element(card["blocks"], "ticket_note")["value"])
    assert view["callback_id"] == "ticket_note_view" and view["title"]["text"] == "Add a note"
    values = text_value("note", "note_value", SECRET) | radio_value(
        "visibility", "visibility_value", "internal"
    )
    assert submit_view(h.slack, view, CARLOS, values).status == 200
    poll(lambda: any(SECRET in r for r in replies(fake, triage)), what="internal note in triage")
    poll(lambda: any(SECRET in r for r in replies(fake, mine)), what="internal note in the engineer's thread")

    # On hold, with a reason the reporter sees.
    card = fresh_card(h, mine, IN_PROGRESS)  # a note changes the version its buttons carry
    view = open_modal(h, mine, "ticket_hold", CARLOS, element(card["blocks"], "ticket_hold")["value"])
    assert view["title"]["text"] == "Put on hold"
    submit_view(h.slack, view, CARLOS, text_value("note", "note_value", "Waiting for the ISP"))
    card = fresh_card(h, mine, ON_HOLD)
    assert action_ids(card["blocks"]) == ["incident_link", "ticket_start", "ticket_close", "ticket_note"]
    poll(
        lambda: any("On hold: Waiting for the ISP" in r for r in replies(fake, reporter)), what="hold reason"
    )

    # Back in progress, then closed with a resolution.
    click_card(
        h.slack,
        "ticket_start",
        user=CARLOS,
        channel=mine[0],
        ts=mine[1],
        value=element(card["blocks"], "ticket_start")["value"],
    )
    card = fresh_card(h, mine, IN_PROGRESS)
    view = open_modal(h, mine, "ticket_close", CARLOS, element(card["blocks"], "ticket_close")["value"])
    blank = submit_view(h.slack, view, CARLOS, text_value("note", "note_value", "   ")).json()
    assert blank["response_action"] == "errors" and "required" in blank["errors"]["note"]
    assert (
        submit_view(h.slack, view, CARLOS, text_value("note", "note_value", "Replaced the router")).status
        == 200
    )
    card = card_showing(fake, mine, CLOSED)
    assert action_ids(card["blocks"]) == ["ticket_note", "known_fix_mark"]  # write its fix up
    assert "ticket_assign" not in action_ids(card_showing(fake, triage, CLOSED)["blocks"])
    reporter_card = fresh_card(h, reporter, CLOSED)
    assert action_ids(reporter_card["blocks"]) == ["csat_yes", "csat_no"]
    poll(
        lambda: any("Resolution: Replaced the router" in r for r in replies(fake, reporter)),
        what="resolution",
    )

    # The reporter answers "No, reopen": back to Open, the engineer and triage threads are told.
    view = open_modal(h, reporter, "csat_no", REPORTER, element(reporter_card["blocks"], "csat_no")["value"])
    assert submit_view(h.slack, view, REPORTER, text_value("note", "note_value", "")).status == 200
    card_showing(fake, reporter, OPEN)
    card_showing(fake, mine, OPEN)
    told = "reopened this ticket: Problem not solved"
    poll(lambda: any(told in r for r in replies(fake, mine)), what="engineer told")
    poll(lambda: any(told in r for r in replies(fake, triage)), what="triage told")

    # History kept, the cards were posted once and then only updated, and no secret leaked.
    kinds = [(e.kind, e.new_value) for e in events(h.db)]
    assert kinds == [
        ("created", "open"),
        ("assigned", CARLOS),
        ("status", "in_progress"),
        ("note", None),
        ("status", "on_hold"),
        ("status", "in_progress"),
        ("closed", "closed"),
        ("reopened", "open"),
        ("feedback", "reopened"),
    ]
    assert events(h.db)[3].visibility == Visibility.INTERNAL.value and events(h.db)[3].actor_id == CARLOS
    posted = [c for c in fake.calls("chat.postMessage") if "thread_ts" not in c.params]
    assert sorted(c.params["channel"] for c in posted) == sorted([TRIAGE, REPORTER, CARLOS])
    assert SECRET not in everything_sent_to(fake, REPORTER)
    assert ticket(h.db).status == "open" and ticket(h.db).engineer_id == CARLOS
