"""Email in through `MailIn.take`: a reply becomes a public comment that reaches the other side
in Slack and by email; who may write; robots, duplicates, forgeries and strangers change nothing."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from bot.mail_in import MailIn, MailOutcome
from storage.domain import Visibility
from storage.models import InboundMail, OutboxRow, Ticket, TicketEvent
from tests.bot.email.conftest import ADMIN, ANA, ANA_MAIL, CARLOS, CARLOS_MAIL, new_ticket
from tests.bot.mail_in.conftest import fixture, slack_of
from tests.handlers.kit import card_where, replies

SECRET = "the vendor's admin password is hunter2"


def assigned_ticket(runtime) -> int:
    tickets = runtime.services.tickets
    ticket, _ = tickets.create(ANA, new_ticket("VPN drops", category="network"))
    tickets.assign(ticket.id, CARLOS.user_id, ADMIN)
    tickets.add_note(ticket.id, ADMIN, SECRET, Visibility.INTERNAL)  # never to reach Ana
    runtime.dispatcher.drain()
    return ticket.id


def notes(db, ticket_id: int = 1) -> list[TicketEvent]:
    with db.read() as s:
        query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "note")
        return list(s.scalars(query.order_by(TicketEvent.id)))


def tickets_in(db) -> list[Ticket]:
    with db.read() as s:
        return list(s.scalars(select(Ticket).order_by(Ticket.id)))


def reactions(fake) -> list:
    return fake.calls("reactions.add")


def test_the_reporter_answers_by_email_and_the_engineer_reads_it_in_slack_and_by_email(
    runtime, smtp, mail_in, fake_slack
):
    number = assigned_ticket(runtime)
    engineer_card, triage_card = (
        card_where(runtime.db, "engineer", number),
        card_where(runtime.db, "triage", number),
    )
    smtp.received.clear()

    assert mail_in.take(fixture("outlook_reply_en.eml")) is MailOutcome.TAKEN
    (said,) = [n for n in notes(runtime.db) if n.actor_id == ANA.user_id]
    assert said.visibility == "public"
    assert said.note == "Hi Carlos,\n\nThe asset tag is LAP-4411. It’s the grey Dell on my desk."
    runtime.dispatcher.drain()
    relayed = [r for r in replies(fake_slack, engineer_card) if "LAP-4411" in r]
    assert len(relayed) == 1 and "(reporter) wrote:" in relayed[0]
    assert not any("LAP-4411" in r for r in replies(fake_slack, triage_card))  # the engineer has it
    assert reactions(fake_slack) == []  # an email has no Slack message to react to
    (mailed,) = smtp.wait_for(1, lambda m: m.rcpt_to == CARLOS_MAIL)
    assert "LAP-4411" in mailed.part("plain") and mailed.subject.startswith("[TKT-000001]")
    assert [m for m in smtp.messages() if m.rcpt_to == ANA_MAIL] == []  # nobody is told what they did

    # The MTA handing the same message in again: one comment.
    assert mail_in.take(fixture("outlook_reply_en.eml")) is MailOutcome.IGNORED
    assert len([n for n in notes(runtime.db) if n.actor_id == ANA.user_id]) == 1
    with runtime.db.read() as s:
        (row,) = s.scalars(select(InboundMail)).all()
    assert row.ticket_id == number and row.message_id.startswith("<AM6PR05MB4194")


def test_the_engineer_answers_by_email_and_the_reporter_gets_it_without_the_internal_note(
    runtime, smtp, mail_in, fake_slack
):
    number = assigned_ticket(runtime)
    reporter_card = card_where(runtime.db, "reporter", number)
    smtp.received.clear()

    assert mail_in.take(fixture("gmail_reply_en.eml")) is MailOutcome.TAKEN
    said = notes(runtime.db)[-1]
    assert (said.actor_id, said.visibility) == (CARLOS.user_id, "public")
    runtime.dispatcher.drain()
    relayed = [r for r in replies(fake_slack, reporter_card) if "new VPN profile" in r]
    assert len(relayed) == 1 and "(engineer) wrote:" in relayed[0]
    (mailed,) = smtp.wait_for(1, lambda m: m.rcpt_to == ANA_MAIL)
    assert "new VPN profile" in mailed.part("plain")
    for part in ("plain", "html"):
        assert "hunter2" not in mailed.part(part)
    assert not any("hunter2" in r for r in replies(fake_slack, reporter_card))


def test_an_admin_answers_publicly_by_email_and_the_engineer_sees_it_too(runtime, smtp, mail_in, fake_slack):
    number = assigned_ticket(runtime)
    engineer_card, reporter_card = (
        card_where(runtime.db, "engineer", number),
        card_where(runtime.db, "reporter", number),
    )
    raw = fixture("gmail_reply_en.eml").replace(b"carlos@example.com>\nDate", b"admin@example.com>\nDate")
    raw = raw.replace(b"=?UTF-8?Q?Carlos_P=C3=A9rez?=", b"Alex Admin")
    assert mail_in.take(raw) is MailOutcome.TAKEN
    assert notes(runtime.db)[-1].actor_id == ADMIN.user_id and notes(runtime.db)[-1].visibility == "public"
    runtime.dispatcher.drain()
    assert any("new VPN profile" in r for r in replies(fake_slack, reporter_card))
    assert any("new VPN profile" in r for r in replies(fake_slack, engineer_card))
    smtp.wait_for(1, lambda m: m.rcpt_to == ANA_MAIL and "new VPN profile" in m.part("plain"))


def test_spanish_replies_are_stored_as_written(runtime, mail_in):
    assigned_ticket(runtime)
    assert mail_in.take(fixture("outlook_reply_es.eml")) is MailOutcome.TAKEN
    assert mail_in.take(fixture("gmail_reply_es.eml")) is MailOutcome.TAKEN
    assert [n.note for n in notes(runtime.db)[-2:]] == [
        "Sí, la etiqueta es LAP-4411. Está en el escritorio de contabilidad.",
        "Ya reinicié y la VPN funciona. ¡Gracias!",
    ]


def test_anyone_else_writing_to_a_ticket_is_refused_and_it_stays_untouched(runtime, mail_in, caplog):
    number = assigned_ticket(runtime)
    before = (len(notes(runtime.db)), tickets_in(runtime.db)[0].version)
    stranger = fixture("outlook_reply_en.eml").replace(b"<Ana@Example.com>", b"<maria@example.com>")
    with caplog.at_level(logging.WARNING, "ticketbot.mail_in"):
        assert mail_in.take(stranger) is MailOutcome.REFUSED  # María: an engineer, not on this ticket
        outsider = fixture("outlook_reply_en.eml").replace(b"<Ana@Example.com>", b"<someone@evil.test>")
        assert mail_in.take(outsider) is MailOutcome.REFUSED
    assert "refused" in caplog.text and "TKT-000001" in caplog.text
    assert (len(notes(runtime.db)), tickets_in(runtime.db)[0].version) == before
    assert number == 1


def test_forged_mail_failing_dmarc_is_refused_where_a_trusted_server_said_so(runtime, mail_in):
    assigned_ticket(runtime)
    trusting = MailIn(
        runtime.services,
        replace(runtime.settings, mail_trusted_authserv_ids=("mx.example.com",)),
        slack_of(runtime.settings),
    )
    before = len(notes(runtime.db))
    assert trusting.take(fixture("forged_dmarc_fail.eml")) is MailOutcome.REFUSED
    assert len(notes(runtime.db)) == before
    assert trusting.take(fixture("outlook_reply_en.eml")) is MailOutcome.TAKEN  # dmarc=pass
    # Without MAIL_TRUSTED_AUTHSERV_ID nobody's Authentication-Results is believed (README warns).
    assert mail_in.take(fixture("forged_dmarc_fail.eml")) is MailOutcome.TAKEN


def test_auto_replies_bounces_and_our_own_mail_change_nothing(runtime, smtp, mail_in):
    assigned_ticket(runtime)
    rows_before = _outbox_count(runtime.db)
    for name in ("auto_reply_ooo.eml", "bounce_mailer_daemon.eml"):
        assert mail_in.take(fixture(name)) is MailOutcome.IGNORED
    ours = fixture("outlook_reply_en.eml").replace(b"<Ana@Example.com>", b"<helpdesk@example.com>")
    assert mail_in.take(ours) is MailOutcome.IGNORED
    assert _outbox_count(runtime.db) == rows_before and len(tickets_in(runtime.db)) == 1


def test_a_member_without_a_reference_files_a_new_ticket_from_html_mail(runtime, smtp, mail_in):
    assert mail_in.take(fixture("html_only_script.eml")) is MailOutcome.TAKEN
    (ticket,) = tickets_in(runtime.db)
    assert (ticket.reporter_id, ticket.category, ticket.priority) == (ANA.user_id, "other", "medium")
    assert ticket.title == "Printer on floor 3 is offline"
    assert (
        ticket.description.startswith('The printer HP-3F shows "offline"')
        and "script" not in ticket.description
    )
    runtime.dispatcher.drain()
    smtp.wait_for(1, lambda m: m.rcpt_to == ANA_MAIL and "received" in m.subject)  # the usual receipt
    assert mail_in.take(fixture("html_only_script.eml")) is MailOutcome.IGNORED
    assert len(tickets_in(runtime.db)) == 1


def test_a_new_ticket_by_email_brings_its_attachments_to_the_triage_thread(runtime, mail_in, fake_slack):
    raw = re.sub(rb"(?m)^(In-Reply-To|References): .*\r?\n", b"", fixture("with_attachment.eml"))
    raw = raw.replace(b"Re: [TKT-000001] VPN drops - screenshot and log", b"VPN drops")
    assert mail_in.take(raw) is MailOutcome.TAKEN
    (ticket,) = tickets_in(runtime.db)
    files = runtime.services.attachments.for_ticket(ticket.id, include_internal=False)
    assert sorted(f.filename for f in files) == ["vpn error.png", "vpnclient.log"]
    runtime.dispatcher.drain()
    triage = card_where(runtime.db, "triage", ticket.id)
    uploaded = [
        f["filename"]
        for f in fake_slack.uploaded_files()
        if f["completed"] and (f["channel_id"], f["thread_ts"]) == triage
    ]
    assert sorted(uploaded) == ["vpn error.png", "vpnclient.log"]


def test_the_emails_say_what_a_reply_does_to_whom(runtime, smtp):
    assigned_ticket(runtime)
    (to_ana,) = smtp.wait_for(1, lambda m: m.rcpt_to == ANA_MAIL and "received" in m.subject)
    assert "Reply to it to write to the helpdesk." in to_ana.part("plain")
    to_carlos = smtp.wait_for(1, lambda m: m.rcpt_to == CARLOS_MAIL)
    assert all("reaches the reporter as a public comment" in m.part("plain") for m in to_carlos)
    assert "reaches the reporter" not in to_ana.part("plain")


def test_a_member_known_only_to_slack_is_looked_up_by_email(runtime, mail_in, fake_slack):
    fake_slack.add_user("U0NEW", "new", "Nia Newcomer", email="nia@example.com")
    raw = fixture("header_injection.eml").replace(b"Ana Gomez <ana@example.com>", b"Nia <NIA@example.com>")
    assert mail_in.take(raw) is MailOutcome.TAKEN
    (ticket,) = tickets_in(runtime.db)
    assert ticket.reporter_id == "U0NEW"
    assert "\n" not in ticket.title and ticket.title.startswith("Monitor broken Bcc: victim@evil.test")
    assert [c.params["email"] for c in fake_slack.calls("users.lookupByEmail")] == ["nia@example.com"]


def test_strangers_are_refused_unless_mail_accept_unknown(runtime, mail_in):
    raw = fixture("html_only_script.eml").replace(
        b"Ana Gomez <ana@example.com>", b"Pat Vendor <pat@vendor.test>"
    )
    assert mail_in.take(raw) is MailOutcome.REFUSED
    assert tickets_in(runtime.db) == []
    accepting = MailIn(
        runtime.services, replace(runtime.settings, mail_accept_unknown=True), slack_of(runtime.settings)
    )
    assert accepting.take(raw) is MailOutcome.TAKEN
    (ticket,) = tickets_in(runtime.db)
    assert ticket.reporter_id == ADMIN.user_id  # as for a Slack Connect author: the helpdesk reports
    assert ticket.description.startswith("Sent by email by Pat Vendor <pat@vendor.test>:\nThe printer HP-3F")


def test_a_reply_long_after_the_close_is_refused_and_within_the_window_reopens(runtime, mail_in):
    number = assigned_ticket(runtime)
    tickets = runtime.services.tickets
    tickets.close(number, CARLOS, "New VPN profile")
    assert mail_in.take(fixture("apple_mail_reply.eml")) is MailOutcome.TAKEN
    assert tickets_in(runtime.db)[0].status == "open"
    tickets.close(number, CARLOS, "Really fixed")
    later = tickets.clock() + timedelta(days=30)
    tickets.clock = lambda: later
    again = fixture("outlook_reply_en.eml")
    assert mail_in.take(again) is MailOutcome.REFUSED
    assert tickets_in(runtime.db)[0].status == "closed"


def test_oversize_mail_is_refused(runtime):
    assigned_ticket(runtime)
    small = MailIn(
        runtime.services, replace(runtime.settings, mail_max_bytes=10_000), slack_of(runtime.settings)
    )
    before = len(notes(runtime.db))
    assert small.take(fixture("outlook_reply_en.eml") + b"x" * 10_000) is MailOutcome.REFUSED
    assert len(notes(runtime.db)) == before


def test_attachments_are_kept_with_the_comment_and_reach_the_engineer_in_slack_and_by_email(
    runtime, mail_in, smtp, fake_slack
):
    number = assigned_ticket(runtime)
    engineer_card = card_where(runtime.db, "engineer", number)
    smtp.received.clear()
    assert mail_in.take(fixture("with_attachment.eml")) is MailOutcome.TAKEN
    comment = notes(runtime.db)[-1]
    assert comment.note == "Here is the error on screen and the client log."
    files = runtime.services.attachments.for_ticket(number, include_internal=False)
    assert [(f.filename, f.event_id, f.state) for f in files] == [
        ("vpn error.png", comment.id, "stored"),
        ("vpnclient.log", comment.id, "stored"),  # "../../etc/vpnclient.log": no path kept
    ]
    log_bytes = runtime.services.attachments.get(files[1].id).data
    assert log_bytes.startswith(b"2026-12-04 09:12:01 vpn: tunnel down")
    runtime.dispatcher.drain()
    uploaded = [
        f
        for f in fake_slack.uploaded_files()
        if f["completed"] and (f["channel_id"], f["thread_ts"]) == engineer_card
    ]
    assert sorted(f["filename"] for f in uploaded) == ["vpn error.png", "vpnclient.log"]
    assert {f["filename"]: f["bytes"] for f in uploaded}["vpnclient.log"] == log_bytes
    (mailed,) = smtp.wait_for(1, lambda m: m.rcpt_to == CARLOS_MAIL)
    names = {part.get_filename() for part in mailed.message.iter_attachments()}
    assert names == {"vpn error.png", "vpnclient.log"}


def test_an_attachment_over_file_max_mb_is_left_out_and_the_rest_is_taken(runtime, smtp):
    number = assigned_ticket(runtime)
    runtime.services.attachments.max_bytes = 80  # the PNG (70 bytes) fits, the log (89) does not
    assert (
        MailIn(runtime.services, runtime.settings, slack_of(runtime.settings)).take(
            fixture("with_attachment.eml")
        )
        is MailOutcome.TAKEN
    )
    kept = runtime.services.attachments.for_ticket(number, include_internal=True)
    assert [(f.filename, f.size) for f in kept] == [("vpn error.png", 70)]
    assert notes(runtime.db)[-1].note == (  # the reader is told what was left out
        "Here is the error on screen and the client log.\n\n📎 Not kept, over 0 MB: vpnclient.log"
    )


def test_a_from_naming_two_addresses_is_refused_and_a_dmarc_verdict_on_another_domain_too(runtime):
    assigned_ticket(runtime)
    before = len(notes(runtime.db))
    reply = fixture("outlook_reply_en.eml")
    # What a receiving server checked ("attacker@evil.com") is not what a lax parser reads first.
    for forged in (
        b"From: ana@example.com <attacker@evil.com>",
        b"From: Ana <ana@example.com>, <x@evil.com>",
    ):
        forged_mail = re.sub(rb"(?m)^From: .*$", forged, reply, count=1)
        assert (
            MailIn(runtime.services, runtime.settings, slack_of(runtime.settings)).take(forged_mail)
            is MailOutcome.REFUSED
        )
    trusting = MailIn(
        runtime.services,
        replace(runtime.settings, mail_trusted_authserv_ids=("mx.example.com",)),
        slack_of(runtime.settings),
    )
    other = b"Authentication-Results: mx.example.com; dmarc=pass header.from=evil.com\r\n" + reply
    assert trusting.take(other) is MailOutcome.REFUSED
    assert len(notes(runtime.db)) == before


def test_a_database_that_cannot_be_reached_is_a_tempfail(runtime, fake_slack):
    from bot.app import build_services
    from storage.db import Database

    down = Database.from_url("postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2")
    try:
        outcome = MailIn(
            build_services(runtime.settings, down), runtime.settings, slack_of(runtime.settings)
        ).take(fixture("outlook_reply_en.eml"))
    finally:
        down.dispose()
    assert outcome is MailOutcome.TEMPFAIL
    assert (
        MailIn(runtime.services, runtime.settings, slack_of(runtime.settings)).take(fixture("garbage.eml"))
        is MailOutcome.DATAERR
    )


def _outbox_count(db) -> int:
    with db.read() as s:
        return len(s.scalars(select(OutboxRow.id)).all())


def test_hostile_text_by_email_pings_nobody_and_is_escaped_in_the_email(runtime, smtp, mail_in, fake_slack):
    number = assigned_ticket(runtime)
    engineer_card = card_where(runtime.db, "engineer", number)
    smtp.received.clear()
    hostile = "Urgent <!channel> <!subteam^S0IT|@it> <script>alert(1)</script> & more"
    raw = fixture("apple_mail_reply.eml").replace(
        b"Still dropping every 20 minutes, even after the restart.", hostile.encode()
    )
    assert mail_in.take(raw) is MailOutcome.TAKEN
    runtime.dispatcher.drain()
    (relayed,) = [r for r in replies(fake_slack, engineer_card) if "Urgent" in r]
    assert "<!channel>" not in relayed and "<!subteam" not in relayed
    (mailed,) = smtp.wait_for(1, lambda m: m.rcpt_to == CARLOS_MAIL)
    html = mailed.part("html")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
