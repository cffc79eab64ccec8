"""`ticketbot mail-in`: one email on standard input, as an MTA pipe hands it over (a Postfix alias
`helpdesk: "|/path/to/ticketbot mail-in"`, like Request Tracker's rt-mailgate).

The exit status speaks sysexits, which every MTA understands: 0 taken, ignored or refused (a
refusal is logged on stderr: nobody is answered, so forged mail makes no backscatter); 75
EX_TEMPFAIL when it cannot be stored now (database down, Slack unreachable, a setting wrong) or
failed (a bug): the MTA keeps the message and tries again, until its own queue lifetime;
65 EX_DATAERR when the input is not an email.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import BinaryIO

from bot.config import Settings

EX_OK, EX_DATAERR, EX_TEMPFAIL = 0, 65, 75
CHUNK = 1024 * 1024
log = logging.getLogger("ticketbot.mail_in")


def register(commands: argparse._SubParsersAction) -> None:
    mail_in = commands.add_parser(
        "mail-in", help="take one email from standard input (for an MTA pipe); exit 0, 65 or 75"
    )
    # A setting or the database failing before the mail is read: the MTA must keep it, not bounce it.
    mail_in.set_defaults(handler=cmd_mail_in, error_status=EX_TEMPFAIL)


def cmd_mail_in(settings: Settings, args: argparse.Namespace) -> int:
    from bot.mail_in import MailOutcome

    raw = read_limited(sys.stdin.buffer, settings.mail_max_bytes)
    try:
        outcome = _take(settings, raw)
    except Exception as error:  # e.g. a DATABASE_URL the engine cannot even be built from
        log.error("mail not taken now: %s: %s", type(error).__name__, " ".join(str(error).split())[:300])
        log.debug("mail-in failure", exc_info=True)
        return EX_TEMPFAIL
    statuses = {
        MailOutcome.TEMPFAIL: EX_TEMPFAIL,
        MailOutcome.FAILED: EX_TEMPFAIL,
        MailOutcome.DATAERR: EX_DATAERR,
    }
    return statuses.get(outcome, EX_OK)


def _take(settings: Settings, raw: bytes):
    from bot.app import build_services, web_client
    from bot.mail_in import MailIn
    from storage.db import Database

    db = Database.from_url(settings.database_url)
    try:
        return MailIn(
            build_services(settings, db), settings, lambda: web_client(settings, retries=True)
        ).take(raw)
    finally:
        db.dispose()


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """At most `limit` + 1 bytes (enough to know it is too big); the rest is read and dropped,
    so the MTA writing it never meets a closed pipe."""
    kept = stream.read(limit + 1) or b""
    while len(kept) > limit and stream.read(CHUNK):
        pass
    return kept
