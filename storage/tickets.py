"""The ticket service: every rule, permission, history row and outbox row of a ticket.

Each public method is one transaction: the change, its `TicketEvent` and its notifications
commit together or not at all. Callers pass plain values; nothing here knows Slack payloads.
`TicketService` files tickets (here) and has the methods of one class per job: reading
(storage.ticket_reads), the lifecycle (storage.ticket_lifecycle), comments written in a card's
thread (storage.conversation) and the reporter's answers to
"Was your problem solved?" (storage.csat), all built on storage.ticket_core.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import attachments, inbound_mail, notifications
from storage.comment_edits import CommentEdits
from storage.conversation import REOPEN_WINDOW, Conversation
from storage.csat import CsatAnswers
from storage.db import Database
from storage.domain import DESCRIPTION_MAX, TITLE_MAX, Actor, EventKind, Priority, Status
from storage.email_plan import MailPolicy
from storage.errors import InvalidInput
from storage.inbound_mail import Inbound
from storage.inserts import insert_row
from storage.models import Ticket, utcnow
from storage.roles import Roles
from storage.sla import ServiceLevels
from storage.ticket_lifecycle import TicketLifecycle
from storage.ticket_reads import TicketReads


@dataclass(frozen=True)
class NewTicket:
    title: str
    description: str
    category: str
    priority: str = Priority.MEDIUM.value
    request_key: str | None = None
    # Filed from a Slack message (shortcut or :ticket: reaction): where it is; `source_thread_ts`
    # is its thread's root when it is a reply (the bot answers there).
    source_channel: str | None = None
    source_ts: str | None = None
    source_thread_ts: str | None = None


class TicketService(TicketReads, TicketLifecycle, CsatAnswers, Conversation, CommentEdits):
    def __init__(
        self,
        db: Database,
        *,
        roles: Roles,
        categories: Collection[str],
        levels: ServiceLevels | None = None,
        mail: MailPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        reopen_window: timedelta = REOPEN_WINDOW,
        file_max_bytes: int = attachments.MAX_BYTES,
    ) -> None:
        self.db = db
        self.roles = roles
        self.mail = mail or MailPolicy()  # who besides the people on a ticket gets its emails
        self.categories = tuple(categories)
        self.levels = levels
        self.clock = clock  # tests travel in time through it
        self.reopen_window = reopen_window  # a reply this long after a close reopens the ticket
        self.file_max_bytes = file_max_bytes  # a file shared in a card's thread may be this large
        # People whose users row is committed (rows are never deleted): no upsert for them.
        self._known_users: set[str] = set()

    # -- reading -----------------------------------------------------------------------------

    def is_admin(self, user_id: str) -> bool:
        return self.roles.is_admin(user_id)

    # -- filing ------------------------------------------------------------------------------

    def create(
        self,
        reporter: Actor,
        new: NewTicket,
        filed_by: Actor | None = None,
        then: Callable[[Session, Ticket], None] | None = None,
        *,
        mail: Inbound | None = None,
    ) -> tuple[Ticket, bool]:
        """File a ticket; returns it and whether it is new (False: the same request came twice).

        `filed_by` is who filed it for `reporter` (a :ticket: reaction, the message shortcut on
        someone's message): the actor of its history's first event. `then(session, ticket)`
        runs in the same transaction once a new ticket is filed (storage.known_issues: joining
        an incident while filing, so the ticket is never filed without its link, nor linked
        without being filed). `mail`: the email it was filed from, recorded in the same
        transaction (storage.inbound_mail)."""
        title, description = new.title.strip(), new.description.strip()
        errors: dict[str, str] = {}
        if not title:
            errors["title"] = "error.required"
        elif len(title) > TITLE_MAX:
            errors["title"] = "error.too_long"
        if not description:
            errors["description"] = "error.required"
        elif len(description) > DESCRIPTION_MAX:
            errors["description"] = "error.too_long"
        if new.category not in self.categories:
            errors["category"] = "error.unknown_choice"
        if new.priority not in {p.value for p in Priority}:
            errors["priority"] = "error.unknown_choice"
        if errors:
            raise InvalidInput(errors)

        with self.db.transaction() as session:
            self.touch_user(session, reporter)
            if filed_by is not None and filed_by.user_id != reporter.user_id:
                self.touch_user(session, filed_by)
            now = self.clock()
            ticket = Ticket(
                reporter_id=reporter.user_id,
                title=title,
                description=description,
                category=new.category,
                priority=new.priority,
                status=Status.OPEN.value,
                version=1,
                created_at=now,
                updated_at=now,
                request_key=new.request_key,
                source_channel=new.source_channel,
                source_ts=new.source_ts,
            )
            if self.levels:
                self.levels.start(ticket, now)
            # One statement files it unless its request key is taken (see `insert_row`): a request
            # that came before, or one racing it in right now, files nothing. PostgreSQL waits
            # for a racing insert to commit, so the look-up after it finds that ticket.
            if insert_row(session, ticket, unless_taken="request_key") is None:
                existing = session.scalar(select(Ticket).where(Ticket.request_key == new.request_key))
                if existing is None:  # cannot happen: the conflicting row is committed
                    raise RuntimeError(f"no ticket holds request key {new.request_key!r}")
                return existing, False
            if mail is not None:
                inbound_mail.claim(session, mail.key, mail.message_id, ticket.id)
            event = self._record(
                session, ticket, filed_by or reporter, EventKind.CREATED, new_value=Status.OPEN.value
            )
            for file in mail.files if mail is not None else ():
                attachments.record(
                    session, event, file.filename, file.mimetype, file.data, max_bytes=self.file_max_bytes
                )
            if mail is not None and mail.files:  # the emailed files, in the triage card's thread
                notifications.pass_files(
                    session, ticket, event, notifications.TRIAGE, notifications.REPORTER, None
                )
            if new.source_channel and new.source_ts:
                notifications.source_reply(session, ticket, event, new.source_thread_ts)
            if then is not None:
                then(session, ticket)
            return ticket, True
