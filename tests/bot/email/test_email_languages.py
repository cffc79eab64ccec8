"""An email to a person speaks their language; one to a shared address (ADMIN_EMAILS) the
workspace's (BOT_LANGUAGE)."""

from __future__ import annotations

from storage.models import User
from tests.bot.email.conftest import ADMIN, ADMIN_MAIL, ANA, ANA_MAIL, TEAM_MAIL, new_ticket
from tests.conftest import REPORTER


def test_a_spanish_reporter_gets_her_emails_in_spanish_and_the_team_in_english(runtime, smtp, fake_slack):
    # Her Slack is in Spanish; the address book's users.info learns it before her first email.
    fake_slack.add_user(REPORTER, "ana", "Ana Gómez", email=ANA_MAIL, locale="es-ES")
    tickets = runtime.services.tickets
    ticket, _ = tickets.create(ANA, new_ticket("Impresora atascada"))
    runtime.dispatcher.drain()
    mails = {m.rcpt_to: m for m in smtp.wait_for(3)}
    assert mails[ANA_MAIL].subject == "[TKT-000001] Recibimos tu ticket: Impresora atascada"
    assert mails[ADMIN_MAIL].subject == "[TKT-000001] New high ticket: Impresora atascada"
    assert mails[TEAM_MAIL].subject == "[TKT-000001] New high ticket: Impresora atascada"
    with runtime.db.read() as s:
        assert s.get(User, REPORTER).locale == "es-ES"  # cached with the profile

    runtime.services.people.set_language(REPORTER, "en")  # her choice wins over Slack's locale
    tickets.close(ticket.id, ADMIN, "Cleared the jam")
    runtime.dispatcher.drain()
    to_ana = [m for m in smtp.wait_for(4) if m.rcpt_to == ANA_MAIL]
    assert len(to_ana) == 2 and "Recibimos" not in to_ana[-1].subject
    assert to_ana[-1].subject.startswith("[TKT-000001] ")
    assert "Cleared the jam" in to_ana[-1].part("plain") and "Closed" in to_ana[-1].part("plain")
