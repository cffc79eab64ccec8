"""Known fixes in Slack: "Solved before" on staff cards, writing a fix up (staff only: the
command, the closed card's button, the modal), the reporter's receipt; and suggestions never
leak: nothing of another person's ticket reaches a reporter, on any path."""

from __future__ import annotations

import json

from handlers import ids
from storage.domain import Actor, Visibility
from storage.models import KnownFix
from tests.conftest import ADMIN, REPORTER, TRIAGE
from tests.handlers.kit import (
    CARLOS,
    card_showing,
    card_where,
    click_card,
    element,
    everything_sent_to,
    filed,
    poll,
    staff,
    submit_view,
    text_value,
)
from tests.handlers.test_filing_hints import filing_values, open_filing_modal, type_in

NOT_ALLOWED = "You are not allowed to do that."


def said(answer) -> str:
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    return body["text"]


def fixes(h) -> list[KnownFix]:
    with h.db.read() as s:
        return list(s.query(KnownFix).order_by(KnownFix.id))


def solved(h, title="VPN keeps disconnecting", resolution="Reinstalled the VPN profile", reporter="U0MARIA"):
    ticket_id = filed(h, title, reporter=reporter)
    card_where(h.db, "triage", ticket_id)  # its triage card is posted: "Solved before" links to it
    h.services.tickets.close(ticket_id, Actor(ADMIN), resolution)
    return ticket_id


def test_staff_cards_say_what_solved_it_before_and_the_reporters_do_not(harness):
    h = harness
    staff(h)
    old = solved(h)
    channel, ts = card_where(h.db, "triage", old)
    new = filed(h, "La VPN se desconecta")
    h.services.tickets.assign(new, CARLOS, Actor(ADMIN))
    line = f"Solved before: *<https://slack.com/archives/{channel}/p{ts.replace('.', '')}|TKT-000001>*"
    line += " — Reinstalled the VPN profile"
    card_showing(h.fake, card_where(h.db, "engineer", new), line)
    card_showing(h.fake, card_where(h.db, "triage", new), line)
    reporter_card = card_showing(h.fake, card_where(h.db, "reporter", new), "TKT-000002")
    shown = json.dumps(reporter_card, ensure_ascii=False)
    assert "Solved before" not in shown and "Reinstalled" not in shown and "TKT-000001" not in shown


def test_writing_a_fix_up_is_staff_only(harness):
    h = harness
    staff(h)
    old = solved(h)
    still_open = filed(h, "Printer jam", category="printers")
    assert said(h.slack.command("knownfix TKT-000001", user=REPORTER)) == NOT_ALLOWED
    assert said(h.slack.command(f"knownfix TKT-{still_open:06d}", user=CARLOS)) == (
        "Only a closed ticket has a fix to write up."
    )
    assert said(h.slack.command("knownfix", user=CARLOS)) == "Usage: `/ticket knownfix TKT-…`"
    assert h.fake.calls("views.open") == []

    answer = h.slack.command("knownfix TKT-000001", user=CARLOS)
    assert answer.status == 200 and not answer.body
    (opened,) = h.fake.wait_for("views.open")
    modal = opened.params["view"]
    assert modal["callback_id"] == ids.KNOWN_FIX_VIEW and modal["private_metadata"] == str(old)
    assert modal["blocks"][2]["element"]["initial_value"] == "Reinstalled the VPN profile"

    values = {
        **text_value(ids.KNOWN_FIX_TITLE_BLOCK, ids.KNOWN_FIX_TITLE_ACTION, "Reinstall the VPN <profile>"),
        **text_value(ids.NOTE_BLOCK, ids.NOTE_ACTION, "1. Open GlobalProtect"),
    }
    refused = submit_view(h.slack, modal, REPORTER, values).json()  # a forged submission
    assert refused["response_action"] == "errors" and refused["errors"][ids.NOTE_BLOCK] == NOT_ALLOWED
    assert fixes(h) == []
    done = submit_view(h.slack, modal, CARLOS, values).json()
    assert done["response_action"] == "update"
    assert "Reinstall the VPN &lt;profile&gt;" in json.dumps(done["view"])
    (fix,) = fixes(h)
    assert (fix.ticket_id, fix.title, fix.steps, fix.author_id) == (
        old,
        "Reinstall the VPN <profile>",
        "1. Open GlobalProtect",
        CARLOS,
    )
    empty = {**values, **text_value(ids.KNOWN_FIX_TITLE_BLOCK, ids.KNOWN_FIX_TITLE_ACTION, " ")}
    assert submit_view(h.slack, modal, CARLOS, empty).json()["errors"] == {"title": "This field is required."}


def test_the_closed_cards_button_opens_the_modal_for_staff_only(harness):
    h = harness
    staff(h)
    old = solved(h)
    where = card_where(h.db, "triage", old)
    card = card_showing(h.fake, where, "Known fix…")
    button = element(card["blocks"], ids.KNOWN_FIX_MARK)
    click_card(h.slack, ids.KNOWN_FIX_MARK, user=REPORTER, channel=TRIAGE, ts=where[1], value=button["value"])
    (told,) = h.fake.wait_for("chat.postEphemeral", lambda c: c.params["user"] == REPORTER)
    assert "TKT-000001" in told.params["text"]
    click_card(h.slack, ids.KNOWN_FIX_MARK, user=CARLOS, channel=TRIAGE, ts=where[1], value=button["value"])
    (opened,) = h.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == ids.KNOWN_FIX_VIEW


def test_the_receipt_of_a_ticket_filed_without_the_modal_names_the_known_issue_and_fix(harness):
    h = harness
    staff(h)
    incident = h.services.incidents.declare(Actor(ADMIN), "VPN disconnecting at Bogota")
    old = solved(h)
    h.services.known_fixes.mark(Actor(CARLOS), old, "Reinstall the VPN profile", "Open GlobalProtect")
    new = filed(h, "VPN keeps disconnecting")  # as a :ticket: reaction or an email files it
    card = card_showing(h.fake, card_where(h.db, "reporter", new), "Known issue")
    shown = json.dumps(card, ensure_ascii=False)
    assert f"*Known issue:* VPN disconnecting at Bogota ({incident.number}) — we are on it" in shown
    assert "*Try this first:* Reinstall the VPN profile\\nOpen GlobalProtect" in shown
    assert h.services.tickets.get(new, REPORTER).incident_id is None  # told, not joined


MARKERS = ("OLDTITLE-3318", "DESC-5521", "INTERNAL-9902", "PRIVATE-RES-7731", "SECRETNAME-4471", "U0SECRET")


def test_suggestions_never_leak_to_a_reporter(harness):
    """Another person's tickets (linked to the incident, or solved before) carry a unique marker
    in their title, description, internal note, private resolution and reporter's name: none of
    it reaches the reporter's modal, receipt or DM, whichever way they file."""
    h = harness
    staff(h)
    h.fake.add_user("U0SECRET", "secretname", "Zed SECRETNAME-4471", email="zed@example.com")
    tickets, incidents = h.services.tickets, h.services.incidents
    incident = incidents.declare(Actor(ADMIN), "VPN outage at Bogota")
    linked = filed(h, "VPN keeps disconnecting OLDTITLE-3318", reporter="U0SECRET")
    tickets.add_note(linked, Actor(ADMIN), "INTERNAL-9902 Zed's laptop", Visibility.INTERNAL)
    incidents.link(Actor(ADMIN), linked, incident.id)
    old = solved(h, "VPN disconnects DESC-5521", "PRIVATE-RES-7731 reinstalled for Zed", reporter="U0SECRET")
    tickets.add_note(old, Actor(ADMIN), "INTERNAL-9902 again", Visibility.INTERNAL)
    h.services.known_fixes.mark(Actor(CARLOS), old, "Reinstall the VPN profile", "Open GlobalProtect")

    # The modal, typed into, then submitted with "join" ticked; and a ticket filed without it.
    modal = open_filing_modal(h)
    type_in(h, modal["id"], ids.TITLE_BLOCK, ids.TITLE_ACTION, "my VPN keeps disconnecting")
    (update,) = h.fake.wait_for("views.update")
    modal_text = json.dumps(update.params["view"], ensure_ascii=False)
    assert "Known issue" in modal_text and "Try this first" in modal_text  # it did suggest
    submit_view(
        h.slack, h.fake.view(modal["id"]), REPORTER, filing_values("VPN drops", "x", incident.id), "VX"
    )
    plain = filed(h, "VPN keeps disconnecting")
    card_showing(h.fake, card_where(h.db, "reporter", plain), "Try this first")
    joined = poll(lambda: h.services.tickets.get(3, REPORTER).incident_id, what="the joined ticket")
    assert joined == incident.id
    card_showing(h.fake, card_where(h.db, "reporter", 3), "Part of *INC-1*")

    seen = everything_sent_to(h.fake, REPORTER) + modal_text
    seen += "".join(json.dumps(c.params, ensure_ascii=False) for c in h.fake.calls("views.open"))
    for marker in MARKERS:
        assert marker not in seen, marker
    assert "TKT-000001" not in seen and "TKT-000002" not in seen  # other people's tickets
    # Staff see it all: the engineer's card of the same problem names the resolution.
    tickets.assign(plain, CARLOS, Actor(ADMIN))
    card_showing(h.fake, card_where(h.db, "engineer", plain), "PRIVATE-RES-7731")
