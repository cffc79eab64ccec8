"""Which emails a ticket event sends, and to whom: one outbox row per recipient.

Domain policy only, like `storage.notifications` for Slack: a row names the email (a template
key), the ticket and event, and one recipient — a Slack user id, whose address is looked up at
delivery (users table, refreshed with users.info), or a literal address (ADMIN_EMAILS). One row
per recipient, so a refused address fails alone and a retry never mails the others twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from storage import outbox
from storage.domain import CsatOutcome, EventKind, Visibility
from storage.models import Ticket, TicketEvent

EMAIL = "email.message"  # outbox kind; payload: ticket_id, event_id, template, to

# Templates: which email, named for what it tells its reader.
RECEIVED = "received"  # the reporter: we have your ticket
NEW_TICKET = "new_ticket"  # admins: a ticket waits for triage
ASSIGNED = "assigned"  # the engineer who now has it
REASSIGNED = "reassigned"  # the engineer it was taken from
STATUS = "status"  # the reporter: in progress, on hold (with the reason), reopened
CLOSED = "closed"  # the reporter, with the resolution
UPDATE = "update"  # the reporter: a note they may see
COMMENT = "comment"  # the engineer (the admins while nobody has it): the reporter wrote
# The SLA sweep's warnings: the template is named after the event kind.
WARNING_TEMPLATES = {
    EventKind.SLA_AT_RISK: "sla_at_risk",  # the engineer (the admins while nobody has it)
    EventKind.SLA_BREACHED: "sla_breached",  # the admins and the engineer
    EventKind.RESPONSE_LATE: "response_late",  # the admins and the engineer
    EventKind.UNASSIGNED: "unassigned",  # the admins
}
FEEDBACK = "feedback"  # the engineer: the reporter's rating, or their "not solved"
TEMPLATES = (
    RECEIVED,
    NEW_TICKET,
    ASSIGNED,
    REASSIGNED,
    STATUS,
    CLOSED,
    UPDATE,
    COMMENT,
    FEEDBACK,
    *WARNING_TEMPLATES.values(),
)


@dataclass(frozen=True)
class MailPolicy:
    """Who hears of new tickets besides the reporter: admins' Slack ids and extra addresses."""

    admin_user_ids: frozenset[str] = frozenset()
    admin_emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recipient:
    user_id: str | None = None
    address: str | None = None

    def as_payload(self) -> dict[str, str]:
        return {"user": self.user_id} if self.user_id else {"address": self.address or ""}

    @property
    def key(self) -> str:
        """Short and stable: names the row's stream and, at delivery, its Message-ID."""
        return recipient_key(self.as_payload())


def recipient_key(to: dict[str, str]) -> str:
    if "user" in to:
        return to["user"].lower()
    return "a" + hashlib.sha1(to["address"].lower().encode()).hexdigest()[:12]


def emails_for(ticket: Ticket, event: TicketEvent, policy: MailPolicy) -> list[tuple[str, Recipient]]:
    """(template, recipient) pairs for `event`, in the order they are written."""
    kind = EventKind(event.kind)
    reporter = Recipient(user_id=ticket.reporter_id)
    if kind is EventKind.CREATED:
        # The reporter's receipt is the point, even though they filed it themselves.
        admins = sorted(policy.admin_user_ids - {ticket.reporter_id})
        return [
            (RECEIVED, reporter),
            *((NEW_TICKET, Recipient(user_id=admin)) for admin in admins),
            *((NEW_TICKET, Recipient(address=address)) for address in policy.admin_emails),
        ]
    if kind in WARNING_TEMPLATES:
        return [(WARNING_TEMPLATES[kind], r) for r in _warned(ticket, kind, policy)]
    found: list[tuple[str, Recipient]] = []
    if kind is EventKind.ASSIGNED:
        found.append((ASSIGNED, Recipient(user_id=event.new_value)))
        if event.old_value:
            found.append((REASSIGNED, Recipient(user_id=event.old_value)))
    elif kind in (EventKind.STATUS, EventKind.REOPENED):
        found.append((STATUS, reporter))
    elif kind is EventKind.CLOSED:
        found.append((CLOSED, reporter))
    elif kind is EventKind.NOTE and event.visibility != Visibility.INTERNAL.value:
        if event.actor_id == ticket.reporter_id:  # the reporter's comment, from their card's thread
            found += [(COMMENT, r) for r in _answering(ticket, policy)]
        else:
            found.append((UPDATE, reporter))  # internal notes are never emailed to the reporter
    elif kind is EventKind.FEEDBACK and ticket.engineer_id and event.new_value != CsatOutcome.SOLVED.value:
        # A rating or a "not solved"; a bare "yes" is told in Slack only (a rating often follows).
        found.append((FEEDBACK, Recipient(user_id=ticket.engineer_id)))
    # Nobody gets an email about what they just did themselves.
    return [(template, r) for template, r in found if r.user_id != event.actor_id]


def _answering(ticket: Ticket, policy: MailPolicy) -> list[Recipient]:
    """Who answers the reporter: the engineer, or while nobody has the ticket, the admins."""
    if ticket.engineer_id:
        return [Recipient(user_id=ticket.engineer_id)]
    admins = [Recipient(user_id=admin) for admin in sorted(policy.admin_user_ids)]
    return admins + [Recipient(address=address) for address in policy.admin_emails]


def _warned(ticket: Ticket, kind: EventKind, policy: MailPolicy) -> list[Recipient]:
    admins = [Recipient(user_id=admin) for admin in sorted(policy.admin_user_ids)]
    admins += [Recipient(address=address) for address in policy.admin_emails]
    engineer = [Recipient(user_id=ticket.engineer_id)] if ticket.engineer_id else []
    if kind is EventKind.UNASSIGNED or (kind is EventKind.SLA_AT_RISK and not engineer):
        return admins
    if kind is EventKind.SLA_AT_RISK:
        return engineer
    return admins + [r for r in engineer if r.user_id not in policy.admin_user_ids]


def plan(session: Session, ticket: Ticket, event: TicketEvent, policy: MailPolicy) -> None:
    """Write the email rows for `event` (flushed, so it has an id) in the caller's transaction."""
    for template, recipient in emails_for(ticket, event, policy):
        payload: dict[str, Any] = {
            "ticket_id": ticket.id,
            "event_id": event.id,
            "template": template,
            "to": recipient.as_payload(),
        }
        # One stream per ticket and recipient: each person's emails arrive in the order of events.
        outbox.write(session, EMAIL, payload, stream=f"email:{ticket.id}:{recipient.key}")
