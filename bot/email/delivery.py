"""Delivering the outbox's email rows: find the address, draw the email, send it.

At-least-once, like every outbox row: a process that dies after the server accepted an email
but before the row is marked done sends it again once its lease expires. Exactly-once is
impossible over SMTP; the resend carries the same Message-ID, so it is recognisable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.dispatcher import Deferred, Deliver, Permanent
from bot.email import files as email_files
from bot.email.attachments import attach
from bot.email.compose import compose, message_id, thread_root
from bot.email.links import SlackLinks
from bot.email.recipients import AddressBook
from bot.email.render import render
from bot.email.smtp import Sender, sender_for
from bot.known_cards import receipt_lines
from bot.slack_pacing import Pacer
from handlers.services import Services
from storage import email_plan, outbox, read_ahead
from storage.attachments import FileInfo
from storage.domain import EventKind
from storage.models import Ticket, TicketEvent, User, utcnow

log = logging.getLogger("ticketbot.email")

# An email of a comment whose Slack files delivery has yet to fetch waits for them (no attempt
# counted), for up to FILES_WAIT after the comment; then it leaves, naming those not attached.
FILES_WAIT = timedelta(minutes=10)
FILES_RECHECK = 1.0  # seconds between looks


@dataclass(frozen=True)
class Facts:
    """A row's ticket and event, and the names of the people they mention."""

    ticket: Ticket
    event: TicketEvent
    names: dict[str, str]
    users: dict[str, User]  # those people's rows, read with the ticket: the address book's cache

    def name_of(self, user_id: str | None) -> str:
        return self.names.get(user_id or "", user_id or "")


class EmailDelivery:
    def __init__(
        self,
        services: Services,
        settings: Settings,
        sender: Sender,
        book: AddressBook,
        links: SlackLinks,
    ) -> None:
        self.services, self.settings, self.sender = services, settings, sender
        self.book, self.links = book, links
        self._ahead: dict[tuple[int, int], Facts] = {}  # (ticket id, event id) → facts, one group's
        self._ahead_users: dict[str, User] = {}  # the group's recipients' rows
        self._ahead_files: dict[int, list[FileInfo]] | None = None  # the group's comments' files

    @classmethod
    def build(
        cls,
        services: Services,
        settings: Settings,
        client: WebClient,
        sender: Sender | None = None,
        pacer: Pacer | None = None,
    ) -> EmailDelivery:
        sender = sender or sender_for(settings)
        log.info("email backend: %s", sender.description)
        book, links = (
            AddressBook(services.people, client, pacer=pacer),
            SlackLinks(client, settings.triage_channel_id),
        )
        return cls(services, settings, sender, book, links)

    def deliverers(self) -> dict[str, Deliver]:
        return {email_plan.EMAIL: self.deliver}

    def tidy(self, final: bool = False) -> None:
        self.sender.tidy(final)

    def prepare(self, rows: list[outbox.Claimed]) -> None:
        """Dispatcher hook: read the tickets, events and people of a group of email rows in one
        session (each email used to open one or two of its own)."""
        self._ahead, self._ahead_users, self._ahead_files = {}, {}, None
        payloads = [row.payload for row in rows if row.kind == email_plan.EMAIL]
        keys = {(p["ticket_id"], p["event_id"]) for p in payloads if "ticket_id" in p and "event_id" in p}
        if not keys:
            return
        recipients = {p["to"]["user"] for p in payloads if "user" in p.get("to", {})}
        ahead = read_ahead.for_emails(self.services.db, keys, recipients)
        users = ahead.users
        for ticket_id, event_id in keys:
            ticket, event = ahead.tickets.get(ticket_id), ahead.events.get(event_id)
            if ticket is None or event is None:
                continue  # the row reads for itself, and finds out
            self._ahead[(ticket_id, event_id)] = self._facts_of(ticket, event, users)
        self._ahead_users = users
        notes = [e.id for e in ahead.events.values() if e.kind == EventKind.NOTE.value]
        self._ahead_files = self.services.attachments.for_events(notes)

    def deliver(self, payload: dict[str, Any]) -> None:
        template, to = payload["template"], payload["to"]
        if template not in email_plan.TEMPLATES:
            raise Permanent(f"unknown email template {template!r}")
        facts = self._facts(payload["ticket_id"], payload["event_id"])
        user_id = to.get("user", "")
        mailbox = self.book.resolve(to, known=facts.users.get(user_id) or self._ahead_users.get(user_id))
        if mailbox is None:
            return  # nobody to write to; the address book said why, once
        settings, ticket = self.settings, facts.ticket
        files = email_files.visible_to(self._files(facts.event), to.get("user"), ticket.reporter_id)
        if email_files.waiting(files) and utcnow() - facts.event.created_at < FILES_WAIT:
            raise Deferred("its files are still being fetched from Slack", FILES_RECHECK)
        attachments, listed = email_files.choose(files, self.services.attachments.data_of)
        # A person reads it in their language (the book has just refreshed their locale, if it was
        # old); a literal address (ADMIN_EMAILS) in the workspace's.
        tr = self.services.tr_for(to.get("user"))
        content = render(
            tr,
            settings.categories,
            template,
            ticket,
            facts.event,
            reader=mailbox.name or mailbox.address,
            name_of=facts.name_of,
            link=self._link(ticket, template, to.get("user")),
            zone=settings.timezone,
            files=listed,
            # The reporter's receipt: the known issue and written-up fix it matches, if any.
            hints=receipt_lines(self.services, tr, ticket) if template == email_plan.RECEIVED else (),
            replies=(
                None
                if not settings.mail_reply_to
                else "reporter"
                if to.get("user") == ticket.reporter_id
                else "staff"
            ),
        )
        message = compose(
            content,
            sender=settings.mail_from,
            to=mailbox,
            reply_to=settings.mail_reply_to,
            message_id=message_id(ticket.number, settings.mail_domain, template, facts.event.id, to),
            root=thread_root(ticket.number, settings.mail_domain),
            date=facts.event.created_at,
        )
        if attachments:
            message = attach(message, *attachments)
        self.sender.send(message, parseaddr(settings.mail_from)[1], mailbox.address)

    def _files(self, event: TicketEvent) -> list[FileInfo]:
        """The files of the comment (only comments have any): read ahead for the group, or now."""
        if event.kind != EventKind.NOTE.value:
            return []
        ahead = self._ahead_files
        if ahead is not None and (event.ticket_id, event.id) in self._ahead:
            return ahead.get(event.id, [])
        return self.services.attachments.for_events([event.id]).get(event.id, [])

    def _facts(self, ticket_id: int, event_id: int) -> Facts:
        ahead = self._ahead.get((ticket_id, event_id))
        if ahead is not None:
            return ahead
        found = read_ahead.for_email(self.services.db, ticket_id, event_id)
        if found is None:
            raise Permanent(f"ticket {ticket_id} or event {event_id} not found")
        return self._facts_of(found.tickets[ticket_id], found.events[event_id], found.users)

    @staticmethod
    def _facts_of(ticket: Ticket, event: TicketEvent, users: dict[str, User]) -> Facts:
        people = read_ahead.mentioned(ticket, event)
        mentioned = {uid: users[uid] for uid in people if uid and uid in users}
        return Facts(ticket, event, {uid: user.display for uid, user in mentioned.items()}, mentioned)

    def _link(self, ticket: Ticket, template: str, user_id: str | None) -> str | None:
        if template == email_plan.NEW_TICKET:
            return self.links.message(ticket.triage_channel, ticket.triage_ts) or self.links.triage()
        if template == email_plan.ASSIGNED and user_id == ticket.engineer_id:
            card = self.links.message(ticket.engineer_dm_channel, ticket.engineer_dm_ts)
            return card or self.links.app_home()
        if template == email_plan.REASSIGNED:
            return self.links.app_home()
        return self.links.message(ticket.reporter_dm_channel, ticket.reporter_dm_ts) or self.links.app_home()
