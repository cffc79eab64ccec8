"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1), with a hand on its answers.

`refuse("421 …")` makes it answer MAIL FROM with that reply until `accept()`; `reject(address,
"550 …")` refuses one recipient for good. Every accepted email is parsed and recorded; tests
wait for them with `wait_for` (a deadline, no sleeps) and count SMTP connections (`sessions`).
"""

from __future__ import annotations

import email.policy
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_to: str
    raw: bytes
    session: int  # which SMTP connection brought it (1, 2, …)
    at: float  # time.monotonic() on arrival

    @functools.cached_property
    def message(self) -> EmailMessage:
        """Parsed when first looked at: a test that only counts emails pays no parsing."""
        return BytesParser(policy=email.policy.default).parsebytes(self.raw)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return body.get_content().replace("\r\n", "\n")


class _Handler:
    def __init__(self, owner: FakeSMTP) -> None:
        self.owner = owner

    def _session_number(self, session) -> int:
        if not hasattr(session, "ticketbot_number"):
            with self.owner._cond:
                self.owner.sessions += 1
                session.ticketbot_number = self.owner.sessions
        return session.ticketbot_number

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        self._session_number(session)
        with self.owner._cond:
            self.owner._servers.add(server)
            self.owner.attempts += 1
            refusal = self.owner._refusal
        if refusal:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        with self.owner._cond:
            rejection = self.owner._rejected.get(address.lower())
        if rejection:
            return rejection
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        number = self._session_number(session)
        with self.owner._cond:
            for rcpt in envelope.rcpt_tos:
                self.owner.received.append(
                    Received(envelope.mail_from, rcpt, envelope.original_content, number, time.monotonic())
                )
            self.owner._cond.notify_all()
        return "250 Message accepted for delivery"


class _Controller(Controller):
    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]  # we asked for port 0: learn ours
        super()._trigger_server()


class FakeSMTP:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.received: list[Received] = []
        self.sessions = 0
        self.attempts = 0  # MAIL FROM commands seen, accepted or not
        self._refusal: str | None = None
        self._rejected: dict[str, str] = {}
        self._servers: set = set()  # the SMTP protocol of every connection that sent MAIL FROM
        self._controller = _Controller(_Handler(self), hostname="127.0.0.1", port=0)

    @property
    def port(self) -> int:
        return self._controller.port

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def refuse(self, reply: str = "421 4.3.2 Service not available, try again later") -> None:
        with self._cond:
            self._refusal = reply

    def accept(self) -> None:
        with self._cond:
            self._refusal = None

    def reject(self, address: str, reply: str = "550 5.1.1 No such user here") -> None:
        with self._cond:
            self._rejected[address.lower()] = reply

    def drop_connections(self) -> None:
        """Close every open client connection from the server side, as an idle timeout would."""
        closed = threading.Event()

        def close_all() -> None:
            for server in list(self._servers):
                if server.transport is not None:
                    server.transport.close()
            self._servers.clear()
            loop.call_soon(closed.set)  # after the transports' own close callbacks

        loop = self._controller.loop
        loop.call_soon_threadsafe(close_all)
        assert closed.wait(5), "the SMTP server did not close its connections"

    def unreject(self, address: str) -> None:
        with self._cond:
            self._rejected.pop(address.lower(), None)

    def messages(self, predicate: Callable[[Received], bool] = lambda r: True) -> list[Received]:
        with self._cond:
            return [r for r in self.received if predicate(r)]

    def wait_for(
        self, count: int = 1, predicate: Callable[[Received], bool] = lambda r: True, timeout: float = 5.0
    ) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(found := [r for r in self.received if predicate(r)]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = "\n".join(f"  {r.rcpt_to}: {r.subject}" for r in self.received) or "  (none)"
                    raise AssertionError(f"waited {timeout}s for {count} email(s), got {len(found)}:\n{seen}")
                self._cond.wait(remaining)
            return found
