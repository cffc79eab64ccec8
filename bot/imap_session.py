"""The helpdesk mailbox's IMAP session (bot.imap_poll): TLS always (IMAPS, or STARTTLS; never plain
text), a password or an OAuth 2.0 token (bot.imap_oauth), and a failure as one line for an operator:
no traceback, never the password."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from bot.config_imap import ImapSettings
from bot.imap_oauth import TokenError, TokenSource

log = logging.getLogger("ticketbot.imap")

TIMEOUT = 30  # seconds for connecting and for each answer of the server
FAILURES = (TokenError, OSError, IMAPClientError)  # refused, timed out, TLS, dropped…


def _reason(error: BaseException) -> str:
    if error.args and isinstance(error.args[0], bytes):  # the server's words
        return error.args[0].decode("utf-8", "replace")
    return str(error) or type(error).__name__


class Mailbox:
    def __init__(self, settings: ImapSettings, ssl_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.ssl_context = ssl_context or ssl.create_default_context(cafile=settings.ca_file)
        self.tokens = TokenSource(settings.oauth) if settings.oauth else None

    @contextmanager
    def session(self) -> Iterator[IMAPClient]:
        s = self.settings
        client = IMAPClient(s.host, s.port, ssl=not s.starttls, ssl_context=self.ssl_context, timeout=TIMEOUT)
        with client:  # logs out on the way out, whatever happened
            if s.starttls:
                client.starttls(self.ssl_context)
            self._login(client)
            yield client

    def failure(self, error: Exception, log_it: bool = True) -> str:
        """Logged as one line for an operator (no traceback) unless not `log_it`; returned: the
        reason (the poll's report), or that line (`ticketbot check`)."""
        s = self.settings
        level = logging.ERROR  # needs the operator: a login or a token refused
        if isinstance(error, TokenError):
            reason = f"no token: {error}"
            line = f"no OAuth 2.0 token to log in to {s.address}: {error}"
        elif isinstance(error, LoginError):
            reason = f"login refused: {_reason(error)}"
            check = "the app's access to the mailbox" if s.oauth else "IMAP_PASSWORD"
            line = f"{s.address} refused the login of {s.username} ({_reason(error)})"
            line += f": check IMAP_USERNAME and {check}"
        else:  # the network, the server, TLS: may pass by itself
            reason, level = _reason(error), logging.WARNING
            line = f"cannot read {s.folder} at {s.address} ({type(error).__name__}: {reason})"
        if not log_it:
            return line
        log.log(level, "IMAP: %s; trying again in %ss", line, s.poll_seconds)
        return reason

    def _login(self, client: IMAPClient) -> None:
        s = self.settings
        if self.tokens is None:
            client.login(s.username, s.password)
            return
        try:
            client.oauth2_login(s.username, self.tokens.token())
        except LoginError:
            self.tokens.forget()  # expired or revoked early: a new one next poll
            raise
