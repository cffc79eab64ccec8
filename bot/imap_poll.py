"""Email in by IMAP: every IMAP_POLL_SECONDS the leader reads the helpdesk mailbox (bot.config_imap).

One poll: connect (IMAPS, or STARTTLS; never plain text), log in, select IMAP_FOLDER, search the
unread messages not yet handled, ask their sizes (RFC822.SIZE) and flags, and for each, oldest
first: fetch it with BODY.PEEK[] (fetching alone marks nothing read), hand its bytes to `handle`,
and only once `handle` has answered with a final outcome finish it: MOVE it to IMAP_DONE_FOLDER
(COPY + \\Deleted + EXPUNGE on a server without MOVE), or, without a done folder, flag it \\Seen
(and the keyword below, where the server keeps keywords). An answer of "tempfail" leaves the
message as it was, unread, so the next poll hands it again.

Too big: a message over MAIL_MAX_BYTES by its RFC822.SIZE is never downloaded; it is finished as
"refused" (logged with its size, nothing of its content). The fetch itself asks for no more than
MAIL_MAX_BYTES + 1 bytes, so a server that understates a size costs no more memory either.

Giving up (bot.imap_tries counts): "tempfail" is what email in answers when the database (or
Slack) cannot be used now — an outage, which heals: it is never counted, however long it lasts,
and no mail is moved away because of it. What is counted is what will not heal by waiting: an
exception from `handle`, an answer of "failed" (email in met a bug, or the database refused the
message's data), an outcome we do not know, and a try that never answered (the process died with
it in hand). After IMAP_MAX_ATTEMPTS of those (default 10: ten polls) the message is moved to
IMAP_FAILED_FOLDER (created if missing) and logged as an error, for a person to look at; moved
back, unread, it is tried afresh. "dataerr" (not an email at all) is final already: finished at
once like a refusal, never retried.

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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum

from imapclient import IMAPClient

from bot.config_imap import ImapSettings
from bot.config_mail_in import DEFAULT_MAX_BYTES
from bot.imap_session import FAILURES, Mailbox
from bot.imap_tries import Tries

log = logging.getLogger("ticketbot.imap")

MailHandler = Callable[[bytes], str]  # raw RFC 5322 bytes -> one of OUTCOMES (a str Enum will do)
TEMPFAIL = "tempfail"  # cannot be stored now (an outage): tried again, never counted
FAILED = "failed"  # will not heal by waiting (a bug): tried again up to IMAP_MAX_ATTEMPTS
FINAL = frozenset({"taken", "ignored", "refused", "dataerr"})  # done with the message
KEYWORD = "TicketbotTaken"  # set beside \Seen where the server keeps keywords (Gmail, Dovecot…)
BATCH = 100  # messages whose sizes and flags one FETCH asks


@dataclass
class PollReport:
    """What one poll did (its log line; the tests read it)."""

    handed: int = 0
    finished: int = 0
    left: int = 0  # handed but left unread: tempfail, an exception, an unknown outcome
    too_big: int = 0  # finished as refused without being downloaded (also counted in `finished`)
    given_up: int = 0  # moved to IMAP_FAILED_FOLDER after IMAP_MAX_ATTEMPTS failed tries
    error: str | None = None  # why the poll could not read the mailbox at all


class ImapPoller:
    def __init__(
        self,
        settings: ImapSettings,
        handle: MailHandler,
        ssl_context: ssl.SSLContext | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,  # MAIL_MAX_BYTES: larger messages are not downloaded
    ) -> None:
        self.settings = settings
        self.handle = handle
        self.max_bytes = max_bytes
        self.tries: dict[tuple[int, int], int] = {}  # failed tries where keywords are not kept
        self.mailbox = Mailbox(settings, ssl_context)
        self.stopping = threading.Event()  # set by Runtime.stop: finish the message in hand, no more

    def stop(self) -> None:
        self.stopping.set()

    def poll(self) -> PollReport:
        report = PollReport()
        s = self.settings
        try:
            with self.mailbox.session() as client:
                self._read(client, report)
        except FAILURES as error:  # refused, timed out, TLS, dropped…
            report.error = self.mailbox.failure(error)
        if report.handed or report.finished or report.given_up:
            log.info(
                "IMAP: %s new in %s, %s finished (%s too big to read), %s left for the next poll,"
                " %s given up",
                report.handed + report.too_big,
                s.folder,
                report.finished,
                report.too_big,
                report.left,
                report.given_up,
            )
        return report

    def probe(self) -> tuple[bool, str]:
        """`ticketbot check`: log in and count what waits, changing nothing; (ok, one line)."""
        s = self.settings
        try:
            with self.mailbox.session() as client:
                client.select_folder(s.folder, readonly=True)
                waiting = len(client.search(["UNSEEN", "UNDELETED"]))
        except FAILURES as error:
            return False, self.mailbox.failure(error, log_it=False)
        how = "a token" if s.oauth else "a password"
        return True, f"{s.username} at {s.address} logs in with {how}; {waiting} unread in {s.folder}"

    def _read(self, client: IMAPClient, report: PollReport) -> None:
        s = self.settings
        selected = client.select_folder(s.folder)
        keyword = KEYWORD if b"\\*" in selected.get(b"PERMANENTFLAGS", ()) else None
        tries = Tries(client, selected.get(b"UIDVALIDITY", 0), bool(keyword), self.tries)
        criteria = ["UNSEEN", "UNDELETED"]
        if keyword and not s.done_folder:
            criteria += ["UNKEYWORD", keyword]
        uids = sorted(client.search(criteria))
        if uids and s.done_folder:
            self._ensure(client, s.done_folder, "IMAP_DONE_FOLDER")
        for start in range(0, len(uids), BATCH):
            batch = uids[start : start + BATCH]
            about = client.fetch(batch, ["RFC822.SIZE", "FLAGS"])
            for uid in batch:
                if self.stopping.is_set():
                    return
                if uid in about:  # else expunged by someone else since the search
                    size, flags = about[uid].get(b"RFC822.SIZE", 0), about[uid].get(b"FLAGS", ())
                    self._take(client, uid, size, flags, keyword, tries, report)

    def _take(self, client, uid: int, size: int, flags, keyword: str | None, tries: Tries, report) -> None:
        if size > self.max_bytes:
            self._too_big(client, uid, size, keyword, report)
            return
        before = tries.so_far(uid, flags)
        if before >= self.settings.max_attempts:  # e.g. the process died with it in hand, again
            self._give_up(client, uid, before, tries, report)
            return
        tries.set(uid, before, before + 1)  # counted before it is handed: see bot.imap_tries
        part = f"BODY.PEEK[]<0.{self.max_bytes + 1}>"  # never more than the limit and one byte
        raw = client.fetch([uid], [part]).get(uid, {}).get(b"BODY[]<0>")
        if raw is None:  # expunged by someone else since the search
            return
        if len(raw) > self.max_bytes:  # the server gave a size smaller than the message
            tries.forget(uid)
            self._too_big(client, uid, len(raw), keyword, report)
            return
        report.handed += 1
        try:
            outcome = self.handle(raw)
        except Exception:
            log.exception("IMAP: handling message %s failed", uid)
            outcome = FAILED
        # A str Enum hashes by its name, not its value: compare values.
        outcome = str(outcome.value if isinstance(outcome, Enum) else outcome)
        if outcome in FINAL:
            self._finish(client, uid, keyword)
            tries.forget(uid)
            report.finished += 1
            log.info("IMAP: message %s %s", uid, outcome)
        elif outcome == TEMPFAIL:  # an outage: not the message's fault, the try is taken back
            tries.set(uid, before + 1, before)
            report.left += 1
            log.info("IMAP: message %s could not be stored now; it stays unread for the next poll", uid)
        elif before + 1 >= self.settings.max_attempts:
            self._give_up(client, uid, before + 1, tries, report)
        else:
            report.left += 1
            what = "failed" if outcome == FAILED else f"unknown outcome {outcome!r}"
            log.error(
                "IMAP: message %s: %s, try %s of %s (IMAP_MAX_ATTEMPTS); it stays unread for the next poll",
                uid,
                what,
                before + 1,
                self.settings.max_attempts,
            )

    def _too_big(self, client: IMAPClient, uid: int, size: int, keyword: str | None, report) -> None:
        self._finish(client, uid, keyword)
        report.finished += 1
        report.too_big += 1
        log.warning(
            "IMAP: message %s refused unread: %s bytes, over MAIL_MAX_BYTES (%s)", uid, size, self.max_bytes
        )

    def _give_up(self, client: IMAPClient, uid: int, count: int, tries: Tries, report) -> None:
        s = self.settings
        self._ensure(client, s.failed_folder, "IMAP_FAILED_FOLDER")
        tries.give_up(uid, count)
        self._move(client, uid, s.failed_folder)
        report.given_up += 1
        log.error(
            "IMAP: message %s failed %s tries; moved to %s for a person to look at "
            "(moved back to %s, unread, it is tried again)",
            uid,
            count,
            s.failed_folder,
            s.folder,
        )

    def _ensure(self, client: IMAPClient, folder: str, setting: str) -> None:
        if not client.folder_exists(folder):
            client.create_folder(folder)
            log.info("IMAP: created the folder %s (%s)", folder, setting)

    def _finish(self, client: IMAPClient, uid: int, keyword: str | None) -> None:
        done = self.settings.done_folder
        if done is None:
            client.add_flags([uid], [b"\\Seen", *([keyword] if keyword else [])], silent=True)
        else:
            self._move(client, uid, done)

    def _move(self, client: IMAPClient, uid: int, folder: str) -> None:
        if client.has_capability("MOVE"):
            client.move([uid], folder)
        else:
            client.copy([uid], folder)
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
