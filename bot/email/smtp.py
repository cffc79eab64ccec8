"""Sending composed emails: over SMTP with one reused connection, or to the log.

The SMTP connection stays open between rows while they keep coming (a batch of rows costs one
connect, EHLO, STARTTLS and login) and is closed once idle for `keepalive` seconds. A server
that dropped it meanwhile costs one reconnect. Errors become the dispatcher's verdicts:
4xx replies and network trouble → `Retry`; a recipient or message refused with 5xx →
`Permanent`. Other 5xx replies (login, sender) are configuration the operator can fix, so they
are retried — and logged at every attempt — rather than killing every email at once.
"""

from __future__ import annotations

import functools
import logging
import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from email.message import Message
from typing import Protocol

from bot.config import Settings
from bot.dispatcher import Permanent, Retry

log = logging.getLogger("ticketbot.email")

KEEPALIVE = 15.0  # seconds an idle connection is kept for the next row
PAUSE_AFTER_TIMEOUT = 30.0  # a mail server that times out is not asked again for this long


class Sender(Protocol):
    description: str

    def send(self, message: Message, sender: str, recipient: str) -> None: ...

    def tidy(self, final: bool = False) -> None: ...


class ConsoleSender:
    """SMTP_HOST unset: emails are written to the log, so the bot runs without a mail server."""

    description = "console (SMTP_HOST is unset: emails are written to the log)"

    def send(self, message: Message, sender: str, recipient: str) -> None:
        # One line each at INFO (a log is no mailbox); the whole message at DEBUG (`ticketbot -v`).
        log.info("email to %s (console backend): %s %s", recipient, message["Message-ID"], message["Subject"])
        if log.isEnabledFor(logging.DEBUG):
            log.debug("email to %s (console backend):\n%s", recipient, message.as_string())

    def tidy(self, final: bool = False) -> None:
        pass


class SmtpSender:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        use_ssl: bool = False,
        timeout: float = 10.0,
        local_hostname: str | None = None,
        keepalive: float = KEEPALIVE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls, self.use_ssl = starttls, use_ssl
        self.timeout, self.local_hostname = timeout, local_hostname
        self.keepalive, self.clock = keepalive, clock
        self.connections = 0  # opened so far (the benchmark and tests read it)
        self._conn: smtplib.SMTP | None = None
        self._last_used = 0.0
        self._paused_until = 0.0
        self._lock = threading.Lock()
        security = " with SSL" if use_ssl else " with STARTTLS" if starttls else ""
        self.description = f"SMTP {host}:{port}{security}"

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender:
        assert settings.smtp_host
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            use_ssl=settings.smtp_ssl,
            timeout=settings.smtp_timeout,
            local_hostname=settings.mail_domain,
        )

    def send(self, message: Message, sender: str, recipient: str) -> None:
        with self._lock:
            now = self.clock()
            if now < self._paused_until:
                raise Retry("the mail server timed out a moment ago", retry_after=self._paused_until - now)
            if self._conn is not None and now - self._last_used > self.keepalive:
                self._close()
            reused = self._conn is not None
            try:
                try:
                    (self._conn or self._connect()).send_message(message, sender, [recipient])
                except (smtplib.SMTPServerDisconnected, ConnectionError):
                    if not reused:
                        raise
                    # The server closed our idle connection before MAIL FROM: once more, anew.
                    self._close()
                    self._connect().send_message(message, sender, [recipient])
            except smtplib.SMTPRecipientsRefused as error:
                self._last_used = self.clock()  # smtplib sent RSET: the connection is still good
                raise classify(error) from error
            except (smtplib.SMTPException, OSError) as error:
                self._close()
                if _timed_out(error):
                    self._paused_until = self.clock() + PAUSE_AFTER_TIMEOUT
                raise classify(error) from error
            self._last_used = self.clock()

    def verify(self) -> None:
        """Connect, greet, secure and log in, then quit (`ticketbot check`); raises Retry/Permanent."""
        with self._lock:
            try:
                self._connect()
            except (smtplib.SMTPException, OSError) as error:
                raise classify(error) from error
            self._close(polite=True)

    def tidy(self, final: bool = False) -> None:
        """Close the connection if idle past `keepalive` (or at once when `final`)."""
        with self._lock:
            if self._conn is not None and (final or self.clock() - self._last_used > self.keepalive):
                self._close(polite=True)

    @functools.cached_property
    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context()  # loads the CA store (~0.1 s): once, and only for TLS

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
                context=self._tls,
            )
        else:
            conn = smtplib.SMTP(
                self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout
            )
        try:
            conn.ehlo()
            if self.starttls:
                conn.starttls(context=self._tls)
                conn.ehlo()
            if self.username and self.password:
                conn.login(self.username, self.password)
        except BaseException:
            conn.close()
            raise
        self.connections += 1
        self._conn = conn
        return conn

    def _close(self, polite: bool = False) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if polite:
                conn.quit()
        except (smtplib.SMTPException, OSError):
            pass  # it is going away either way
        finally:
            conn.close()


def classify(error: Exception) -> Exception:
    """An SMTP failure as the dispatcher's `Retry` or `Permanent`."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        text = f"{code} {_text(reply)}"
        return (
            Permanent(f"recipient refused: {text}") if code >= 500 else Retry(f"recipient deferred: {text}")
        )
    if isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500:
        return Permanent(f"message refused: {error.smtp_code} {_text(error.smtp_error)}")
    if isinstance(error, smtplib.SMTPResponseException):
        if error.smtp_code >= 500:
            log.error(
                "the mail server refused us (%s %s): check SMTP_* and MAIL_FROM", error.smtp_code, error
            )
        return Retry(f"mail server answered {error.smtp_code} {_text(error.smtp_error)}")
    return Retry(f"cannot reach the mail server: {type(error).__name__}: {error}")


def _timed_out(error: BaseException) -> bool:
    # smtplib reports a reply that never came as SMTPServerDisconnected, the timeout inside it.
    return isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def sender_for(settings: Settings) -> Sender:
    return SmtpSender.from_settings(settings) if settings.smtp_host else ConsoleSender()
