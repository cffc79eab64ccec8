"""`/ticket status`, `/ticket TKT-…`, `/ticket list` and `/ticket engineers`, as Slack sends them."""

from __future__ import annotations

import json

from storage.domain import Actor, Status, Visibility
from tests.conftest import ADMIN, REPORTER
from tests.handlers.kit import CARLOS, JORGE, MARIA, assigned, card_where, element, filed, fresh_card, staff

NOT_FOUND = "No ticket TKT-000001 that you can see."


def shown(answer) -> str:
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    return json.dumps(body, ensure_ascii=False)


def test_status_shows_a_ticket_with_the_notes_each_person_may_see(harness):
    h = harness
    staff(h)
    ticket_id = assigned(h)
    tickets = h.services.tickets
    tickets.add_note(ticket_id, Actor(CARLOS), "Router firmware is ancient", Visibility.INTERNAL)
    tickets.add_note(ticket_id, Actor(CARLOS), "Please restart your laptop", Visibility.PUBLIC)
    tickets.close(ticket_id, Actor(CARLOS), "Updated the VPN client")

    as_reporter = shown(h.slack.command("status TKT-000001"))
    for expected in (
        "TKT-000001 · VPN drops",
        "Closed",
        "<@U0CARLOS>",
        "Please restart your laptop",
        "Notes* (2)",
    ):
        assert expected in as_reporter
    assert "Updated the VPN client" in as_reporter and "Closed <!date^" in as_reporter
    assert "Router firmware" not in as_reporter
    for staff_member in (CARLOS, ADMIN):
        assert "added an internal note: Router firmware is ancient" in shown(
            h.slack.command("TKT-000001", user=staff_member)
        )
    assert shown(h.slack.command("estado tkt-1")) == as_reporter

    # Anyone else: the same words as for a ticket that does not exist.
    assert h.slack.command("TKT-000001", user=MARIA).json()["text"] == NOT_FOUND
    assert h.slack.command("status #99").json()["text"] == NOT_FOUND.replace("000001", "000099")
    assert "Tell me which ticket" in h.slack.command("status").json()["text"]
    assert h.fake.calls("views.open") == []


def test_only_an_exact_ticket_number_stands_for_status(harness):
    h = harness
    h.slack.command("404 page on the intranet")
    (opened,) = h.fake.wait_for("views.open")
    assert opened.params["view"]["blocks"][0]["element"]["initial_value"] == "404 page on the intranet"


def test_list_is_scoped_by_role_and_filtered_in_both_languages(harness):
    h = harness
    staff(h)
    for i in range(3):
        filed(h, f"Printer {i}", "printers")
    vpn = assigned(h, CARLOS, "VPN drops")
    filed(h, "Laptop fan", "hardware", reporter="U0JORGE")
    h.services.tickets.change_status(vpn, Status.IN_PROGRESS, Actor(CARLOS))

    everything = shown(h.slack.command("list", user=ADMIN))
    assert "All tickets* (5)" in everything and "Laptop fan" in everything
    assigned_only = shown(h.slack.command("list", user=CARLOS))
    assert "Tickets assigned to you* (1)" in assigned_only and "VPN drops" in assigned_only
    own = shown(h.slack.command("list", user=JORGE))
    assert "Tickets you reported* (1)" in own and "Laptop fan" in own and "Printer" not in own

    assert "All tickets · :hammer_and_wrench: In progress* (1)" in shown(
        h.slack.command("list en progreso", user=ADMIN)
    )
    assert "(3)" in shown(h.slack.command("lista abierto alta printer", user=ADMIN))
    assert "no tickets match" in shown(h.slack.command("list closed", user=ADMIN))
    bad = h.slack.command("list status:nope", user=ADMIN).json()["text"]
    assert bad.startswith("I do not know the status “nope”")


def test_long_lists_are_capped(harness):
    h = harness
    for i in range(23):
        filed(h, f"Issue {i}", "other")
    body = h.slack.command("list", user=ADMIN).json()
    assert len(body["blocks"]) == 22 and "and 3 more" in json.dumps(body)


def test_a_list_past_the_count_cap_says_so(harness, monkeypatch):
    from storage import dashboards

    monkeypatch.setattr(dashboards, "COUNT_CAP", 20)  # the count stops at the first page
    for i in range(23):
        filed(harness, f"Issue {i}", "other")
    body = json.dumps(harness.slack.command("list", user=ADMIN).json())
    assert "All tickets* (20+)" in body and "and 1+ more" in body  # 20 shown, and more exist


def test_help_names_the_new_subcommands(harness):
    text = harness.slack.command("help").json()["text"]
    for sub in ("/ticket status TKT-000042", "/ticket list", "/ticket engineers"):
        assert sub in text


def test_admins_manage_engineers(harness):
    h = harness
    fake = h.fake
    assert "No engineers yet" in h.slack.command("engineers", user=ADMIN).json()["text"]

    answer = h.slack.command("engineers add <@U0CARLOS|carlos> Redes y Servidores", user=ADMIN)
    assert answer.json()["text"] == "Adding <@U0CARLOS>…"
    fake.wait_for(
        "response_url", lambda c: c.params["text"] == "<@U0CARLOS> is now an engineer (Redes y Servidores)."
    )
    assert fake.calls("users.info")[0].params["user"] == "U0CARLOS"
    assert h.services.people.user(CARLOS).email == "carlos@example.com"

    h.slack.command("engineers add <@U0CARLOS> Redes", user=ADMIN)
    fake.wait_for("response_url", lambda c: "specialty is now Redes" in c.params["text"])
    fake.add_user("U0BOTTY", "botty", "Botty", is_bot=True)
    h.slack.command("engineers add <@U0BOTTY> Bots", user=ADMIN)
    fake.wait_for("response_url", lambda c: "does not know <@U0BOTTY> as a person" in c.params["text"])

    listing = shown(h.slack.command("ingenieros", user=ADMIN))
    assert "*Carlos Pérez* <@U0CARLOS> — Redes · :large_green_circle: available · 0 open" in listing

    assert "is away" in h.slack.command("engineers away <@U0CARLOS>", user=ADMIN).json()["text"]
    assert ":zzz: away" in shown(h.slack.command("engineers", user=ADMIN))
    assert "available again" in h.slack.command("engineers back <@U0CARLOS>", user=ADMIN).json()["text"]
    assert "is not an engineer" in h.slack.command("engineers away <@U0MARIA>", user=ADMIN).json()["text"]

    filed(h)
    h.services.tickets.assign(1, CARLOS, Actor(ADMIN))
    removed = h.slack.command("engineers remove <@U0CARLOS>", user=ADMIN).json()["text"]
    assert "no longer an engineer" in removed and "1 open tickets" in removed
    assert h.services.people.engineers() == []


def test_engineer_commands_refuse_and_explain(harness):
    h = harness
    assert h.slack.command("engineers", user=REPORTER).json()["text"] == "Only admins can manage engineers."
    h.slack.command("engineers add <@U0REPORTER> Myself", user=REPORTER)
    for text, expected in (
        ("engineers add @carlos Redes", "“@carlos” is not a mention"),
        ("engineers add <@U0CARLOS>", "Add the specialty after the person"),
        ("engineers add <@U0CARLOS> " + "x" * 101, "1 to 100 characters"),
        ("engineers away", "Who?"),
        ("engineers promote <@U0CARLOS>", "`/ticket engineers add @person Specialty`"),
    ):
        assert expected in h.slack.command(text, user=ADMIN).json()["text"], text
    assert h.services.people.engineers() == [] and h.fake.calls("users.info") == []


def test_an_away_engineer_is_not_offered(harness):
    h = harness
    staff(h)
    h.services.people.set_available(CARLOS, False)
    filed(h)
    triage = card_where(h.db, "triage")
    picker = element(fresh_card(h, triage, "Assign")["blocks"], "ticket_assign")
    assert [o["value"].rsplit(":", 1)[1] for o in picker["options"]] == [MARIA]
    h.services.people.set_available(MARIA, False)
    filed(h, "Second")
    second = card_where(h.db, "triage", 2)
    assert "No engineer is available" in json.dumps(fresh_card(h, second, "Second", ticket_id=2))
