"""Every ticket event sends the right emails to the right people, threaded and escaped."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from bot.app import build
from bot.jobs import sweep_sla
from storage import email_plan
from storage.domain import Status, Visibility
from storage.models import OutboxRow, User, utcnow
from tests.bot.email.conftest import (
    ADMIN,
    ADMIN_MAIL,
    ANA,
    ANA_MAIL,
    CARLOS,
    CARLOS_MAIL,
    JORGE,
    MARIA,
    MARIA_MAIL,
    TEAM_MAIL,
    make_runtime,
    new_ticket,
)
from tests.conftest import REPORTER, TRIAGE

ROOT = "<tkt-000001@example.com>"


def permalink(channel: str, ts: str) -> str:
    return f"https://test.slack.com/archives/{channel}/p{ts.replace('.', '')}"


def email_rows(db) -> list[OutboxRow]:
    with db.read() as s:
        return list(
            s.scalars(select(OutboxRow).where(OutboxRow.kind == email_plan.EMAIL).order_by(OutboxRow.id))
        )


def test_filing_mails_the_reporter_and_every_admin_in_the_same_transaction(runtime, smtp):
    tickets = runtime.services.tickets
    ticket, _ = tickets.create(ANA, new_ticket())
    # The rows exist as soon as the ticket does; nothing was sent from inside the change.
    rows = email_rows(runtime.db)
    assert [(r.payload["template"], r.payload["to"]) for r in rows] == [
        ("received", {"user": REPORTER}),
        ("new_ticket", {"user": "U0ADMIN"}),
        ("new_ticket", {"address": TEAM_MAIL}),
    ]
    assert smtp.received == []

    runtime.dispatcher.drain()
    mails = {m.rcpt_to: m for m in smtp.wait_for(3)}
    assert set(mails) == {ANA_MAIL, ADMIN_MAIL, TEAM_MAIL}
    assert mails[ANA_MAIL].subject == "[TKT-000001] Your ticket was received: Printer jams"
    assert mails[ADMIN_MAIL].subject == "[TKT-000001] New high ticket: Printer jams"
    assert mails[TEAM_MAIL].subject == "[TKT-000001] New high ticket: Printer jams"
    for mail in mails.values():
        message = mail.message
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
        assert mail.message_id == ROOT and message["In-Reply-To"] is None  # the thread's first email
        assert (
            message["From"] == "IT Helpdesk <helpdesk@example.com>"
            and message["Reply-To"] == "it@example.com"
        )
        assert mail.mail_from == "helpdesk@example.com" and message["Auto-Submitted"] == "auto-generated"
    assert str(mails[ANA_MAIL].message["To"]) == "Ana Gómez <ana@example.com>"

    # Deep links: the card each reader has in Slack if it was posted already (cards and emails
    # leave side by side), else the triage channel for admins and the app's DM for the reporter.
    ticket = tickets.get(ticket.id, "U0ADMIN")
    triage_link = permalink(TRIAGE, ticket.triage_ts)
    dm_link = permalink(ticket.reporter_dm_channel, ticket.reporter_dm_ts)
    channel_link = f"https://slack.com/app_redirect?channel={TRIAGE}&team=T0001"
    app_link = "https://slack.com/app_redirect?app=A0001&amp;team=T0001"  # as the HTML shows it
    for admin in (ADMIN_MAIL, TEAM_MAIL):
        assert triage_link in mails[admin].part("plain") or channel_link in mails[admin].part("plain")
    assert dm_link in mails[ANA_MAIL].part("html") or app_link in mails[ANA_MAIL].part("html")
    # Once the cards exist, every later email links straight to its reader's card.
    tickets.change_status(ticket.id, Status.IN_PROGRESS, ADMIN)
    runtime.dispatcher.drain()
    (status_mail,) = smtp.wait_for(1, lambda m: m.subject.endswith("Status: In progress"))
    assert dm_link in status_mail.part("plain")

    # The reporter's address came from users.info and is cached for the next email.
    with runtime.db.read() as s:
        ana = s.get(User, REPORTER)
        assert ana.email == ANA_MAIL and ana.fetched_at is not None
    assert all(r.state == "done" for r in email_rows(runtime.db))


def test_every_event_mails_the_right_people_threaded_to_the_first(runtime, smtp, fake_slack):
    tickets = runtime.services.tickets
    ticket, _ = tickets.create(ANA, new_ticket())
    tid = ticket.id
    tickets.assign(tid, "U0CARLOS", ADMIN)
    tickets.change_status(tid, Status.IN_PROGRESS, CARLOS)
    tickets.change_status(tid, Status.ON_HOLD, CARLOS, "Waiting for a fuser from the supplier")
    tickets.add_note(tid, CARLOS, "We ordered a part", Visibility.PUBLIC)
    tickets.add_note(tid, CARLOS, "SECRET: this printer is end of life", Visibility.INTERNAL)
    tickets.assign(tid, "U0MARIA", ADMIN)
    tickets.change_status(tid, Status.IN_PROGRESS, MARIA)
    tickets.close(tid, MARIA, "Replaced the fuser")
    tickets.reopen(tid, ADMIN, "It jams again")
    runtime.dispatcher.drain()

    expected = [
        (ANA_MAIL, "[TKT-000001] Your ticket was received: Printer jams"),
        (ADMIN_MAIL, "[TKT-000001] New high ticket: Printer jams"),
        (TEAM_MAIL, "[TKT-000001] New high ticket: Printer jams"),
        (CARLOS_MAIL, "[TKT-000001] Assigned to you: Printer jams"),
        (ANA_MAIL, "[TKT-000001] Status: In progress"),
        (ANA_MAIL, "[TKT-000001] Status: On hold"),
        (ANA_MAIL, "[TKT-000001] New update"),
        (MARIA_MAIL, "[TKT-000001] Assigned to you: Printer jams"),
        (CARLOS_MAIL, "[TKT-000001] Reassigned to María López: Printer jams"),
        (ANA_MAIL, "[TKT-000001] Status: In progress"),
        (ANA_MAIL, "[TKT-000001] Closed: Printer jams"),
        (ANA_MAIL, "[TKT-000001] Status: Open"),
    ]
    mails = smtp.wait_for(len(expected))
    assert sorted((m.rcpt_to, m.subject) for m in mails) == sorted(expected)
    # Each person's emails arrive in the order things happened.
    assert [m.subject for m in mails if m.rcpt_to == ANA_MAIL] == [s for r, s in expected if r == ANA_MAIL]

    later = [m for m in mails if m.message_id != ROOT]
    assert len(later) == len(expected) - 3
    assert len({m.message_id for m in later}) == len(later)  # one id per email
    for mail in later:
        assert mail.message["In-Reply-To"] == ROOT and mail.message["References"] == ROOT
        assert mail.message_id.startswith("<tkt-000001.") and mail.message_id.endswith("@example.com>")

    on_hold = next(m for m in mails if m.subject.endswith("On hold"))
    assert "Reason:\nWaiting for a fuser from the supplier" in on_hold.part("plain")
    assert "Carlos Pérez changed the status from In progress to On hold." in on_hold.part("html")
    closed = next(m for m in mails if m.subject.startswith("[TKT-000001] Closed"))
    assert "Resolution:\nReplaced the fuser" in closed.part("plain")
    reassigned = next(m for m in mails if "Reassigned" in m.subject)
    assert "reassigned to María López: it is no longer yours" in reassigned.part("plain")
    # Internal notes never reach the reporter (nor anyone: engineers read them in Slack).
    assert not any("SECRET" in m.part("plain") or "SECRET" in m.part("html") for m in mails)
    assert Counter((m.rcpt_to, m.message_id) for m in mails).most_common(1)[0][1] == 1
    assert fake_slack.calls("users.info")  # the reporter and admin addresses came from Slack


def test_user_supplied_text_arrives_escaped_in_html(runtime, smtp):
    title = "<script>alert(1)</script>"
    description = '<img src=x onerror=alert(1)> & "quotes"\n<a href="javascript:alert(2)">click</a>'
    tickets = runtime.services.tickets
    ticket, _ = tickets.create(ANA, new_ticket(title, description=description))
    tickets.assign(ticket.id, "U0CARLOS", ADMIN)
    tickets.add_note(ticket.id, CARLOS, "<b onmouseover=alert(3)>bold</b>", Visibility.PUBLIC)
    runtime.dispatcher.drain()

    mails = smtp.wait_for(5)
    for mail in mails:
        html = mail.part("html")
        for hostile in ("<script", "<img", "<b onmouseover", 'href="javascript'):
            assert hostile not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;quotes&#34;<br>" in html
        # Plain text shows exactly what was typed; the subject too.
        assert title in mail.part("plain") and description in mail.part("plain")
        assert title in mail.subject or mail.subject == "[TKT-000001] New update"
    update_mail = next(m for m in mails if m.subject.endswith("New update"))
    assert "&lt;b onmouseover=alert(3)&gt;bold&lt;/b&gt;" in update_mail.part("html")


def test_html_has_status_and_priority_badges_fields_and_the_latest_change(runtime, smtp):
    tickets = runtime.services.tickets
    ticket, _ = tickets.create(ANA, new_ticket(priority="critical"))
    runtime.dispatcher.drain()  # the admin's Slack profile is cached by now: their real name shows
    tickets.assign(ticket.id, "U0CARLOS", ADMIN)
    runtime.dispatcher.drain()
    (mail,) = smtp.wait_for(1, lambda m: m.rcpt_to == CARLOS_MAIL)
    html = mail.part("html")
    assert 'class="badge-status"' in html and ">Open</span>" in html
    assert 'class="badge-priority"' in html and "background:#dc2626" in html and ">Critical</span>" in html
    assert 'class="latest-change"' in html and "Alex Admin assigned this ticket to Carlos Pérez." in html
    for label, value in (
        ("Assigned to", "Carlos Pérez"),
        ("Category", "Printers"),
        ("Reporter", "Ana Gómez"),
    ):
        assert f">{label}</th>" in html and f">{value}</td>" in html
    assert "Open in Slack</a>" in html


def test_spanish_subjects_and_bodies(mail_settings, db, smtp, fake_slack):
    runtime = make_runtime(replace(mail_settings, language="es"), db)
    try:
        tickets = runtime.services.tickets
        ticket, _ = tickets.create(ANA, new_ticket("Impresora atascada"))
        tickets.assign(ticket.id, "U0CARLOS", ADMIN)
        tickets.change_status(ticket.id, Status.IN_PROGRESS, CARLOS)
        runtime.dispatcher.drain()
        subjects = sorted(m.subject for m in smtp.wait_for(5))
        assert subjects == sorted(
            [
                "[TKT-000001] Recibimos tu ticket: Impresora atascada",
                "[TKT-000001] Nuevo ticket de prioridad alta: Impresora atascada",
                "[TKT-000001] Nuevo ticket de prioridad alta: Impresora atascada",
                "[TKT-000001] Asignado a ti: Impresora atascada",
                "[TKT-000001] Estado: En progreso",
            ]
        )
        status = next(m for m in smtp.received if "Estado" in m.subject)
        assert "Carlos Pérez cambió el estado de Abierto a En progreso." in status.part("plain")
    finally:
        runtime.dispatcher.stop()


def test_times_in_emails_are_the_workspaces_wall_clock(mail_settings, db, smtp, fake_slack):
    runtime = make_runtime(replace(mail_settings, timezone="America/Bogota"), db)
    try:
        tickets = runtime.services.tickets
        tickets.clock = lambda: datetime(2026, 11, 23, 14, 30, tzinfo=timezone.utc)  # 09:30 in Bogotá
        tickets.create(ANA, new_ticket("Impresora atascada"))
        runtime.dispatcher.drain()
        receipt = next(m for m in smtp.wait_for(3) if m.rcpt_to == ANA_MAIL)
        assert "2026-11-23 09:30 America/Bogota" in receipt.part("plain")
        assert "14:30" not in receipt.part("plain")
    finally:
        runtime.dispatcher.stop()


def test_someone_without_an_email_is_skipped_with_one_log_line(runtime, smtp, caplog):
    tickets = runtime.services.tickets
    ticket, _ = tickets.create(ANA, new_ticket())
    runtime.dispatcher.drain()
    tickets.assign(ticket.id, JORGE.user_id, ADMIN)
    with caplog.at_level(logging.WARNING, logger="ticketbot"):
        runtime.dispatcher.drain()
    lines = [r for r in caplog.records if "U0JORGE" in r.getMessage()]
    assert len(lines) == 1 and "no email address" in lines[0].getMessage()
    assert all(r.state == "done" for r in email_rows(runtime.db))  # skipped, not failed
    assert [m.rcpt_to for m in smtp.received].count("jorge@example.com") == 0


def test_a_stale_cached_address_is_refreshed_with_users_info(runtime, smtp, fake_slack):
    tickets = runtime.services.tickets
    ticket, _ = tickets.create(ANA, new_ticket())
    runtime.dispatcher.drain()
    asked = len(fake_slack.calls("users.info"))
    # A fresh cache needs no call to Slack.
    tickets.change_status(ticket.id, Status.IN_PROGRESS, ADMIN)
    runtime.dispatcher.drain()
    assert len(fake_slack.calls("users.info")) == asked
    # Two days later Ana's profile has a new address: the stale cache is refreshed first.
    fake_slack.add_user(REPORTER, "ana", "Ana Gómez", email="ana.gomez@example.com")
    with runtime.db.transaction() as s:
        s.execute(
            update(User).where(User.slack_id == REPORTER).values(fetched_at=utcnow() - timedelta(days=2))
        )
    tickets.change_status(ticket.id, Status.ON_HOLD, ADMIN, "Waiting for Ana")
    runtime.dispatcher.drain()
    assert smtp.wait_for(1, lambda m: m.rcpt_to == "ana.gomez@example.com")[0].subject.endswith("On hold")
    assert len(fake_slack.calls("users.info")) == asked + 1


def test_one_connection_serves_a_batch_and_is_closed_when_the_dispatcher_stops(runtime, smtp):
    for i in range(5):
        runtime.services.tickets.create(ANA, new_ticket(f"Printer {i} jams"))
    runtime.dispatcher.drain()
    assert len(smtp.wait_for(15)) == 15
    assert smtp.sessions == 1


def test_without_smtp_host_emails_go_to_the_log(settings, db, fake_slack, caplog):
    runtime = build(settings, db)
    try:
        with caplog.at_level(logging.DEBUG, logger="ticketbot.email"):
            runtime.services.tickets.create(ANA, new_ticket())
            runtime.dispatcher.drain()
        logged = [r for r in caplog.records if "console backend" in r.getMessage()]
        summaries = [r.getMessage() for r in logged if r.levelno == logging.INFO]
        assert sorted(summaries) == [  # the reporter and the admin; ADMIN_EMAILS is unset here
            "email to admin@example.com (console backend): <tkt-000001@localhost> "
            "[TKT-000001] New high ticket: Printer jams",
            "email to ana@example.com (console backend): <tkt-000001@localhost> "
            "[TKT-000001] Your ticket was received: Printer jams",
        ]
        full = [r.getMessage() for r in logged if r.levelno == logging.DEBUG]
        assert any("To: =?utf-8?q?Ana_G=C3=B3mez?= <ana@example.com>" in text for text in full)
        assert all(r.state == "done" for r in email_rows(db))
    finally:
        runtime.dispatcher.stop()


def test_sla_warnings_are_mailed_to_whoever_must_act(runtime, smtp):
    monday_9 = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)
    clock = [monday_9]
    tickets = runtime.services.tickets
    tickets.clock = lambda: clock[0]
    ticket, _ = tickets.create(ANA, new_ticket('<b>Printer</b> "jams"', priority="critical"))
    tickets.assign(ticket.id, CARLOS.user_id, ADMIN)
    runtime.dispatcher.drain()
    before = len(smtp.wait_for(4))  # receipt, two admin notices, the assignment

    clock[0] = monday_9 + timedelta(hours=4)  # past the 4 h resolution target of a critical ticket
    sweep_sla(runtime.services, runtime.settings)
    runtime.dispatcher.drain()
    # No first response (admin, team address, engineer) and the breach (the same three).
    mails = smtp.wait_for(before + 6)[before:]
    subjects = Counter((m.rcpt_to, m.subject) for m in mails)
    title = '<b>Printer</b> "jams"'
    assert subjects[(CARLOS_MAIL, f"[TKT-000001] SLA breached: {title}")] == 1
    assert subjects[(ADMIN_MAIL, f"[TKT-000001] SLA breached: {title}")] == 1
    assert subjects[(TEAM_MAIL, f"[TKT-000001] SLA breached: {title}")] == 1
    breach = next(m for m in mails if m.rcpt_to == CARLOS_MAIL and "breached" in m.subject)
    html = breach.message.get_body(("html",)).get_content()
    assert "&lt;b&gt;Printer&lt;/b&gt;" in html and "<b>Printer</b>" not in html
    assert "This ticket missed its resolution target." in breach.message.get_body(("plain",)).get_content()
    assert ANA_MAIL not in {m.rcpt_to for m in mails}  # the reporter is not told of internal alarms
