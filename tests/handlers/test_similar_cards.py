"""Similar tickets on the triage card: "Possibly the same as TKT-…", for staff only."""

from __future__ import annotations

import json

from tests.conftest import REPORTER, TRIAGE


def _triage_card(fake, number: str) -> str:
    (call,) = fake.wait_for(
        "chat.postMessage", lambda c: c.params["channel"] == TRIAGE and number in json.dumps(c.params)
    )
    return json.dumps(call.params["blocks"], ensure_ascii=False)


def _file_three(h) -> None:
    h.slack.submit_new_ticket(
        title="VPN keeps disconnecting <!channel>",
        description="Every 10 minutes the VPN drops and I have to reconnect.",
        category="network",
        user="U0MARIA",
        view_id="V0000000001",
    )
    h.slack.submit_new_ticket(
        title="Printer on 3rd floor out of toner",
        description="Prints come out blank, the toner must be empty.",
        category="printers",
        user="U0CARLOS",
        view_id="V0000000002",
    )
    h.fake.wait_for("chat.postMessage", lambda c: "TKT-000002" in json.dumps(c.params))
    h.slack.submit_new_ticket(
        title="La VPN se desconecta a cada rato",
        description="Cada 10 minutos se cae la VPN y tengo que volver a conectarme.",
        category="network",
        view_id="V0000000003",
    )


def test_the_triage_card_names_open_tickets_of_the_same_problem(harness):
    _file_three(harness)
    card = _triage_card(harness.fake, "TKT-000003")
    assert "Possibly the same as *TKT-000001* — VPN keeps disconnecting &lt;!channel&gt; (Open)" in card
    assert "TKT-000002" not in card  # the printer shares no problem with it
    assert "Possibly" not in _triage_card(harness.fake, "TKT-000002")
    # The reporter's own card never shows other people's tickets.
    (dm,) = harness.fake.wait_for(
        "chat.postMessage", lambda c: c.params["channel"] == REPORTER and "TKT-000003" in json.dumps(c.params)
    )
    assert "TKT-000001" not in json.dumps(dm.params) and "Possibly" not in json.dumps(dm.params)


def test_in_spanish(harness_es):
    _file_three(harness_es)
    card = _triage_card(harness_es.fake, "TKT-000003")
    assert (
        "Posiblemente el mismo que *TKT-000001* — VPN keeps disconnecting &lt;!channel&gt; (Abierto)" in card
    )
