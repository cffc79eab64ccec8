"""The IMAP poll's bounds against a real Dovecot: a message over MAIL_MAX_BYTES is never downloaded,
and a message that keeps failing (a bug, not an outage) is given up on after IMAP_MAX_ATTEMPTS."""

from __future__ import annotations

import email.policy
import logging
import tracemalloc
from email.message import EmailMessage

import pytest

from bot.config_mail_in import DEFAULT_MAX_BYTES
from bot.imap_poll import ImapPoller
from bot.imap_tries import FAILED_KEYWORD, Tries
from tests.bot.test_imap_poll import DONE, Mailroom, imap_settings, mail, message_id, poller, unseen

FAILED = "Ticketbot/Failed"
SECRET_WORDS = b"contents-nobody-logs"


def big_mail(size: int, number: int = 9) -> bytes:
    """A message of exactly `size` bytes as Dovecot counts them (CRLF line ends)."""
    message = EmailMessage()
    message["From"] = "Ana <ana@example.com>"
    message["To"] = "helpdesk@example.com"
    message["Subject"] = f"Huge #{number}"
    message["Message-ID"] = f"<m{number}@mail.example.com>"
    message.set_content("x\n", cte="7bit")
    head = message.as_bytes(policy=email.policy.SMTP)
    line = SECRET_WORDS + b"." * 54 + b"\r\n"  # 76 bytes a line
    lines, rest = divmod(size - len(head), len(line))
    raw = head + line * lines + b"y" * max(rest - 2, 0) + b"\r\n"[:rest]
    assert len(raw) == size
    return raw


def keywords(flags) -> set[bytes]:
    return {f for f in flags if not f.startswith(b"\\")}


def test_a_30_mb_message_is_never_downloaded_it_is_refused_and_moved(dovecot, caplog):
    caplog.set_level(logging.INFO, logger="ticketbot.imap")
    dovecot.append(big_mail(30 * 1024 * 1024))
    dovecot.append(mail(1))
    got: list[bytes] = []
    the_poller = poller(dovecot, lambda raw: got.append(raw) or "taken", done_folder=DONE)
    assert the_poller.max_bytes == DEFAULT_MAX_BYTES  # MAIL_MAX_BYTES' default: 25 MiB
    tracemalloc.start()
    try:
        report = the_poller.poll()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024, f"{peak} bytes held during the poll"  # not 30 MB of it
    assert [message_id(raw) for raw in got] == ["<m1@mail.example.com>"]  # only the small one
    assert (report.handed, report.finished, report.too_big, report.left) == (1, 2, 1, 0)
    assert dovecot.messages() == {} and len(dovecot.messages(DONE)) == 2
    assert f"refused unread: {30 * 1024 * 1024} bytes, over MAIL_MAX_BYTES" in caplog.text
    assert SECRET_WORDS.decode() not in caplog.text and "Huge" not in caplog.text


def test_the_limit_is_mail_max_bytes_exactly_and_flag_mode_marks_a_refusal_read(dovecot):
    limit = 20_000
    dovecot.append(big_mail(limit, number=1))
    dovecot.append(big_mail(limit + 1, number=2))
    room = Mailroom()
    the_poller = ImapPoller(imap_settings(dovecot), room, ssl_context=dovecot.ssl_context(), max_bytes=limit)
    report = the_poller.poll()
    assert room.handed == ["<m1@mail.example.com>"] and report.too_big == 1
    assert not any(unseen(f) for f in dovecot.messages().values())  # both finished: no retry


def always(answer):
    def handle(raw: bytes) -> str:
        handed.append(message_id(raw))
        if isinstance(answer, type):
            raise answer("a bug in the handler")
        return answer

    handed: list[str] = []
    handle.handed = handed
    return handle


@pytest.mark.parametrize("answer", [RuntimeError, "failed", "not-an-outcome"])
def test_a_message_that_keeps_failing_is_moved_to_the_failed_folder(dovecot, caplog, answer):
    dovecot.append(mail(1))
    dovecot.append(mail(2))
    broken = always(answer)

    def handle(raw: bytes) -> str:
        return "taken" if message_id(raw) == "<m2@mail.example.com>" else broken(raw)

    for attempt in (1, 2):  # a new poller each time: the count is on the message, kept by the server
        report = poller(dovecot, handle, done_folder=DONE, max_attempts=3).poll()
        assert report.left == 1 and report.given_up == 0
        [flags] = dovecot.messages().values()
        assert unseen(flags) and keywords(flags) == {f"TicketbotTry{attempt}".encode()}
    caplog.clear()
    report = poller(dovecot, handle, done_folder=DONE, max_attempts=3).poll()
    assert (report.given_up, report.left) == (1, 0)
    assert broken.handed == ["<m1@mail.example.com>"] * 3
    assert dovecot.messages() == {} and len(dovecot.messages(DONE)) == 1
    [flags] = dovecot.messages(FAILED).values()  # the folder was created on the way
    assert unseen(flags) and keywords(flags) == {FAILED_KEYWORD.encode()}  # the count taken off
    [line] = [r for r in caplog.records if "for a person to look at" in r.getMessage()]
    assert line.levelno == logging.ERROR and "failed 3 tries; moved to Ticketbot/Failed" in line.getMessage()
    poller(dovecot, handle, done_folder=DONE, max_attempts=3).poll()
    assert len(broken.handed) == 3  # never again


def test_an_outage_is_never_counted_however_long_it_lasts(dovecot):
    dovecot.append(mail(1))
    down = always("tempfail")
    for _ in range(4):
        assert poller(dovecot, down, max_attempts=2).poll().left == 1
    [flags] = dovecot.messages().values()
    assert unseen(flags) and keywords(flags) == set()  # each try taken back
    assert dovecot.messages(FAILED) == {}
    room = Mailroom()
    assert poller(dovecot, room, max_attempts=2).poll().finished == 1  # the database is back
    assert room.stored == ["<m1@mail.example.com>"]


class ProcessDied(BaseException):
    """What the poll sees of a message that kills the process: it never comes back."""


def test_a_message_that_kills_the_process_is_counted_and_given_up_on(dovecot):
    dovecot.append(mail(1))

    def deadly(raw: bytes) -> str:
        raise ProcessDied

    with pytest.raises(ProcessDied):
        poller(dovecot, deadly, done_folder=DONE, max_attempts=1).poll()
    [flags] = dovecot.messages().values()
    assert keywords(flags) == {b"TicketbotTry1"}  # counted before it was handed
    room = Mailroom()
    report = poller(dovecot, room, done_folder=DONE, max_attempts=1).poll()  # after the restart
    assert report.given_up == 1 and room.handed == []  # not handed to die again
    assert len(dovecot.messages(FAILED)) == 1


def test_without_keywords_the_count_is_kept_in_memory_per_uidvalidity_and_uid():
    memory: dict = {}
    tries = Tries(client=None, uidvalidity=7, keywords=False, memory=memory)
    assert tries.so_far(3, ()) == 0
    tries.set(3, 0, 1)
    tries.set(3, 1, 2)
    assert Tries(None, 7, False, memory).so_far(3, ()) == 2  # the next poll
    assert Tries(None, 8, False, memory).so_far(3, ()) == 0  # the folder was recreated: another message
    assert tries.so_far(3, (b"TicketbotTry5",)) == 5  # a count left by a server that keeps keywords
    tries.set(3, 2, 1)
    assert memory == {(7, 3): 1}
    tries.forget(3)
    assert memory == {}
