"""The IMAP poll in the assembled runtime: a leader-only job of the delivery process's scheduler."""

from __future__ import annotations

from dataclasses import replace

from bot.app import build
from bot.config import load_settings
from storage.leader import Leadership
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


def test_until_email_in_is_wired_every_message_stays_unread(settings, db, dovecot):
    dovecot.append(mail(1))
    runtime = build(with_mailbox(settings, dovecot, IMAP_DONE_FOLDER=""), db)
    try:
        report = runtime.imap_poller.poll()
        assert (report.handed, report.left) == (1, 1)
        [flags] = dovecot.messages().values()
        assert b"\\Seen" not in flags
    finally:
        runtime.stop()


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
