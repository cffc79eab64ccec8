"""The incident buttons of a ticket's cards as Slack sees them: Declare incident, the buttons of
the "Possibly the same as" lines, Link to incident…, Unlink, Not part of it — each refused to
whoever may not, ephemerally and changing nothing — the list of an incident's 500 tickets, the
staff-only Resolve button, and the owner told of a reopened child."""

from __future__ import annotations

import json

from handlers import ids
from storage.domain import Actor
from storage.models import Ticket, User
from tests.conftest import ADMIN, REPORTER, TRIAGE
from tests.handlers.kit import (
    CARLOS,
    MARIA,
    _user,
    action_ids,
    assigned,
    card_showing,
    card_where,
    click_card,
    element,
    ephemerals,
    filed,
    fresh_card,
    poll,
    staff,
    submit_view,
    text_value,
    ticket,
)
from tests.slack_requests import payload

REFUSED = "Only the engineer assigned to {} or an admin can do that. Nothing was changed."
STAFF_ONLY = "Only IT staff (engineers and admins) can do that. Nothing was changed."


def told(h, user: str, text: str) -> list[str]:
    return poll(lambda: [e for e in ephemerals(h.fake, user) if text in e], what=f"{user} told {text!r}")


def opened_views(h) -> list[dict]:
    return [c.params["view"] for c in h.fake.calls("views.open") if not c.failed]


def click(h, where, action_id: str, user: str, value: str):
    return click_card(h.slack, action_id, user=user, channel=where[0], ts=where[1], value=value)


def incident_card_where(h, incident_id: int = 1) -> tuple[str, str]:
    def posted():
        incident = h.services.incidents.get(incident_id)
        return (incident.triage_channel, incident.triage_ts) if incident.triage_ts else None

    return poll(posted, what="the incident card")


def test_declare_from_the_triage_card_is_for_an_admin_or_its_engineer(harness):
    h = harness
    staff(h)
    ticket_id = assigned(h, CARLOS, "VPN <down> at Bogota")
    triage = card_where(h.db, "triage", ticket_id)
    card = fresh_card(h, triage, "Declare incident", ticket_id=ticket_id)
    declare = element(card["blocks"], ids.INCIDENT_DECLARE)
    for stranger in (REPORTER, MARIA):  # its reporter; an engineer it is not assigned to
        click(h, triage, ids.INCIDENT_DECLARE, stranger, declare["value"])
        told(h, stranger, REFUSED.format("TKT-000001"))
    assert opened_views(h) == [] and ticket(h.db, ticket_id).incident_id is None

    click(h, triage, ids.INCIDENT_DECLARE, CARLOS, declare["value"])
    (view,) = poll(lambda: opened_views(h), what="the declare modal")
    assert view["blocks"][0]["element"]["initial_value"] == "VPN <down> at Bogota"  # plain text
    answer = submit_view(h.slack, view, CARLOS, text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "  "))
    assert answer.json()["response_action"] == "errors"  # an empty title: said in the modal
    submit_view(h.slack, view, CARLOS, text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "VPN outage"))
    poll(lambda: ticket(h.db, ticket_id).incident_id == 1, what="the ticket linked")
    card = card_showing(h.fake, triage, "Part of *INC-1*", "Not part of it")
    assert ids.INCIDENT_DECLARE not in action_ids(card["blocks"])
    assert h.services.incidents.get(1).owner_id == CARLOS
    # The engineer's DM card shows it too, with Unlink and Not part of it.
    dm = card_where(h.db, "engineer", ticket_id)
    dm_card = card_showing(h.fake, dm, "Part of *INC-1*")
    assert {ids.INCIDENT_UNLINK, ids.INCIDENT_KEEP_OUT} <= set(action_ids(dm_card["blocks"]))


def _file_vpn(h, n: int, user: str) -> int:
    h.slack.submit_new_ticket(
        title="VPN keeps disconnecting" if n % 2 else "La VPN se desconecta a cada rato",
        description="Every 10 minutes the VPN drops and I have to reconnect.",
        category="network",
        user=user,
        view_id=f"V000000000{n}",
    )
    return poll(lambda: ticket(h.db, n) is not None and n, what=f"ticket {n} filed")


def test_the_suggestion_lines_declare_with_both_then_link_to_the_incident(harness):
    h = harness
    staff(h)
    _file_vpn(h, 1, "U0MARIA")
    card_where(h.db, "triage", 1)
    _file_vpn(h, 2, REPORTER)
    triage = card_where(h.db, "triage", 2)
    card = card_showing(
        h.fake, triage, "Possibly the same as *TKT-000001*", "Declare incident with TKT-000001"
    )
    declare_with = element(card["blocks"], ids.INCIDENT_DECLARE_WITH)
    click(h, triage, ids.INCIDENT_DECLARE_WITH, REPORTER, declare_with["value"])
    told(h, REPORTER, REFUSED.format("TKT-000002"))
    click(h, triage, ids.INCIDENT_DECLARE_WITH, ADMIN, declare_with["value"])
    (view,) = poll(lambda: opened_views(h), what="the declare modal")
    submit_view(h.slack, view, ADMIN, text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "VPN outage"))
    poll(lambda: ticket(h.db, 1).incident_id == ticket(h.db, 2).incident_id == 1, what="both linked")

    _file_vpn(h, 3, "U0JORGE")
    third = card_where(h.db, "triage", 3)
    card = card_showing(h.fake, third, "Link to INC-1")
    link_to = element(card["blocks"], ids.INCIDENT_LINK_TO)
    click(h, third, ids.INCIDENT_LINK_TO, REPORTER, link_to["value"])
    told(h, REPORTER, STAFF_ONLY)
    assert ticket(h.db, 3).incident_id is None
    click(h, third, ids.INCIDENT_LINK_TO, MARIA, link_to["value"])  # any engineer may link
    told(h, MARIA, "TKT-000003 is now part of *INC-1*.")
    card_showing(h.fake, third, "Part of *INC-1*")


def test_link_to_incident_unlink_and_keep_out_from_the_cards(harness):
    h = harness
    staff(h)
    ticket_id = assigned(h, CARLOS)
    dm = card_where(h.db, "engineer", ticket_id)
    triage = card_where(h.db, "triage", ticket_id)
    card = fresh_card(h, dm, "Link to incident", ticket_id=ticket_id)
    link = element(card["blocks"], ids.INCIDENT_LINK)
    click(h, dm, ids.INCIDENT_LINK, CARLOS, link["value"])
    told(h, CARLOS, "No incident is open")
    h.services.incidents.declare(Actor(ADMIN), "VPN <outage>")
    click(h, dm, ids.INCIDENT_LINK, REPORTER, link["value"])
    told(h, REPORTER, STAFF_ONLY)
    click(h, dm, ids.INCIDENT_LINK, CARLOS, link["value"])
    (view,) = poll(lambda: opened_views(h), what="the link modal")
    menu = view["blocks"][1]["element"]
    assert [o["text"]["text"] for o in menu["options"]] == ["INC-1 · VPN <outage>"]
    empty = submit_view(h.slack, view, CARLOS, {})
    assert empty.json()["errors"] == {ids.INCIDENT_PICK_BLOCK: "This field is required."}
    option = {
        "type": "static_select",
        "selected_option": {"value": "1", "text": {"type": "plain_text", "text": "x"}},
    }
    picked = {ids.INCIDENT_PICK_BLOCK: {ids.INCIDENT_PICK_ACTION: option}}
    assert submit_view(h.slack, view, CARLOS, picked).body == b""  # the modal closes
    poll(lambda: ticket(h.db, ticket_id).incident_id == 1, what="linked")

    card = fresh_card(h, triage, "Part of *INC-1*", ticket_id=ticket_id)
    unlink, keep_out = (
        element(card["blocks"], ids.INCIDENT_UNLINK),
        element(card["blocks"], ids.INCIDENT_KEEP_OUT),
    )
    assert keep_out["confirm"]["confirm"]["text"] == "Keep it out"
    click(h, triage, ids.INCIDENT_UNLINK, REPORTER, unlink["value"])
    told(h, REPORTER, STAFF_ONLY)
    click(h, triage, ids.INCIDENT_KEEP_OUT, MARIA, keep_out["value"])  # not hers
    told(h, MARIA, REFUSED.format("TKT-000001"))
    assert ticket(h.db, ticket_id).incident_id == 1
    click(h, triage, ids.INCIDENT_KEEP_OUT, CARLOS, keep_out["value"])
    told(h, CARLOS, "TKT-000001 is no longer part of *INC-1* and stays out of it.")
    card = fresh_card(h, triage, "Link to incident", ticket_id=ticket_id)
    assert "Part of" not in json.dumps(card)
    # Not offered again: the menu leaves INC-1 out, and with none other open it says so.
    link = element(card["blocks"], ids.INCIDENT_LINK)
    click(h, triage, ids.INCIDENT_LINK, CARLOS, link["value"])
    told(h, CARLOS, "No incident is open")

    h.services.incidents.declare(Actor(ADMIN), "Mail outage")
    h.services.incidents.link(Actor(ADMIN), ticket_id, 2)
    card = fresh_card(h, triage, "Part of *INC-2*", ticket_id=ticket_id)
    click(h, triage, ids.INCIDENT_UNLINK, MARIA, element(card["blocks"], ids.INCIDENT_UNLINK)["value"])
    poll(lambda: ticket(h.db, ticket_id).incident_id is None, what="unlinked by any engineer")


def test_the_list_of_500_tickets_pages_within_block_kit_limits(harness):
    h = harness
    incident = h.services.incidents.declare(Actor(ADMIN), "VPN outage")
    with h.db.transaction() as session:
        session.add(User(slack_id="U0MANY"))
        for n in range(500):
            title = (f"VPN <down> {n} " + "x" * 150)[:150]  # the longest a title may be
            session.add(
                Ticket(reporter_id="U0MANY", title=title, description="d", category="network", incident_id=1)
            )
    h.services.incidents.link(Actor(ADMIN), filed(h), incident.id)  # the card is redrawn
    where = incident_card_where(h)
    card = card_showing(h.fake, where, "501 (501 still open)", "…and 491 more")
    assert len(card["blocks"]) <= 50
    listing = element(card["blocks"], ids.INCIDENT_LIST)
    click(h, where, ids.INCIDENT_LIST, REPORTER, listing["value"])
    told(h, REPORTER, STAFF_ONLY)
    click(h, where, ids.INCIDENT_LIST, ADMIN, listing["value"])
    (view,) = poll(lambda: opened_views(h), what="the list")
    shown = json.dumps(view, ensure_ascii=False)
    assert "Page 1 of 21" in shown and "TKT-000001" in shown and "TKT-000026" not in shown
    assert "VPN &lt;down&gt; 0" in shown and action_ids(view["blocks"]) == [ids.INCIDENT_PAGE_NEXT]
    pages = [view]
    for _ in range(20):
        nxt = element(pages[-1]["blocks"], ids.INCIDENT_PAGE_NEXT)["value"]
        body_view = {"id": "V0LIST", "type": "modal"}
        body = payload("block_actions")
        body["user"] = _user(ADMIN)
        body["view"].update(body_view, private_metadata=pages[-1]["private_metadata"])
        body["container"] = {"type": "view", "view_id": "V0LIST"}
        body["actions"] = [
            {"type": "button", "action_id": ids.INCIDENT_PAGE_NEXT, "block_id": "b", "value": nxt}
        ]
        h.slack.interaction(body)
        count = len(pages)
        updated = poll(
            lambda count=count: [c for c in h.fake.calls("views.update") if not c.failed][count - 1 :],
            what="the next page",
        )
        pages.append(updated[0].params["view"])
    last = json.dumps(pages[-1], ensure_ascii=False)
    assert "Page 21 of 21" in last and "TKT-000501" in last
    assert action_ids(pages[-1]["blocks"]) == [ids.INCIDENT_PAGE_PREVIOUS]
    assert all(len(p["blocks"]) <= 100 for p in pages)


def test_resolve_from_the_card_is_staff_only_and_a_second_resolve_is_said_a_no_op(harness):
    h = harness
    staff(h)
    h.services.incidents.declare(Actor(ADMIN), "VPN outage", from_ticket=filed(h))
    where = incident_card_where(h)
    card_showing(h.fake, where, "1 (1 still open)")
    click(h, where, ids.INCIDENT_RESOLVE, REPORTER, "1")
    told(h, REPORTER, STAFF_ONLY)
    click(h, where, ids.INCIDENT_UPDATE, REPORTER, "1")
    poll(lambda: len(ephemerals(h.fake, REPORTER)) == 2, what="both refused")
    assert opened_views(h) == []
    click(h, where, ids.INCIDENT_RESOLVE, CARLOS, "1")
    (view,) = poll(lambda: opened_views(h), what="the resolve modal")
    submit_view(h.slack, view, CARLOS, text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "Replaced"))
    poll(lambda: ticket(h.db, 1).status == "closed", what="closed")
    again = submit_view(h.slack, view, ADMIN, text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "Replaced"))
    assert again.json()["errors"] == {ids.NOTE_BLOCK: "*INC-1* was already resolved: nothing changed."}


def _reopened_child(h) -> str:
    staff(h)
    ticket_id = filed(h)
    h.services.incidents.declare(Actor(CARLOS), "VPN <outage>")
    h.services.incidents.link(Actor(CARLOS), ticket_id, 1)
    h.services.incidents.resolve(Actor(CARLOS), 1, "Replaced the gateway")
    h.services.tickets.not_solved(ticket_id, Actor(REPORTER), "Still down <!here>", "Still down <!here>")
    calls = poll(
        lambda: [
            c for c in h.fake.calls("chat.postMessage") if c.params.get("channel") == CARLOS and not c.failed
        ],
        what="the owner's DM",
    )
    assert h.services.incidents.get(1).status == "resolved"
    return json.dumps(calls[-1].params, ensure_ascii=False)


def test_a_reopened_child_tells_the_owner(harness):
    shown = _reopened_child(harness)
    assert (
        "*TKT-000001* (VPN drops) of *INC-1* was reopened by <@U0REPORTER>: Still down &lt;!here&gt;" in shown
    )
    assert "INC-1 stays resolved" in shown and "<!here>" not in shown
    card_showing(harness.fake, incident_card_where(harness), "1 (1 still open)")


def test_a_reopened_child_tells_the_owner_in_spanish(harness_es):
    shown = _reopened_child(harness_es)
    assert "<@U0REPORTER> reabrió *TKT-000001* (VPN drops) de *INC-1*" in shown and "sigue resuelto" in shown


def test_the_triage_card_of_a_ticket_in_no_incident_offers_both(harness):
    h = harness
    staff(h)
    triage = card_where(h.db, "triage", filed(h))
    card = card_showing(h.fake, triage, "Declare incident")
    assert action_ids(card["blocks"])[-2:] == [ids.INCIDENT_DECLARE, ids.INCIDENT_LINK]
    assert triage[0] == TRIAGE
