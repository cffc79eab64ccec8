""" "Was your problem solved?" over signed HTTP: the reporter's closed card asks, Yes (then a
rating and comment) or No (reopens, engineer and triage told); nobody else may answer."""

from __future__ import annotations

import json

from storage.domain import Actor
from tests.conftest import ADMIN, REPORTER
from tests.handlers.kit import (
    CARLOS,
    JORGE,
    action_ids,
    assigned,
    card_showing,
    card_where,
    click_card,
    element,
    ephemerals,
    events,
    fresh_card,
    poll,
    replies,
    staff,
    submit_view,
    text_value,
    ticket,
)

QUESTION = "Was your problem solved?"
REFUSED = "Only the person who reported TKT-000001 can answer this. Nothing was changed."
HOSTILE = "<!channel> great & <@U0ADMIN> fast"


def closed_card(h) -> tuple[tuple[str, str], dict]:
    """Ticket 1 assigned to Carlos and closed; the reporter's card as it asks the question."""
    staff(h)
    ticket_id = assigned(h)
    h.services.tickets.close(ticket_id, Actor(CARLOS), "Cleaned the rollers")
    where = card_where(h.db, "reporter")
    return where, fresh_card(h, where, QUESTION)


def click(h, where, action_id: str, card: dict, user: str = REPORTER, **kw):
    value = kw.pop("value", None) or element(card["blocks"], action_id)["value"]
    channel = where[0] if user == REPORTER else "D" + user[1:]
    return click_card(h.slack, action_id, user=user, channel=channel, ts=where[1], value=value, **kw)


def opened_view(h, count: int) -> dict:
    return h.fake.wait_for("views.open", count=count)[-1].params["view"]


def rating_state(value: str) -> dict:
    option = {"text": {"type": "plain_text", "text": value}, "value": value}
    return {"rating": {"rating_value": {"type": "static_select", "selected_option": option}}}


def test_yes_then_one_click_rating_then_a_comment(harness):
    h, fake = harness, harness.fake
    where, card = closed_card(h)
    assert action_ids(card["blocks"]) == ["csat_yes", "csat_no"]
    assert [e["text"]["text"] for e in card["blocks"][-1]["elements"]] == ["Yes, thanks", "No, reopen"]

    click(h, where, "csat_yes", card)
    card = fresh_card(h, where, "Glad it is solved")
    assert action_ids(card["blocks"]) == ["csat_rating", "csat_rate", "ticket_reopen"]
    assert ticket(h.db).csat_outcome == "solved"
    triage, mine = card_where(h.db, "triage"), card_where(h.db, "engineer")
    poll(lambda: f"<@{REPORTER}> says the problem is solved." in replies(fake, mine), what="engineer told")
    poll(lambda: f"<@{REPORTER}> says the problem is solved." in replies(fake, triage), what="triage told")
    assert not any(
        "says the problem" in r for r in replies(fake, where)
    )  # their own answer: the card shows it

    # One click on the stars rates.
    menu = element(card["blocks"], "csat_rating")
    assert next(o["text"]["text"] for o in menu["options"]) == "★★★★★ 5 · Excellent"
    four = next(o["value"] for o in menu["options"] if o["value"].endswith(":4"))
    click_card(h.slack, "csat_rating", user=REPORTER, channel=where[0], ts=where[1], selected=four)
    card = fresh_card(h, where, "★★★★☆ 4/5")
    assert action_ids(card["blocks"]) == ["csat_rate", "ticket_reopen"]
    poll(lambda: any("rated the help ★★★★☆ 4/5." in r for r in replies(fake, mine)), what="rating told")

    # "Change rating": a modal with the rating chosen, and a comment (escaped wherever shown).
    click(h, where, "csat_rate", card)
    view = opened_view(h, 1)
    assert view["callback_id"] == "csat_rate_view" and view["title"]["text"] == "Rate the help"
    rating_input = next(b for b in view["blocks"] if b.get("block_id") == "rating")
    assert rating_input["element"]["initial_option"]["value"] == "4"
    answer = submit_view(
        h.slack, view, REPORTER, rating_state("5") | text_value("note", "note_value", HOSTILE)
    )
    assert answer.status == 200
    t = ticket(h.db)
    assert (t.status, t.csat_outcome, t.csat_rating, t.csat_comment) == ("closed", "solved", 5, HOSTILE)
    escaped = "&lt;!channel&gt; great &amp; &lt;@U0ADMIN&gt; fast"
    card = fresh_card(h, where, "★★★★★ 5/5", escaped)
    assert HOSTILE not in json.dumps(card, ensure_ascii=False)
    card_showing(fake, mine, "The reporter says the problem is solved", "★★★★★ 5/5", escaped)
    card_showing(fake, triage, "★★★★★ 5/5")
    poll(
        lambda: any(f"rated the help ★★★★★ 5/5: {escaped}" in r for r in replies(fake, triage)),
        what="comment",
    )
    assert [(e.kind, e.new_value, e.note) for e in events(h.db)][-3:] == [
        ("feedback", "solved", None),
        ("feedback", "4", None),
        ("feedback", "5", HOSTILE),
    ]

    # A second "Yes" from a card drawn before the answer: thanked, nothing recorded.
    click(h, where, "csat_yes", card, value=element(card["blocks"], "csat_rate")["value"])
    poll(lambda: ephemerals(fake, REPORTER), what="already answered")
    assert ephemerals(fake, REPORTER) == ["You already answered for TKT-000001. Thank you!"]
    assert [e.kind for e in events(h.db)].count("feedback") == 3


def test_no_reopens_and_tells_the_engineer_and_the_triage_thread(harness):
    h, fake = harness, harness.fake
    where, card = closed_card(h)
    click(h, where, "csat_no", card)
    view = opened_view(h, 1)
    assert view["callback_id"] == "csat_reopen_view"
    assert "What is still wrong?" in json.dumps(view) and view["submit"]["text"] == "Reopen"
    assert ticket(h.db).status == "closed"  # opening the modal changes nothing
    answer = submit_view(h.slack, view, REPORTER, text_value("note", "note_value", "Still jams on <b>A4</b>"))
    assert answer.status == 200

    t = ticket(h.db)
    assert (t.status, t.csat_outcome, t.csat_comment) == ("open", "reopened", "Still jams on <b>A4</b>")
    mine, triage = card_where(h.db, "engineer"), card_where(h.db, "triage")
    told = f"<@{REPORTER}> reopened this ticket: Problem not solved: Still jams on &lt;b&gt;A4&lt;/b&gt;"
    poll(lambda: told in replies(fake, mine), what="the engineer's thread")
    poll(lambda: told in replies(fake, triage), what="the triage thread")
    card = fresh_card(h, where, ":large_blue_circle: Open")
    assert action_ids(card["blocks"]) == [] and QUESTION not in json.dumps(card)
    assert [(e.kind, e.new_value) for e in events(h.db)][-2:] == [
        ("reopened", "open"),
        ("feedback", "reopened"),
    ]

    # Closed again: the question is asked afresh.
    h.services.tickets.close(1, Actor(CARLOS), "Replaced the printer")
    card = fresh_card(h, where, QUESTION)
    assert action_ids(card["blocks"]) == ["csat_yes", "csat_no"] and ticket(h.db).csat_outcome is None


def test_nobody_but_the_reporter_may_answer_not_even_an_admin(harness):
    h, fake = harness, harness.fake
    where, card = closed_card(h)
    version = ticket(h.db).version
    for intruder in (ADMIN, CARLOS, JORGE):
        for action_id in ("csat_yes", "csat_no"):
            before = len(ephemerals(fake, intruder))
            click(h, where, action_id, card, user=intruder)
            poll(lambda i=intruder, b=before: len(ephemerals(fake, i)) > b, what=f"{intruder} refused")
            assert ephemerals(fake, intruder)[-1] == REFUSED
    option = element(card["blocks"], "csat_yes")["value"] + ":1"
    click_card(h.slack, "csat_rating", user=ADMIN, channel="D0ADMIN", ts=where[1], selected=option)
    poll(lambda: len(ephemerals(fake, ADMIN)) == 3, what="a forged rating refused")
    assert fake.calls("views.open") == []  # no "what is still wrong?" modal for them

    # A modal submission forged by an admin (as if they had the reporter's modal) is refused too.
    h.services.tickets.solved(1, Actor(REPORTER))
    forged = {"callback_id": "csat_rate_view", "private_metadata": json.dumps({"t": 1, "v": version})}
    answer = submit_view(h.slack, forged, ADMIN, rating_state("1")).json()
    assert answer["response_action"] == "update" and REFUSED in json.dumps(answer["view"])
    t = ticket(h.db)
    assert (t.status, t.csat_outcome, t.csat_rating) == ("closed", "solved", None)
    assert [e.actor_id for e in events(h.db) if e.kind == "feedback"] == [REPORTER]


def test_spanish_question_buttons_and_rating(harness_es):
    h = harness_es
    where, _ = closed_card_es(h)
    card = fresh_card(h, where, "¿Se resolvió tu problema?")
    assert [e["text"]["text"] for e in card["blocks"][-1]["elements"]] == ["Sí, gracias", "No, reabrir"]
    click(h, where, "csat_yes", card)
    card = fresh_card(h, where, "¡Qué bueno que se resolvió, gracias!")
    menu = element(card["blocks"], "csat_rating")
    assert menu["placeholder"]["text"] == "Califica de 1 a 5"
    assert [o["text"]["text"] for o in menu["options"]][-1] == "★ 1 · Mala"
    assert [e["text"]["text"] for e in card["blocks"][-1]["elements"]] == ["Calificar y comentar", "Reabrir"]
    click(h, where, "csat_no", card, value=element(card["blocks"], "csat_rate")["value"])
    poll(lambda: ephemerals(h.fake, REPORTER), what="ya respondiste")
    assert ephemerals(h.fake, REPORTER) == ["Ya respondiste sobre TKT-000001. ¡Gracias!"]


def closed_card_es(h):
    staff(h)
    ticket_id = assigned(h)
    h.services.tickets.close(ticket_id, Actor(CARLOS), "Se limpiaron los rodillos")
    where = card_where(h.db, "reporter")
    return where, fresh_card(h, where, "Cerrado")


def test_the_admin_home_shows_satisfaction_overall_and_per_engineer(harness):
    h = harness
    closed_card(h)
    tickets = h.services.tickets
    tickets.solved(1, Actor(REPORTER))
    tickets.rate(1, Actor(REPORTER), 4)
    h.slack.home_opened(ADMIN)
    view = h.fake.wait_for("views.publish", lambda c: c.params["user_id"] == ADMIN)[-1].params["view"]
    shown = json.dumps(view, ensure_ascii=False)
    assert "*Satisfaction:* 4.0 ★ (1 rating) · 100 % solved" in shown
    assert "Carlos Pérez: 4.0 ★ (1)" in shown
