"""The SMTP sender on its own: error verdicts, connection reuse and keepalive, a server that hangs."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from bot.dispatcher import Permanent, Retry
from bot.email.smtp import KEEPALIVE, PAUSE_AFTER_TIMEOUT, SmtpSender
from tests.fakes.smtp import FakeSMTP


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def message(n: int = 1) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = f"[TKT-{n:06d}] hello", "helpdesk@example.com", "ana@example.com"
    msg["Message-ID"] = f"<tkt-{n:06d}@example.com>"
    msg.set_content("body")
    return msg


@pytest.fixture
def server() -> Iterator[FakeSMTP]:
    smtp = FakeSMTP()
    smtp.start()
    yield smtp
    smtp.stop()


def test_one_connection_while_rows_keep_coming_a_new_one_after_keepalive(server):
    clock = Clock()
    sender = SmtpSender("127.0.0.1", server.port, timeout=5, clock=clock)
    for n in range(3):
        sender.send(message(n), "helpdesk@example.com", "ana@example.com")
        clock.now += 1
    assert sender.connections == 1 and server.sessions == 1
    clock.now += KEEPALIVE + 1
    sender.tidy()  # the dispatcher's idle hook: closes what sat idle too long
    sender.send(message(9), "helpdesk@example.com", "ana@example.com")
    assert sender.connections == 2 and len(server.wait_for(4)) == 4
    sender.tidy(final=True)


def test_verdicts_4xx_and_network_retry_5xx_recipient_is_permanent(server):
    sender = SmtpSender("127.0.0.1", server.port, timeout=5)
    server.reject("gone@example.com", "550 5.1.1 No such user")
    with pytest.raises(Permanent, match="recipient refused: 550"):
        sender.send(message(), "helpdesk@example.com", "gone@example.com")
    server.reject("full@example.com", "452 4.2.2 Mailbox full")
    with pytest.raises(Retry, match="recipient deferred: 452"):
        sender.send(message(), "helpdesk@example.com", "full@example.com")
    sender.send(message(), "helpdesk@example.com", "ana@example.com")  # the connection survived both
    assert server.sessions == 1

    server.refuse("421 4.3.2 Try again later")
    with pytest.raises(Retry, match="421"):
        sender.send(message(), "helpdesk@example.com", "ana@example.com")
    server.accept()
    sender.send(message(), "helpdesk@example.com", "ana@example.com")  # reconnected
    assert server.sessions == 2 and len(server.received) == 2

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(Retry, match="cannot reach the mail server"):
        SmtpSender("127.0.0.1", closed_port, timeout=5).send(message(), "a@example.com", "b@example.com")


def test_a_server_that_hangs_costs_one_timeout_not_one_per_row():
    clock = Clock()
    with socket.socket() as silent:  # accepts TCP connections (backlog), never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        sender = SmtpSender("127.0.0.1", silent.getsockname()[1], timeout=0.3, clock=clock)
        with pytest.raises(Retry, match="cannot reach the mail server"):
            sender.send(message(), "helpdesk@example.com", "ana@example.com")
        for _ in range(20):  # the rest of the batch is turned away at once, without connecting
            with pytest.raises(Retry, match="timed out a moment ago") as raised:
                sender.send(message(), "helpdesk@example.com", "ana@example.com")
        assert raised.value.retry_after == pytest.approx(PAUSE_AFTER_TIMEOUT)
        assert connection_attempts(silent) == 1
        clock.now += PAUSE_AFTER_TIMEOUT + 1  # after the pause it is asked again
        with pytest.raises(Retry, match="cannot reach the mail server"):
            sender.send(message(), "helpdesk@example.com", "ana@example.com")
        assert connection_attempts(silent) == 1


def connection_attempts(listener: socket.socket) -> int:
    """How many connections wait in the listener's backlog (taking them out)."""
    listener.setblocking(False)
    count = 0
    while True:
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1
