"""Every person in their language: a Spanish-speaking reporter in an English workspace gets her
DM card, threads, modal, Home tab and ephemeral answers in Spanish, while the triage channel
stays English; `/ticket language` overrides Slack's locale and `auto` returns to it."""

from __future__ import annotations

import json

from handlers.directory import lookup
from handlers.i18n import translator
from storage.domain import Actor
from tests.conftest import ADMIN, REPORTER
from tests.handlers.kit import CARLOS, MARIA, card_showing, card_where, poll, replies, staff

ES, EN = translator("es"), translator("en")


def said(answer) -> str:
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    return json.dumps(body, ensure_ascii=False)


def spanish_ana(h) -> None:
    """Ana's Slack is in Spanish, and the bot has looked her up (as email delivery's users.info does)."""
    h.fake.add_user(REPORTER, "ana", "Ana Gómez", email="ana@example.com", locale="es-ES")
    h.services.people.remember(lookup(h.runtime.app.client, REPORTER))


def test_a_spanish_reporter_in_an_english_workspace(harness):
    h = harness
    spanish_ana(h)
    staff(h)

    assert "*Cómo usar /ticket*" in said(h.slack.command("help"))
    assert ES("help.language") in said(h.slack.command("ayuda"))
    assert "*How to use /ticket*" in said(h.slack.command("help", user=ADMIN))  # the admin: English
    assert "*How to use /ticket*" in said(h.slack.command("help", user=MARIA))  # never looked up

    h.slack.command("")
    (opened,) = h.fake.wait_for("views.open")
    assert opened.params["view"]["title"]["text"] == "Nuevo ticket"

    h.slack.submit_new_ticket(title="VPN caída")
    mine = card_where(h.db, "reporter")
    card_showing(h.fake, mine, "Recibimos tu ticket TKT-000001", "Prioridad")
    triage = card_where(h.db, "triage")
    card_showing(h.fake, triage, "Priority", "Assign")  # the channel's card: the workspace's words
    assert "*Tus tickets* (1)" in said(h.slack.command("mine"))

    h.services.people.set_language(CARLOS, "es")  # Carlos chose Spanish; María did not
    h.services.tickets.assign(1, CARLOS, Actor(ADMIN))
    carlos_card = card_where(h.db, "engineer")
    card_showing(h.fake, carlos_card, "Tienes asignado el ticket TKT-000001", "En progreso")
    poll(lambda: "Asignado a <@U0CARLOS> por <@U0ADMIN>." in replies(h.fake, mine), what="Ana's reply")
    poll(lambda: "Assigned to <@U0CARLOS> by <@U0ADMIN>." in replies(h.fake, triage), what="triage reply")

    h.services.tickets.assign(1, MARIA, Actor(ADMIN))  # taken from Carlos: his card, his language
    taken = ES("card.taken_from_you", number="TKT-000001", engineer="<@U0MARIA>")
    card_showing(h.fake, carlos_card, taken)
    moved = ES("event.unassigned_from_you", actor="<@U0ADMIN>", engineer="<@U0MARIA>")
    poll(lambda: moved in replies(h.fake, carlos_card), what="Carlos's thread reply")
    maria_card = poll(
        lambda: (t := h.services.tickets.get(1, ADMIN)).engineer_dm_ts and t, what="María's card"
    )
    card_showing(h.fake, (maria_card.engineer_dm_channel, maria_card.engineer_dm_ts), "is assigned to you")

    h.slack.home_opened(REPORTER)
    (home,) = h.fake.wait_for("views.publish", lambda c: c.params["user_id"] == REPORTER)
    shown = json.dumps(home.params["view"], ensure_ascii=False)
    assert ES("home.title") in shown and "Nuevo ticket" in shown and EN("home.title") not in shown


def test_the_override_wins_over_the_locale_and_auto_returns_to_it(harness):
    h = harness
    spanish_ana(h)
    assert said(h.slack.command("idioma")) == said(h.slack.command("language"))
    assert "Te escribo en *español* (tu idioma de Slack)" in said(h.slack.command("language"))

    # The answer is in the language just chosen.
    assert "Done: I will write to you in *English*." in said(h.slack.command("idioma en"))
    assert "*How to use /ticket*" in said(h.slack.command("help"))
    assert "I write to you in *English* (you chose it)" in said(h.slack.command("language"))
    h.slack.command("")
    (opened,) = h.fake.wait_for("views.open")
    assert opened.params["view"]["title"]["text"] == "New ticket"

    answer = said(h.slack.command("language auto"))
    assert "Listo: vuelvo a seguir tu idioma de Slack, así que te escribo en *español*" in answer
    assert "*Cómo usar /ticket*" in said(h.slack.command("help"))
    assert ES("language.usage") in said(h.slack.command("language klingon"))

    # Someone Slack never told us about: the workspace's language, until they choose.
    assert "the workspace's language" in said(h.slack.command("language", user=MARIA))
    assert "Listo: te escribiré en *español*" in said(h.slack.command("language español", user=MARIA))
    assert "*Cómo usar /ticket*" in said(h.slack.command("help", user=MARIA))


def test_a_spanish_workspace_speaks_english_to_who_chose_it(harness_es):
    h = harness_es
    assert "Done: I will write to you in *English*." in said(h.slack.command("idioma inglés"))
    assert "*How to use /ticket*" in said(h.slack.command("ayuda"))
    assert "*Cómo usar /ticket*" in said(h.slack.command("ayuda", user=ADMIN))
