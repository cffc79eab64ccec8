"""The same flow in a Spanish workspace (`BOT_LANGUAGE=es`): every label, line and refusal."""

from __future__ import annotations

import json

from tests.conftest import ADMIN, REPORTER, TRIAGE
from tests.handlers.kit import (
    CARLOS,
    MARIA,
    action_ids,
    card_where,
    click_card,
    element,
    ephemerals,
    fresh_card,
    option_for,
    poll,
    replies,
    submit_view,
    text_value,
)


def test_spanish_triage_and_resolution(harness_es):
    h, fake = harness_es, harness_es.fake
    answer = h.slack.command("ingenieros agregar <@U0CARLOS|carlos> Redes y Servidores", user=ADMIN)
    assert answer.json()["text"] == "Agregando a <@U0CARLOS>…"
    fake.wait_for("response_url", lambda c: "ahora es ingeniero (Redes y Servidores)" in c.params["text"])
    h.slack.submit_new_ticket(title="Sin VPN", category="network")

    triage = card_where(h.db, "triage")
    picker = element(fresh_card(h, triage, "Asignar")["blocks"], "ticket_assign")
    assert picker["placeholder"]["text"] == "Asignar"
    assert picker["options"][0]["text"]["text"] == "Carlos Pérez — Redes y Servidores · 0 abiertos"
    click_card(
        h.slack,
        "ticket_assign",
        user=REPORTER,
        channel=TRIAGE,
        ts=triage[1],
        selected=option_for(picker, CARLOS),
    )
    poll(
        lambda: (
            ephemerals(fake, REPORTER)
            == ["Solo los administradores pueden asignar tickets. No se cambió nada."]
        )
    )
    click_card(
        h.slack,
        "ticket_assign",
        user=ADMIN,
        channel=TRIAGE,
        ts=triage[1],
        selected=option_for(picker, CARLOS),
    )
    poll(
        lambda: "Asignado a <@U0CARLOS> por <@U0ADMIN>." in replies(fake, triage), what="línea de asignación"
    )

    mine = card_where(h.db, "engineer")
    card = fresh_card(h, mine, "Tienes asignado el ticket TKT-000001")
    labels = [e["text"]["text"] for e in card["blocks"][-1]["elements"]]
    assert labels == ["En progreso", "En espera", "Cerrar", "Agregar nota"]

    click_card(
        h.slack,
        "ticket_start",
        user=MARIA,
        channel="D0MARIA",
        ts=mine[1],
        value=element(card["blocks"], "ticket_start")["value"],
    )
    poll(lambda: ephemerals(fake, MARIA), what="rechazo")
    assert ephemerals(fake, MARIA) == [
        "Solo el ingeniero asignado a TKT-000001 o un administrador puede hacer eso. No se cambió nada."
    ]

    click_card(
        h.slack,
        "ticket_close",
        user=CARLOS,
        channel=mine[0],
        ts=mine[1],
        value=element(card["blocks"], "ticket_close")["value"],
    )
    view = fake.wait_for("views.open")[0].params["view"]
    assert view["title"]["text"] == "Cerrar ticket" and view["submit"]["text"] == "Cerrar ticket"
    assert "Solución" in json.dumps(view, ensure_ascii=False)
    submit_view(h.slack, view, CARLOS, text_value("note", "note_value", "Se reinició el router"))

    reporter = card_where(h.db, "reporter")
    reporter_card = fresh_card(h, reporter, "Cerrado")
    assert action_ids(reporter_card["blocks"]) == ["csat_yes", "csat_no"]
    assert "¿Se resolvió tu problema?" in json.dumps(reporter_card["blocks"], ensure_ascii=False)
    assert [e["text"]["text"] for e in reporter_card["blocks"][-1]["elements"]] == [
        "Sí, gracias",
        "No, reabrir",
    ]
    poll(
        lambda: any(
            "cerró este ticket. Solución: Se reinició el router" in r for r in replies(fake, reporter)
        )
    )

    detail = json.dumps(h.slack.command("TKT-000001").json(), ensure_ascii=False)
    assert "*Notas* (1)" in detail and "Cerrado <!date^" in detail
    listing = json.dumps(h.slack.command("lista cerrado", user=ADMIN).json(), ensure_ascii=False)
    assert "Todos los tickets · :white_check_mark: Cerrado* (1)" in listing

    h.slack.home_opened(CARLOS)
    home = fake.wait_for("views.publish")[0].params["view"]
    assert (
        "Exportar a Excel" in json.dumps(home, ensure_ascii=False)
        and home["blocks"][0]["text"]["text"] == "Tus tickets"
    )
