"""The IMAP poll in the assembled runtime: a leader-only job of the delivery process's scheduler."""

from __future__ import annotations

import email.policy
from dataclasses import replace
from email.message import EmailMessage

from sqlalchemy import select

from bot.app import build, build_services, mail_in_handler
from bot.config import load_settings
from bot.imap_poll import ImapPoller
from storage.db import Database
from storage.leader import Leadership
from storage.models import TicketEvent
from tests.bot.email.conftest import (
    ADMIN,
    ANA,
    ANA_MAIL,
    CARLOS,
    CARLOS_MAIL,
    mail_settings,  # noqa: F401 (a fixture)
    make_runtime,
    new_ticket,
)
from tests.bot.mail_in.conftest import fixture
from tests.bot.test_imap_poll import DONE, Mailroom, mail
from tests.fakes.dovecot import PASSWORD, USER
from tests.waiting import wait_until


def with_mailbox(settings, dovecot, **more):
    """The test settings plus IMAP_* as an operator writes them in .env."""
    values = {
        "IMAP_HOST": dovecot.host,
        "IMAP_PORT": str(dovecot.imaps_port),
        "IMAP_USERNAME": USER,
        "IMAP_PASSWORD": PASSWORD,
        "IMAP_DONE_FOLDER": DONE,
        "IMAP_CA_FILE": dovecot.cert,
        **more,
    }
    return replace(settings, imap=load_settings(values, dotenv=False).imap)


def test_the_delivery_process_polls_at_start_and_hands_messages_to_its_handler(settings, db, dovecot):
    dovecot.append(mail(1))
    room = Mailroom()
    given = []

    def factory(services, settings):
        given.append((services, settings))
        return room

    runtime = build(with_mailbox(settings, dovecot), db, mail_handler=factory)
    try:
        assert given[0][0] is runtime.services and given[0][1].imap.host == dovecot.host
        job = runtime.scheduler.get_job("imap-poll")
        assert job is not None
        runtime.start_background()  # the first poll runs at start, not a minute later
        wait_until(lambda: len(dovecot.messages(DONE)) == 1, timeout=15, what="the message moved")
        assert room.stored == ["<m1@mail.example.com>"] and dovecot.messages() == {}
    finally:
        runtime.stop()


def test_only_the_leader_polls(settings, db, dovecot):
    dovecot.append(mail(1))
    room = Mailroom()
    runtime = build(with_mailbox(settings, dovecot), db, mail_handler=lambda services, settings: room)
    try:
        poll = runtime.scheduler.get_job("imap-poll").func
        if db.engine.dialect.name == "postgresql":
            other = Leadership(db.engine)  # another delivery process leads
            assert other.is_leader()
            poll()
            assert room.handed == []
            other.release()
        poll()
        assert room.stored == ["<m1@mail.example.com>"]
    finally:
        runtime.stop()


def test_without_imap_host_there_is_no_poll(settings, db):
    runtime = build(settings, db)
    try:
        assert runtime.imap_poller is None and runtime.scheduler.get_job("imap-poll") is None
    finally:
        runtime.stop()


def test_a_reply_read_from_the_mailbox_becomes_a_comment_and_is_moved(mail_settings, db, dovecot, fake_slack):  # noqa: F811
    runtime = make_runtime(with_mailbox(mail_settings, dovecot), db)
    try:
        tickets = runtime.services.tickets
        ticket, _ = tickets.create(ANA, new_ticket("VPN drops", category="network"))
        tickets.assign(ticket.id, CARLOS.user_id, ADMIN)
        runtime.dispatcher.drain()
        dovecot.append(fixture("outlook_reply_en.eml"))
        report = runtime.imap_poller.poll()  # bot.mail_in takes what the poller reads
        assert (report.handed, report.left) == (1, 0)
        assert dovecot.messages() == {} and len(dovecot.messages(DONE)) == 1
        with db.read() as s:
            notes = s.scalars(select(TicketEvent.note).where(TicketEvent.kind == "note")).all()
        assert notes == ["Hi Carlos,\n\nThe asset tag is LAP-4411. It’s the grey Dell on my desk."]
        dovecot.append(fixture("outlook_reply_en.eml"))  # handed in again (a crash before the move)
        assert runtime.imap_poller.poll().left == 0 and len(dovecot.messages(DONE)) == 2
        with db.read() as s:
            assert len(s.scalars(select(TicketEvent.id).where(TicketEvent.kind == "note")).all()) == 1
    finally:
        runtime.stop()


def test_a_database_outage_leaves_the_message_unread_for_the_next_poll(mail_settings, dovecot, fake_slack):  # noqa: F811
    settings = with_mailbox(mail_settings, dovecot, IMAP_DONE_FOLDER="")
    down = Database.from_url("postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2")
    try:
        poller = ImapPoller(settings.imap, mail_in_handler(build_services(settings, down), settings))
        dovecot.append(fixture("outlook_reply_en.eml"))
        report = poller.poll()
    finally:
        down.dispose()
    assert (report.handed, report.left) == (1, 1)
    [flags] = dovecot.messages().values()
    assert b"\\Seen" not in flags  # still new: taken once the database is back


def test_check_logs_in_and_counts_what_waits_taking_nothing(settings, dovecot):
    from bot.check import check_mailbox, run_checks

    dovecot.append(mail(1))
    [result] = run_checks(with_mailbox(settings, dovecot), [check_mailbox])
    assert result.ok, result.line()
    assert result.line() == (
        f"✔ IMAP mailbox: {USER} at 127.0.0.1:{dovecot.imaps_port} logs in with a password; 1 unread in INBOX"
    )
    [flags] = dovecot.messages().values()
    assert b"\\Seen" not in flags
    [refused] = run_checks(with_mailbox(settings, dovecot, IMAP_PASSWORD="wrong-horse"), [check_mailbox])
    assert not refused.ok and "refused the login of helpdesk@example.com" in refused.detail
    assert "check IMAP_USERNAME and IMAP_PASSWORD" in refused.detail and "wrong-horse" not in refused.detail
    assert run_checks(settings, [check_mailbox]) == []


def answer_to(ours, auto: bool) -> bytes:
    """Carlos's mailbox answering one of our ticket emails: its out-of-office (RFC 3834), or him."""
    message = EmailMessage()
    message["From"] = f"Carlos Pérez <{CARLOS_MAIL}>"
    message["To"] = "it@example.com"
    message["Subject"] = f"{'Automatic reply' if auto else 'Re'}: {ours.subject}"
    message["Message-ID"] = f"<{'ooo' if auto else 'carlos'}-1@mail.example.com>"
    message["In-Reply-To"] = ours.message_id
    message["References"] = ours.message_id
    if auto:
        message["Auto-Submitted"] = "auto-replied"
    message.set_content("I am out of the office until Monday." if auto else "Can you send the VPN log?")
    return message.as_bytes(policy=email.policy.SMTP)


def test_an_auto_reply_to_our_email_is_ignored_and_moved_and_nothing_goes_out(
    mail_settings,  # noqa: F811 (the fixture imported above)
    db,
    dovecot,
    fake_slack,
    smtp,
):
    runtime = make_runtime(with_mailbox(mail_settings, dovecot), db)
    try:
        tickets = runtime.services.tickets
        ticket, _ = tickets.create(ANA, new_ticket("VPN drops", category="network"))
        tickets.assign(ticket.id, CARLOS.user_id, ADMIN)
        runtime.dispatcher.drain()
        ours = smtp.wait_for(1, lambda m: m.rcpt_to == CARLOS_MAIL)[-1]  # "assigned to you"
        smtp.received.clear()
        dovecot.append(answer_to(ours, auto=True))
        report = runtime.imap_poller.poll()
        assert (report.handed, report.finished, report.left) == (1, 1, 0)
        assert dovecot.messages() == {} and len(dovecot.messages(DONE)) == 1
        runtime.dispatcher.drain()
        with db.read() as s:
            assert s.scalars(select(TicketEvent.id).where(TicketEvent.kind == "note")).all() == []
        assert smtp.messages() == []  # no answer to the robot, no copy to anyone: no loop

        # The same answer written by Carlos himself is taken and goes out: a loop would be seen.
        dovecot.append(answer_to(ours, auto=False))
        assert runtime.imap_poller.poll().finished == 1
        runtime.dispatcher.drain()
        [mailed] = smtp.wait_for(1, lambda m: m.rcpt_to == ANA_MAIL)
        assert "Can you send the VPN log?" in mailed.part("plain")
    finally:
        runtime.stop()
