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
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr

from bot.email.render import EmailContent
from storage import email_plan

FIRST = (email_plan.RECEIVED, email_plan.NEW_TICKET)

# Quoted-printable keeps every line short and 7-bit (a 3,000-character description on one line
# would otherwise break SMTP's 998-octet limit) and leaves text readable in the raw source.
UTF8_QP = Charset("utf-8")
UTF8_QP.header_encoding = UTF8_QP.body_encoding = QP


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
    to: tuple[str, str],
    reply_to: str | None,
    message_id: str,
    root: str,
    date: datetime,
) -> MIMEMultipart:
    """`to` is (display name, address). Built with the classic MIME classes: the modern
    `EmailMessage` parses every header it is given, which tripled the cost of an email."""
    message = MIMEMultipart("alternative")
    message["Subject"] = _header(content.subject)
    message["From"] = _mailbox(*parseaddr(sender))
    message["To"] = _mailbox(*to)
    if reply_to:
        message["Reply-To"] = _mailbox(*parseaddr(reply_to))
    message["Date"] = format_datetime(date)  # when the change happened: the same on a resend
    message["Message-ID"] = message_id
    if message_id != root:
        message["In-Reply-To"] = root
        message["References"] = root
    # RFC 3834: out-of-office robots must not answer a notification.
    message["Auto-Submitted"] = "auto-generated"
    message.attach(MIMEText(content.text, "plain", UTF8_QP))
    message.attach(MIMEText(content.html, "html", UTF8_QP))
    return message


def _header(text: str) -> str | Header:
    return text if text.isascii() else Header(text, UTF8_QP)


def _mailbox(name: str, address: str) -> str:
    return formataddr((name, address), charset=UTF8_QP)
