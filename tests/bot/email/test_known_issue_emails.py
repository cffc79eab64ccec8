"""The reporter's receipt email names the known issue and the written-up fix its ticket
matches, escaped as HTML, and nothing of the other people's tickets behind them."""

from __future__ import annotations

from storage.domain import Visibility
from tests.bot.email.conftest import ADMIN, ANA, ANA_MAIL, CARLOS, MARIA, new_ticket

MARKERS = ("OLDTITLE-3318", "DESC-5521", "INTERNAL-9902", "PRIVATE-RES-7731", "María López", "TKT-000001")


def test_the_receipt_tells_the_known_issue_and_fix_and_nothing_else(runtime, smtp):
    tickets, incidents = runtime.services.tickets, runtime.services.incidents
    incident = incidents.declare(ADMIN, "VPN disconnecting <Bogota>")
    old, _ = tickets.create(
        MARIA,
        new_ticket("VPN keeps disconnecting OLDTITLE-3318", description="DESC-5521", category="network"),
    )
    tickets.add_note(old.id, ADMIN, "INTERNAL-9902", Visibility.INTERNAL)
    tickets.close(old.id, ADMIN, "PRIVATE-RES-7731 reinstalled")
    runtime.services.known_fixes.mark(CARLOS, old.id, "Reinstall the VPN <profile>", "Open it\nRemove it")
    runtime.dispatcher.drain()
    smtp.received.clear()

    tickets.create(ANA, new_ticket("My VPN keeps disconnecting", description="Since 9", category="network"))
    runtime.dispatcher.drain()
    (mail,) = smtp.wait_for(1, lambda m: m.rcpt_to == ANA_MAIL)
    text, html = mail.part("plain"), mail.part("html")
    assert f"Known issue: VPN disconnecting <Bogota> ({incident.number}) — we are on it." in text
    assert "Try this first: Reinstall the VPN <profile>\nOpen it\nRemove it" in text
    assert "VPN disconnecting &lt;Bogota&gt;" in html and "Reinstall the VPN &lt;profile&gt;" in html
    assert "Open it<br>\nRemove it" in html
    for marker in MARKERS:
        assert marker not in text and marker not in html, marker
