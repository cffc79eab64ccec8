"""While filing: "Known issue: … — we are on it" as the reporter types, joining the incident on
submit, and "Try this first" for a fix staff wrote up; the modal keeps what was typed."""

from __future__ import annotations

import json

from handlers import ids
from storage.domain import Actor
from tests.conftest import ADMIN, REPORTER
from tests.handlers.kit import CARLOS, card_showing, card_where, filed, poll, staff, submit_view, ticket
from tests.slack_requests import payload


def text_input(value: str) -> dict:
    return {"type": "plain_text_input", "value": value}


def open_filing_modal(h) -> dict:
    h.slack.command("")
    h.fake.wait_for("views.open")
    return poll(lambda: h.fake.modal(ids.NEW_TICKET_VIEW), what="the filing modal")


def type_in(h, view_id: str, block: str, action: str, value: str, user: str = REPORTER):
    """The person types in a dispatching input: Slack keeps it in the view's state and sends a
    block_actions payload carrying the view (with its hash) and the action."""
    view = h.fake.type_into(view_id, block, action, text_input(value))
    body = payload("block_actions")
    body["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0001"}
    body["container"] = {"type": "view", "view_id": view_id}
    body["view"] = view
    body["actions"] = [
        {
            "type": "plain_text_input",
            "action_id": action,
            "block_id": block,
            "value": value,
            "action_ts": "1700000001.000001",
        }
    ]
    answer = h.slack.interaction(body)
    assert answer.status == 200
    return view


def updates(h, view_id: str) -> list:
    return [c for c in h.fake.calls("views.update") if c.params.get("view_id") == view_id and not c.failed]


def block_ids(view: dict) -> list[str]:
    return [b.get("block_id") for b in view["blocks"]]


def outage(h) -> int:
    """INC-1 "VPN outage at Bogota", with one linked ticket that says it in other words."""
    incident = h.services.incidents.declare(Actor(ADMIN), "VPN outage at Bogota")
    linked = filed(h, "VPN keeps disconnecting", reporter="U0MARIA")
    h.services.incidents.link(Actor(ADMIN), linked, incident.id)
    return incident.id


def filing_values(title: str, description: str, joined: int | None = None) -> dict:
    values = {
        ids.TITLE_BLOCK: {ids.TITLE_ACTION: text_input(title)},
        ids.DESCRIPTION_BLOCK: {ids.DESCRIPTION_ACTION: text_input(description)},
        ids.CATEGORY_BLOCK: {
            ids.CATEGORY_ACTION: {"type": "static_select", "selected_option": {"value": "network"}}
        },
        ids.PRIORITY_BLOCK: {
            ids.PRIORITY_ACTION: {"type": "static_select", "selected_option": {"value": "high"}}
        },
    }
    if joined is not None:
        option = {"text": {"type": "plain_text", "text": "join"}, "value": str(joined)}
        values[f"{ids.HINT_JOIN}{joined}"] = {
            ids.JOIN_ACTION: {"type": "checkboxes", "selected_options": [option]}
        }
    return values


def test_the_title_and_description_dispatch_as_typed(harness):
    modal = open_filing_modal(harness)
    title, description = modal["blocks"][0], modal["blocks"][1]
    for block in (title, description):
        assert block["dispatch_action"] is True
        assert block["element"]["dispatch_action_config"] == {"trigger_actions_on": ["on_character_entered"]}


def test_typing_a_known_issue_shows_it_and_keeps_what_was_typed(harness):
    h = harness
    staff(h)
    incident_id = outage(h)
    modal = open_filing_modal(h)
    seen = type_in(h, modal["id"], ids.TITLE_BLOCK, ids.TITLE_ACTION, "my vpn disconnects all the time")

    (update,) = h.fake.wait_for("views.update", lambda c: c.params["view_id"] == modal["id"])
    assert update.params["hash"] == seen["hash"]  # the view the person was looking at
    view = update.params["view"]
    assert view["callback_id"] == ids.NEW_TICKET_VIEW
    assert block_ids(view) == [
        "title",
        "description",
        f"{ids.HINT_KNOWN_ISSUE}{incident_id}",
        f"{ids.HINT_JOIN}{incident_id}",
        "category",
        "priority",
    ]
    shown = json.dumps(view, ensure_ascii=False)
    assert "*Known issue:* VPN outage at Bogota (INC-1) — we are on it" in shown
    assert "This is my problem — join INC-1" in shown
    assert "VPN keeps disconnecting" not in shown  # the linked ticket matched; it is never shown
    # Same block and action ids: Slack keeps what was typed (the fake does as Slack documents).
    now = h.fake.view(modal["id"])
    assert now["state"]["values"]["title"]["title_value"]["value"] == "my vpn disconnects all the time"

    # Typing on to something else: the hint goes, the typed title stays.
    type_in(h, modal["id"], ids.TITLE_BLOCK, ids.TITLE_ACTION, "Excel macro crashes")
    poll(lambda: len(updates(h, modal["id"])) == 2, what="the second update")
    assert block_ids(updates(h, modal["id"])[-1].params["view"]) == [
        "title",
        "description",
        "category",
        "priority",
    ]
    assert (
        h.fake.view(modal["id"])["state"]["values"]["title"]["title_value"]["value"] == "Excel macro crashes"
    )


def test_joining_files_the_ticket_and_links_it(harness):
    h = harness
    staff(h)
    incident_id = outage(h)
    modal = open_filing_modal(h)
    type_in(h, modal["id"], ids.TITLE_BLOCK, ids.TITLE_ACTION, "VPN disconnects")
    h.fake.wait_for("views.update")
    shown = h.fake.view(modal["id"])
    values = filing_values("VPN disconnects", "It drops every 5 minutes", joined=incident_id)
    answer = submit_view(h.slack, shown, REPORTER, values, view_id=modal["id"])
    assert answer.status == 200 and not answer.body  # the modal closes
    joined = ticket(h.db, 2)
    assert joined.reporter_id == REPORTER and joined.incident_id == incident_id
    card_showing(h.fake, card_where(h.db, "reporter", 2), "Part of *INC-1*")
    summary = h.services.incidents.summary(incident_id)
    assert (summary.tickets, summary.reporters) == (2, 2)

    # Not ticked: filed on its own.
    values = filing_values("VPN disconnects", "Me too")
    submit_view(h.slack, shown, "U0JORGE", values, view_id="V0OTHER")
    assert ticket(h.db, 3).incident_id is None


def test_a_forged_join_box_joins_nothing(harness):
    h = harness
    incident_id = outage(h)
    values = filing_values("VPN disconnects", "drops")
    option = {"text": {"type": "plain_text", "text": "x"}, "value": "999"}
    values[f"{ids.HINT_JOIN}{incident_id}"] = {
        ids.JOIN_ACTION: {"type": "checkboxes", "selected_options": [option]}
    }
    modal = {"callback_id": ids.NEW_TICKET_VIEW, "blocks": []}
    submit_view(h.slack, modal, REPORTER, values, view_id="V0FORGED")
    assert ticket(h.db, 2).incident_id is None


def test_in_spanish(harness_es):
    h = harness_es
    outage(h)
    modal = open_filing_modal(h)
    type_in(h, modal["id"], ids.TITLE_BLOCK, ids.TITLE_ACTION, "la VPN se desconecta")
    (update,) = h.fake.wait_for("views.update")
    shown = json.dumps(update.params["view"], ensure_ascii=False)
    assert "*Problema conocido:* VPN outage at Bogota (INC-1) — ya estamos en ello" in shown
    assert "Es mi problema — unirme a INC-1" in shown


def test_try_this_first_shows_a_written_up_fix_while_typing(harness):
    h = harness
    staff(h)
    old = filed(h, "VPN keeps disconnecting", reporter="U0MARIA")
    h.services.tickets.close(old, Actor(ADMIN), "Reinstalled the VPN profile")
    h.services.known_fixes.mark(
        Actor(CARLOS), old, "Reinstall the VPN <profile>", "1. Open GlobalProtect\n2. Remove the profile"
    )
    modal = open_filing_modal(h)
    type_in(h, modal["id"], ids.DESCRIPTION_BLOCK, ids.DESCRIPTION_ACTION, "my VPN disconnects every hour")
    (update,) = h.fake.wait_for("views.update")
    view = update.params["view"]
    assert block_ids(view) == ["title", "description", f"{ids.HINT_TRY_FIRST}1", "category", "priority"]
    shown = json.dumps(view, ensure_ascii=False)
    assert "*Try this first:* Reinstall the VPN &lt;profile&gt;\\n1. Open GlobalProtect\\n2. Remove" in shown
    assert "Reinstalled the VPN profile" not in shown and "TKT-" not in shown


def test_hostile_and_longest_hints_stay_escaped_and_within_block_kit(harness):
    h = harness
    staff(h)
    title = ("VPN <!channel> & " * 10)[:150]
    incident = h.services.incidents.declare(Actor(ADMIN), title)
    old = filed(h, "VPN keeps disconnecting", reporter="U0MARIA")
    h.services.tickets.close(old, Actor(ADMIN), "<@U0ADMIN> fixed")
    h.services.known_fixes.mark(Actor(CARLOS), old, title, ("<!here> & <b> " * 300)[:3000])
    modal = open_filing_modal(h)
    type_in(h, modal["id"], ids.TITLE_BLOCK, ids.TITLE_ACTION, "VPN <!channel> keeps disconnecting")
    (update,) = h.fake.wait_for("views.update")
    assert not update.failed  # the fake validates Block Kit: any violation fails the test too
    shown = json.dumps(update.params["view"], ensure_ascii=False)
    assert f"({incident.number})" in shown and "<!channel>" not in shown and "<!here>" not in shown
    receipt = filed(h, "VPN <!channel> keeps disconnecting")
    card = card_showing(h.fake, card_where(h.db, "reporter", receipt), "Try this first")
    assert "<!here>" not in json.dumps(card)


def test_the_message_shortcuts_form_joins_too(harness):
    h = harness
    incident_id = outage(h)
    metadata = json.dumps({"channel": "C0GENERAL", "ts": "1700000000.000100", "author": "U0JORGE"})
    shortcut_form = {"callback_id": ids.MESSAGE_TICKET_VIEW, "private_metadata": metadata, "blocks": []}
    values = filing_values("VPN disconnects", "from a message", joined=incident_id)
    answer = submit_view(h.slack, shortcut_form, REPORTER, values, view_id="V0SHORTCUT")
    assert answer.status == 200 and not answer.body
    joined = ticket(h.db, 2)
    assert (joined.reporter_id, joined.incident_id) == ("U0JORGE", incident_id)  # the author's problem
