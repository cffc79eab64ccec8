"""Email in by IMAP: every IMAP_POLL_SECONDS the leader reads the helpdesk mailbox (bot.config_imap).

One poll: connect (IMAPS, or STARTTLS; never plain text), log in, select IMAP_FOLDER, search the
unread messages not yet handled, and for each, oldest first: fetch it with BODY.PEEK[] (fetching
alone marks nothing read), hand its bytes to `handle`, and only once `handle` has answered with a
final outcome finish it: MOVE it to IMAP_DONE_FOLDER (COPY + \\Deleted + EXPUNGE on a server
without MOVE), or, without a done folder, flag it \\Seen (and the keyword below, where the server
keeps keywords). An answer of "tempfail", an exception, or an outcome we do not know leaves the
message as it was, unread, so the next poll hands it again.

Nothing is lost: a message is finished only after `handle` returned. Nothing is taken twice: the
only window is a crash (or a dropped connection) after `handle` stored it and before it was
finished; the next poll then hands the same message again, and `handle` must recognise it by its
Message-ID (bot.mail_in does: the same Message-ID taken twice is one comment).

A poll that cannot connect or log in is one log line (no traceback; the password never written),
and the next poll tries again. Passwords are not in imapclient's debug log either: it redacts LOGIN.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from bot.config_imap import ImapSettings
from bot.imap_oauth import TokenError, TokenSource

log = logging.getLogger("ticketbot.imap")

MailHandler = Callable[[bytes], str]  # raw RFC 5322 bytes -> one of OUTCOMES (a str Enum will do)
TEMPFAIL = "tempfail"
FINAL = frozenset({"taken", "ignored", "refused", "dataerr"})  # done with the message
KEYWORD = "TicketbotTaken"  # set beside \Seen where the server keeps keywords (Gmail, Dovecot…)
TIMEOUT = 30  # seconds for connecting and for each answer of the server


@dataclass
class PollReport:
    """What one poll did (its log line; the tests read it)."""

    handed: int = 0
    finished: int = 0
    left: int = 0  # handed but left unread: tempfail, an exception, an unknown outcome
    error: str | None = None  # why the poll could not read the mailbox at all


def _reason(error: BaseException) -> str:
    if error.args and isinstance(error.args[0], bytes):  # the server's words
        return error.args[0].decode("utf-8", "replace")
    return str(error) or type(error).__name__


class ImapPoller:
    def __init__(
        self, settings: ImapSettings, handle: MailHandler, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.settings = settings
        self.handle = handle
        self.ssl_context = ssl_context or ssl.create_default_context(cafile=settings.ca_file)
        self.tokens = TokenSource(settings.oauth) if settings.oauth else None
        self.stopping = threading.Event()  # set by Runtime.stop: finish the message in hand, no more

    def stop(self) -> None:
        self.stopping.set()

    def poll(self) -> PollReport:
        report = PollReport()
        s = self.settings
        try:
            with self._session() as client:
                self._read(client, report)
        except (TokenError, OSError, IMAPClientError) as error:  # refused, timed out, TLS, dropped…
            report.error = self._failure(error)
        if report.handed:
            log.info(
                "IMAP: %s new in %s, %s finished, %s left for the next poll",
                report.handed,
                s.folder,
                report.finished,
                report.left,
            )
        return report

    def probe(self) -> tuple[bool, str]:
        """`ticketbot check`: log in and count what waits, changing nothing; (ok, one line)."""
        s = self.settings
        try:
            with self._session() as client:
                client.select_folder(s.folder, readonly=True)
                waiting = len(client.search(["UNSEEN", "UNDELETED"]))
        except (TokenError, OSError, IMAPClientError) as error:
            return False, self._failure(error, log_it=False)
        how = "a token" if s.oauth else "a password"
        return True, f"{s.username} at {s.address} logs in with {how}; {waiting} unread in {s.folder}"

    @contextmanager
    def _session(self) -> Iterator[IMAPClient]:
        s = self.settings
        client = IMAPClient(s.host, s.port, ssl=not s.starttls, ssl_context=self.ssl_context, timeout=TIMEOUT)
        with client:  # logs out on the way out, whatever happened
            if s.starttls:
                client.starttls(self.ssl_context)
            self._login(client)
            yield client

    def _failure(self, error: Exception, log_it: bool = True) -> str:
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

    def _read(self, client: IMAPClient, report: PollReport) -> None:
        s = self.settings
        selected = client.select_folder(s.folder)
        keyword = KEYWORD if b"\\*" in selected.get(b"PERMANENTFLAGS", ()) else None
        criteria = ["UNSEEN", "UNDELETED"]
        if keyword and not s.done_folder:
            criteria += ["UNKEYWORD", keyword]
        uids = sorted(client.search(criteria))
        if uids and s.done_folder and not client.folder_exists(s.done_folder):
            client.create_folder(s.done_folder)
            log.info("IMAP: created the folder %s (IMAP_DONE_FOLDER)", s.done_folder)
        for uid in uids:
            if self.stopping.is_set():
                break
            self._take(client, uid, keyword, report)

    def _take(self, client: IMAPClient, uid: int, keyword: str | None, report: PollReport) -> None:
        raw = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")
        if raw is None:  # expunged by someone else since the search
            return
        report.handed += 1
        try:
            outcome = self.handle(raw)
        except Exception:
            report.left += 1
            log.exception("IMAP: handling message %s failed; it stays unread for the next poll", uid)
            return
        # A str Enum hashes by its name, not its value: compare values.
        outcome = str(outcome.value if isinstance(outcome, Enum) else outcome)
        if outcome not in FINAL:
            report.left += 1
            if outcome == TEMPFAIL:
                log.info("IMAP: message %s could not be stored now; it stays unread for the next poll", uid)
            else:
                log.error("IMAP: message %s: unknown outcome %r; it stays unread", uid, outcome)
            return
        self._finish(client, uid, keyword)
        report.finished += 1
        log.info("IMAP: message %s %s", uid, outcome)

    def _finish(self, client: IMAPClient, uid: int, keyword: str | None) -> None:
        done = self.settings.done_folder
        if done is None:
            client.add_flags([uid], [b"\\Seen", *([keyword] if keyword else [])], silent=True)
        elif client.has_capability("MOVE"):
            client.move([uid], done)
        else:
            client.copy([uid], done)
            client.add_flags([uid], [b"\\Deleted"], silent=True)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge([uid])  # this message only
            else:
                client.expunge()  # every \Deleted message in the folder: see the README


def install(scheduler, leader_only: Callable, poller: ImapPoller) -> None:
    """The leader-only job: a first poll at start, then every IMAP_POLL_SECONDS."""
    scheduler.add_job(
        leader_only(poller.poll),
        "interval",
        seconds=poller.settings.poll_seconds,
        id="imap-poll",
        next_run_time=datetime.now(timezone.utc),
        coalesce=True,
        max_instances=1,
    )
