"""Email in by IMAP against a real Dovecot: handed once, finished only after the handler's answer."""

from __future__ import annotations

import email.policy
import logging
from dataclasses import replace
from email.message import EmailMessage
from email.parser import BytesParser
from enum import Enum

import pytest

from bot.config_imap import ImapSettings
from bot.imap_poll import KEYWORD, ImapPoller
from tests.fakes.dovecot import PASSWORD, USER

DONE = "Helpdesk/Done"


def mail(number: int, subject: str = "Printer on fire") -> bytes:
    message = EmailMessage()
    message["From"] = "Ana Gómez <ana@example.com>"
    message["To"] = "helpdesk@example.com"
    message["Subject"] = f"{subject} #{number}"
    message["Message-ID"] = f"<m{number}@mail.example.com>"
    message.set_content(f"Message {number}: it smokes.\n")
    return message.as_bytes(policy=email.policy.SMTP)


def message_id(raw: bytes) -> str:
    return str(BytesParser(policy=email.policy.default).parsebytes(raw)["Message-ID"])


class Mailroom:
    """The test's own handler: stores each Message-ID once (as bot.mail_in must), answering with
    the outcomes it is told to, or raising; `handed` counts every call."""

    def __init__(self, *answers: str | type[Exception]) -> None:
        self.answers = list(answers)
        self.handed: list[str] = []
        self.stored: list[str] = []

    def __call__(self, raw: bytes) -> str:
        mid = message_id(raw)
        self.handed.append(mid)
        answer = self.answers.pop(0) if self.answers else "taken"
        if answer == "tempfail":
            return "tempfail"
        if mid in self.stored:
            return "ignored"  # a duplicate: the same Message-ID is one comment
        self.stored.append(mid)
        if isinstance(answer, type):
            raise answer("crashed after storing")
        return answer


def imap_settings(dovecot, **changes) -> ImapSettings:
    base = ImapSettings(host=dovecot.host, port=dovecot.imaps_port, username=USER, password=PASSWORD)
    return replace(base, **changes)


def poller(dovecot, handle, **changes) -> ImapPoller:
    return ImapPoller(imap_settings(dovecot, **changes), handle, ssl_context=dovecot.ssl_context())


def unseen(flags) -> bool:
    return b"\\Seen" not in flags


def test_new_messages_are_handed_once_then_moved(dovecot):
    for n in (1, 2):
        dovecot.append(mail(n))
    room = Mailroom()
    report = poller(dovecot, room, done_folder=DONE).poll()
    assert (report.handed, report.finished, report.error) == (2, 2, None)
    assert room.stored == ["<m1@mail.example.com>", "<m2@mail.example.com>"]
    assert dovecot.messages() == {}
    assert len(dovecot.messages(DONE)) == 2  # the folder was created on the way

    dovecot.append(mail(3))
    poller(dovecot, room, done_folder=DONE).poll()
    assert room.handed == [*room.stored] and room.stored[-1] == "<m3@mail.example.com>"


def test_the_bytes_handed_are_the_message_as_stored(dovecot):
    raw = mail(1, subject="Ñandú: ¿impresora?")
    dovecot.append(raw)
    got = []
    poller(dovecot, lambda b: got.append(b) or "taken").poll()
    assert got[0].replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


def test_without_a_done_folder_a_message_is_flagged_and_not_taken_again(dovecot):
    dovecot.append(mail(1))
    dovecot.append(mail(2), flags=(b"\\Seen",))  # someone read it in the mailbox already: not new
    room = Mailroom("refused")
    poller(dovecot, room).poll()
    assert room.handed == ["<m1@mail.example.com>"]
    flags = dovecot.messages()
    assert len(flags) == 2 and all(not unseen(f) for f in flags.values())
    assert KEYWORD.encode() in flags[min(flags)]
    poller(dovecot, room).poll()
    assert room.handed == ["<m1@mail.example.com>"]


@pytest.mark.parametrize("first", ["tempfail", "not-an-outcome", RuntimeError])
def test_tempfail_an_exception_or_nonsense_leaves_it_unread_for_the_next_poll(dovecot, first, caplog):
    dovecot.append(mail(1))
    room = Mailroom(first)
    report = poller(dovecot, room, done_folder=DONE).poll()
    assert (report.handed, report.finished, report.left) == (1, 0, 1)
    [flags] = dovecot.messages().values()
    assert unseen(flags) and b"\\Deleted" not in flags
    assert dovecot.messages(DONE) == {}

    report = poller(dovecot, room, done_folder=DONE).poll()
    assert report.finished == 1
    assert room.handed == ["<m1@mail.example.com>"] * 2
    assert room.stored == ["<m1@mail.example.com>"]
    assert dovecot.messages() == {} and len(dovecot.messages(DONE)) == 1


def test_a_crash_after_storing_loses_nothing_and_stores_nothing_twice(dovecot):
    dovecot.append(mail(1))
    dovecot.append(mail(2))
    room = Mailroom(RuntimeError)  # the first message is stored, then the handler dies
    first = poller(dovecot, room).poll()
    assert (first.finished, first.left) == (1, 1)
    assert sum(unseen(f) for f in dovecot.messages().values()) == 1
    poller(dovecot, room).poll()
    assert room.handed == ["<m1@mail.example.com>", "<m2@mail.example.com>", "<m1@mail.example.com>"]
    assert room.stored == ["<m1@mail.example.com>", "<m2@mail.example.com>"]
    assert not any(unseen(f) for f in dovecot.messages().values())


def test_a_str_enum_outcome_counts_as_its_value(dovecot):
    class Outcome(str, Enum):
        TAKEN = "taken"
        TEMPFAIL = "tempfail"

    dovecot.append(mail(1))
    answers = [Outcome.TEMPFAIL, Outcome.TAKEN]
    handle = lambda raw: answers.pop(0)  # noqa: E731
    assert poller(dovecot, handle, done_folder=DONE).poll().left == 1
    assert poller(dovecot, handle, done_folder=DONE).poll().finished == 1
    assert len(dovecot.messages(DONE)) == 1


@pytest.mark.parametrize("capabilities", ["IMAP4rev1 UIDPLUS", "IMAP4rev1"])
def test_a_server_without_move_gets_copy_delete_expunge(dovecot, capabilities):
    dovecot.restart(capabilities=capabilities)
    dovecot.append(mail(1))
    room = Mailroom()
    assert poller(dovecot, room, done_folder=DONE).poll().finished == 1
    assert dovecot.messages() == {}
    [flags] = dovecot.messages(DONE).values()
    assert b"\\Deleted" not in flags


def test_starttls_on_the_plain_port(dovecot):
    dovecot.append(mail(1))
    room = Mailroom()
    report = poller(dovecot, room, port=dovecot.imap_port, starttls=True, done_folder=DONE).poll()
    assert (report.finished, report.error) == (1, None)
    assert len(dovecot.messages(DONE)) == 1


def test_a_certificate_nobody_vouches_for_is_refused(dovecot, caplog):
    dovecot.append(mail(1))
    room = Mailroom()
    for changes in ({}, {"port": dovecot.imap_port, "starttls": True}):
        report = ImapPoller(imap_settings(dovecot, **changes), room).poll()  # the system's CAs only
        assert "CERTIFICATE_VERIFY_FAILED" in report.error
    assert room.handed == []
    assert "cannot read INBOX" in caplog.text


def test_a_wrong_password_is_logged_without_the_password_or_a_traceback(dovecot, caplog):
    caplog.set_level(logging.DEBUG)
    dovecot.append(mail(1))
    room = Mailroom()
    report = poller(dovecot, room, password="wrong-horse-battery").poll()
    assert report.error.startswith("login refused") and room.handed == []
    [line] = [r for r in caplog.records if r.name == "ticketbot.imap"]
    assert line.levelno == logging.ERROR and line.exc_info is None
    assert "refused the login of helpdesk@example.com" in line.getMessage()
    assert "wrong-horse-battery" not in caplog.text
    caplog.clear()
    poller(dovecot, room).poll()  # and a right one: no leak of the real password either
    assert room.stored == ["<m1@mail.example.com>"]
    assert PASSWORD not in caplog.text


def test_a_server_down_is_logged_and_the_next_poll_after_it_is_back_reads(dovecot, caplog):
    dovecot.append(mail(1))
    room = Mailroom()
    dovecot.stop()
    for changes in ({}, {"port": dovecot.imap_port, "starttls": True}):
        report = poller(dovecot, room, **changes).poll()
        assert "refused" in report.error.lower()
    warnings = [r for r in caplog.records if r.name == "ticketbot.imap"]
    assert len(warnings) == 2 and all(r.levelno == logging.WARNING and r.exc_info is None for r in warnings)
    assert "cannot read INBOX at 127.0.0.1" in warnings[0].getMessage()
    dovecot.start()
    assert poller(dovecot, room).poll().finished == 1
    assert room.stored == ["<m1@mail.example.com>"]


def test_a_missing_folder_is_logged(dovecot, caplog):
    report = poller(dovecot, Mailroom(), folder="Nowhere").poll()
    assert report.error and "cannot read Nowhere" in caplog.text


def test_a_stop_during_a_poll_finishes_the_message_in_hand_and_takes_no_more(dovecot):
    for n in (1, 2):
        dovecot.append(mail(n))
    room = Mailroom()

    def handle(raw: bytes) -> str:
        the_poller.stop()  # Runtime.stop, while this message is in hand
        return room(raw)

    the_poller = poller(dovecot, handle, done_folder=DONE)
    report = the_poller.poll()
    assert (report.handed, report.finished) == (1, 1)
    assert room.stored == ["<m1@mail.example.com>"]
    assert len(dovecot.messages(DONE)) == 1 and all(unseen(f) for f in dovecot.messages().values())
