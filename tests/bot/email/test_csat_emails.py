"""The engineer hears the reporter's rating, or their "not solved", by email; comments escaped."""

from __future__ import annotations

from tests.bot.email.conftest import ADMIN, ANA, CARLOS, CARLOS_MAIL, new_ticket

COMMENT = "<script>alert(1)</script> & thanks"


def closed(runtime) -> int:
    tickets = runtime.services.tickets
    ticket, _ = tickets.create(ANA, new_ticket())
    tickets.assign(ticket.id, CARLOS.user_id, ADMIN)
    tickets.close(ticket.id, CARLOS, "Cleaned the rollers")
    runtime.dispatcher.drain()
    return ticket.id


def to_carlos(smtp) -> list:
    return smtp.messages(lambda m: m.rcpt_to == CARLOS_MAIL)


def test_the_engineer_is_mailed_the_rating_with_the_comment_escaped(runtime, smtp):
    tickets = runtime.services.tickets
    ticket_id = closed(runtime)
    before = len(to_carlos(smtp))
    tickets.solved(ticket_id, ANA)
    runtime.dispatcher.drain()
    assert len(to_carlos(smtp)) == before  # a bare "yes" is told in Slack only

    tickets.rate(ticket_id, ANA, 4, COMMENT)
    runtime.dispatcher.drain()
    mail = smtp.wait_for(before + 1, lambda m: m.rcpt_to == CARLOS_MAIL)[-1]
    assert mail.subject == "[TKT-000001] Feedback from the reporter: Printer jams"
    text, html = mail.part("plain"), mail.part("html")
    assert "Ana Gómez rated the help 4/5." in text and COMMENT in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; thanks" in html and "<script>" not in html
    assert "Comment" in html


def test_the_engineer_is_mailed_a_not_solved(runtime, smtp):
    tickets = runtime.services.tickets
    ticket_id = closed(runtime)
    before = len(to_carlos(smtp))
    tickets.not_solved(ticket_id, ANA, "Problem not solved: still jams", "still jams")
    runtime.dispatcher.drain()
    mail = smtp.wait_for(before + 1, lambda m: m.rcpt_to == CARLOS_MAIL)[-1]
    text = mail.part("plain")
    assert "Ana Gómez says the problem is not solved: the ticket is open again." in text
    assert "still jams" in text
