"""Taking one email in: the entry point of `ticketbot mail-in` and of the IMAP poller.

`MailIn.take(raw)` says what became of the message (`MailOutcome`): taken (a comment on its
ticket, or a new ticket), ignored (a robot wrote it, or it was taken before), refused (too big,
failing DMARC, from someone who may not write there; logged, nothing changed), tempfail (the
database or Slack cannot be reached now: leave it for later), failed (a bug, or a value the
database refuses: trying later will not help, but keep it) or dataerr (not an email at all).
It never raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from email.utils import parseaddr
from enum import Enum

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.mail_in.auth import dmarc_fails
from bot.mail_in.loops import automatic
from bot.mail_in.match import ticket_number
from bot.mail_in.parse import NotAnEmail, ParsedMail, parse
from handlers.directory import lookup_by_email
from handlers.intake import default_category
from handlers.message_fields import quoted
from handlers.message_text import clip_words
from handlers.services import Services
from storage import inbound_mail
from storage.domain import DESCRIPTION_MAX, TITLE_MAX, Actor, Priority, format_number
from storage.errors import (
    DatabaseUnusable,
    NotAllowed,
    RefusedValue,
    StaleTicket,
    TicketError,
    TicketNotFound,
)
from storage.inbound_mail import DuplicateMail, Inbound, MailFile
from storage.notifications import ENGINEER, REPORTER, Line
from storage.tickets import NewTicket

log = logging.getLogger("ticketbot.mail_in")
STALE_TRIES = 3  # a comment that lost a race with another change of its ticket is tried again


class MailOutcome(str, Enum):
    TAKEN = "taken"
    IGNORED = "ignored"
    REFUSED = "refused"
    TEMPFAIL = "tempfail"  # leave it for later: it heals (an outage)
    FAILED = "failed"  # keep it, but it will not heal by waiting (the IMAP poller gives up at last)
    DATAERR = "dataerr"
    # taken, ignored, refused, dataerr: done with it


class MailIn:
    def __init__(self, services: Services, settings: Settings, slack: Callable[[], WebClient]) -> None:
        """`slack` makes the Web API client when one is first needed: only a sender not in the
        users table needs Slack (`users.lookupByEmail`)."""
        self.services = services
        self.settings = settings
        self._slack = slack
        self._client: WebClient | None = None

    @property
    def client(self) -> WebClient:
        if self._client is None:
            self._client = self._slack()
        return self._client

    def take(self, raw: bytes) -> MailOutcome:
        try:
            return self._take(raw)
        except RefusedValue as error:  # the same message, the same refusal: not an outage
            log.error("mail not taken, the database refuses a value of it: %s", _short(error))
            return MailOutcome.FAILED
        except DatabaseUnusable as error:  # down, unreachable: the outage passes, try again later
            log.warning("mail not taken now, the database cannot be used: %s", _short(error))
        except (SlackApiError, SlackClientError, OSError) as error:
            log.warning("mail not taken now, Slack cannot be asked who the sender is: %s", _short(error))
        except Exception as error:  # a bug: keep the message (a retry may meet a fix), say what it was
            log.error("mail not taken, unexpected %s: %s", type(error).__name__, _short(error))
            log.debug("mail-in failure", exc_info=True)
            return MailOutcome.FAILED
        return MailOutcome.TEMPFAIL

    def _take(self, raw: bytes) -> MailOutcome:
        if len(raw) > self.settings.mail_max_bytes:
            log.warning("mail refused: %s bytes, over MAIL_MAX_BYTES", len(raw))
            return MailOutcome.REFUSED
        try:
            mail = parse(raw)
        except NotAnEmail as error:
            log.warning("input is not an email (%s)", error)
            return MailOutcome.DATAERR
        about = f"mail {mail.message_id or '(no Message-ID)'} from {mail.sender}"
        own = (self.settings.mail_from, self.settings.mail_reply_to or "")
        why = automatic(mail, [_address(a) for a in own])
        if why:
            log.info("%s ignored: %s", about, why)
            return MailOutcome.IGNORED
        inbound = Inbound(
            inbound_mail.mail_key(mail.message_id, raw), mail.message_id, self._kept(mail, about)
        )
        if inbound_mail.taken(self.services.db, inbound.key):
            log.info("%s ignored: taken before", about)
            return MailOutcome.IGNORED
        if not mail.sender_clear:
            log.warning("%s refused: its From: names more than one address", about)
            return MailOutcome.REFUSED
        trusted = self.settings.mail_trusted_authserv_ids
        if trusted and dmarc_fails(mail.header("authentication-results"), trusted, mail.sender_domain):
            log.warning("%s refused: it fails DMARC for %s", about, mail.sender_domain)
            return MailOutcome.REFUSED
        sender = self._member(mail.sender)
        number = ticket_number(mail, self.settings.mail_domain)
        if number is not None:
            return self._comment(mail, number, sender, inbound, about)
        return self._file(mail, sender, inbound, about)

    # -- who wrote ---------------------------------------------------------------------------

    def _member(self, address: str) -> Actor | None:
        """The workspace member with this address: the users table first, else Slack."""
        user = self.services.people.user_by_email(address)
        if user is not None:
            return Actor(user.slack_id, user.display)
        profile = lookup_by_email(self.client, address)
        if profile is None:
            return None
        self.services.people.remember(profile)
        return Actor(profile.slack_id, profile.real_name or profile.name)

    # -- a reply to a ticket -------------------------------------------------------------------

    def _comment(self, mail: ParsedMail, number: int, sender: Actor | None, inbound: Inbound, about: str):
        ticket_name = format_number(number)
        if sender is None:
            log.warning("%s refused: not a workspace member's address, writing to %s", about, ticket_name)
            return MailOutcome.REFUSED
        tickets = self.services.tickets
        try:
            ticket = tickets.get(number, sender.user_id)
        except TicketNotFound:
            log.warning("%s refused: %s does not exist or is not theirs", about, ticket_name)
            return MailOutcome.REFUSED
        audience = REPORTER if ticket.reporter_id == sender.user_id else ENGINEER
        line = Line(audience, mailed_files=bool(inbound.files))
        text = mail.text or ("\n".join(a.filename for a in mail.attachments))
        text += self._not_kept(mail, sender)
        try:
            done = self._commented(number, sender, text, line, inbound)
        except StaleTicket:  # the ticket kept changing under it: nothing written, try again later
            log.warning("%s not taken now: %s kept changing", about, ticket_name)
            return MailOutcome.TEMPFAIL
        except DuplicateMail:
            log.info("%s ignored: taken before", about)
            return MailOutcome.IGNORED
        except NotAllowed:
            log.warning("%s refused: %s may not write to %s", about, sender.user_id, ticket_name)
            return MailOutcome.REFUSED
        except TicketError as error:  # nothing but blanks: nothing was written
            log.warning("%s refused: %s (%s)", about, error.code, ticket_name)
            return MailOutcome.REFUSED
        if done.too_late:
            days = tickets.reopen_window.days
            log.warning("%s refused: %s was closed over %s days ago", about, ticket_name, days)
            return MailOutcome.REFUSED
        log.info("%s taken: a comment on %s%s", about, ticket_name, " (reopened)" if done.reopened else "")
        return MailOutcome.TAKEN

    def _commented(self, number: int, sender: Actor, text: str, line: Line, inbound: Inbound):
        """The comment, tried again when another change of the ticket won the race (its version
        moved on: nothing was written); StaleTicket if it keeps losing."""
        for _ in range(STALE_TRIES - 1):
            try:
                return self.services.tickets.comment(number, sender, text, line, mail=inbound)
            except StaleTicket:
                continue
        return self.services.tickets.comment(number, sender, text, line, mail=inbound)

    # -- a new ticket ----------------------------------------------------------------------------

    def _file(self, mail: ParsedMail, sender: Actor | None, inbound: Inbound, about: str):
        tr = self.services.tr_for(sender.user_id if sender else None)
        description = clip_words(mail.text, DESCRIPTION_MAX) or tr("mail.no_text")
        if sender is None:
            admins = sorted(self.settings.admin_user_ids)
            if not (self.settings.mail_accept_unknown and admins):
                log.warning("%s refused: not a workspace member (MAIL_ACCEPT_UNKNOWN is off)", about)
                return MailOutcome.REFUSED
            # As for a Slack Connect author: the outsider is quoted, the helpdesk (an admin) reports.
            sender = Actor(admins[0])
            who = f"{mail.sender_name} <{mail.sender}>" if mail.sender_name else mail.sender
            description = quoted(clip_words(mail.text, DESCRIPTION_MAX), tr("mail.written_by", address=who))
        new = NewTicket(
            title=clip_words(mail.subject, TITLE_MAX) or tr("mail.untitled"),
            description=description,
            category=default_category(self.services.workspace.category_keys),
            priority=Priority.MEDIUM.value,
            request_key=inbound_mail.request_key(inbound.key),
        )
        try:
            ticket, created = self.services.tickets.create(sender, new, mail=inbound)
        except DuplicateMail:
            created = False
        except TicketError as error:
            log.warning("%s refused: %s", about, error)
            return MailOutcome.REFUSED
        if not created:
            log.info("%s ignored: taken before", about)
            return MailOutcome.IGNORED
        log.info("%s taken: filed as %s", about, ticket.number)
        return MailOutcome.TAKEN

    def _not_kept(self, mail: ParsedMail, sender: Actor) -> str:
        """A line naming the attachments left out (over FILE_MAX_MB), so the reader knows."""
        limit = self.services.attachments.max_bytes
        left_out = [a.filename for a in mail.attachments if len(a.data) > limit]
        if not left_out:
            return ""
        tr = self.services.tr_for(sender.user_id)
        return "\n\n" + tr("mail.files_not_kept", names=", ".join(left_out), max_mb=limit // (1024 * 1024))

    def _kept(self, mail: ParsedMail, about: str) -> tuple[MailFile, ...]:
        """The attachments kept with the ticket: each up to FILE_MAX_MB, as a file shared in Slack;
        a larger one is left out (logged; the text still names every attachment if it had none)."""
        limit = self.services.attachments.max_bytes
        kept = []
        for file in mail.attachments:
            if len(file.data) > limit:
                log.warning(
                    "%s: attachment %r not kept, %s bytes is over FILE_MAX_MB",
                    about,
                    file.filename,
                    len(file.data),
                )
            else:
                kept.append(MailFile(file.filename, file.mimetype, file.data))
        return tuple(kept)


def _address(value: str) -> str:
    return parseaddr(value)[1].lower()


def _short(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error)
    return " ".join(text.split())[:300]
