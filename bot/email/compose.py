"""A rendered email as a MIME message: multipart/alternative, threaded per ticket.

Every email of a ticket threads in any mail client: the first ones (the ticket was filed) carry
`Message-ID: <tkt-000042@MAIL_DOMAIN>`, every later one its own id plus `In-Reply-To` and
`References` pointing at it, and the subject starts with `[TKT-000042]`.

Ids are derived from the outbox row's payload (ticket, event, recipient), never random: a row
sent twice (SMTP is at-least-once) carries the same Message-ID both times, so the duplicate is
recognisable, and mail systems that deduplicate by Message-ID drop it.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from bot.email.render import EmailContent
from storage import email_plan

FIRST = (email_plan.RECEIVED, email_plan.NEW_TICKET)


def thread_root(number: str, domain: str) -> str:
    return f"<{number.lower()}@{domain}>"


def message_id(number: str, domain: str, template: str, event_id: int, to: dict[str, str]) -> str:
    if template in FIRST:
        return thread_root(number, domain)
    return f"<{number.lower()}.{event_id}.{email_plan.recipient_key(to)}@{domain}>"


def compose(
    content: EmailContent,
    *,
    sender: str,
    to: Address,
    reply_to: str | None,
    message_id: str,
    root: str,
    date: datetime,
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = content.subject
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(date)  # when the change happened: the same on a resend
    message["Message-ID"] = message_id
    if message_id != root:
        message["In-Reply-To"] = root
        message["References"] = root
    # RFC 3834: out-of-office robots must not answer a notification.
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps every line short and 7-bit: a 3,000-character description on one
    # line would otherwise break SMTP's 998-octet line limit.
    message.set_content(content.text, cte="quoted-printable")
    message.add_alternative(content.html, subtype="html", cte="quoted-printable")
    return message
