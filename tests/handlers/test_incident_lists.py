"""Incidents where tickets are listed: the admin Home shows the open ones first, `/ticket list`
gives staff a section of them and "INC-1" beside a linked ticket, a reporter sees only their own
ticket's incident title and status; many incidents are capped with "and N more"."""

from __future__ import annotations

import json

from handlers.blocks.incident_lists import LISTED
from storage.domain import Actor
from tests.conftest import ADMIN, REPORTER
from tests.handlers.kit import CARLOS, filed, staff

SECRET = "Internal codename <b>Falcon</b>"


def shown(answer) -> str:
    body = answer.json()
    assert body["response_type"] == "ephemeral" and len(body["blocks"]) <= 50
    return json.dumps(body, ensure_ascii=False)


def outage(h) -> tuple[int, int]:
    staff(h)
    vpn, other = filed(h, "VPN drops"), filed(h, "Printer jam", "printers", reporter="U0JORGE")
    incident = h.services.incidents.declare(Actor(ADMIN), "VPN <!here> outage")
    h.services.incidents.link(Actor(ADMIN), vpn, incident.id)
    closed = h.services.incidents.declare(Actor(ADMIN), "Old outage")
    h.services.incidents.resolve(Actor(ADMIN), closed.id, "fixed")
    return vpn, other


def test_the_admin_home_shows_open_incidents_first(harness):
    h = harness
    outage(h)
    h.slack.home_opened(ADMIN)
    call = h.fake.wait_for("views.publish", lambda c: c.params["user_id"] == ADMIN)[-1]
    blocks = call.params["view"]["blocks"]
    assert blocks[1]["block_id"] == "open_incidents"  # right under the title, above the lists
    text = blocks[1]["text"]["text"]
    assert "Open incidents* (1)" in text
    assert "*INC-1* · VPN &lt;!here&gt; outage · Investigating · 1 linked" in text
    assert "Old outage" not in text
    listed = json.dumps(blocks[2:], ensure_ascii=False)
    assert "VPN drops" in listed and ":rotating_light: INC-1" in listed


def test_ticket_list_for_staff_and_for_the_reporter(harness):
    h = harness
    outage(h)
    for user in (ADMIN, CARLOS):
        text = shown(h.slack.command("list", user=user))
        assert "Open incidents* (1)" in text  # an engineer with no tickets of theirs too
    admin = shown(h.slack.command("list", user=ADMIN))
    assert "*INC-1* · VPN &lt;!here&gt; outage" in admin and ":rotating_light: INC-1" in admin
    mine = shown(h.slack.command("list", user=REPORTER))
    assert "Part of a known problem: VPN &lt;!here&gt; outage (Investigating)" in mine
    assert "INC-1" not in mine and "Open incidents" not in mine and "Printer jam" not in mine
    assert "<!here>" not in admin + mine


def test_many_open_incidents_are_capped_in_spanish(harness_es):
    h = harness_es
    for n in range(LISTED + 3):
        h.services.incidents.declare(Actor(ADMIN), f"Caída {n}")
    filed(h, "VPN")
    text = shown(h.slack.command("list", user=ADMIN))
    assert "Incidentes abiertos* (13)" in text and "…y 3 más" in text
    assert text.count("*INC-") == LISTED
