"""The emails taken in (`ticketbot mail-in`, the IMAP poller): each once.

A message is known by its Message-ID, or, without one, by its bytes. Its row is written in the
transaction of the comment or ticket it became (`claim`), so a crash between the two leaves
neither, and the MTA or the poller handing the same message in again writes nothing more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.errors import TicketError
from storage.inserts import dialect_insert
from storage.models import InboundMail, utcnow

MESSAGE_ID_KEPT = 255


@dataclass(frozen=True)
class MailFile:
    """A file attached to an email, kept with the comment or ticket it became (storage.attachments)."""

    filename: str
    mimetype: str
    data: bytes


@dataclass(frozen=True)
class Inbound:
    """A message being taken: its key (`mail_key`), Message-ID as it came (None: none), and the
    files attached to it (each within FILE_MAX_MB: the caller leaves out larger ones)."""

    key: str
    message_id: str | None = None
    files: tuple[MailFile, ...] = ()


class DuplicateMail(TicketError):
    """This message was taken before: nothing is written twice."""

    code = "mail.duplicate"


def mail_key(message_id: str | None, raw: bytes) -> str:
    """The row's key: the Message-ID's hash, else the raw bytes' (64 hex digits either way)."""
    if message_id:
        return hashlib.sha256(b"id:" + message_id.strip().encode("utf-8", "replace")).hexdigest()
    return hashlib.sha256(b"raw:" + raw).hexdigest()


def request_key(key: str) -> str:
    """The `tickets.request_key` of a ticket filed from this message (64 characters at most)."""
    return "mail:" + key[:40]


def taken(db: Database, key: str) -> bool:
    """Whether the message was taken already (read before doing anything costly)."""
    with db.read() as session:
        return session.scalar(select(InboundMail.key).where(InboundMail.key == key)) is not None


def claim(session: Session, key: str, message_id: str | None, ticket_id: int) -> None:
    """Record the message in the caller's transaction; `DuplicateMail` if it is there already
    (on PostgreSQL a racing insert of the same key is waited for, then found)."""
    table = InboundMail.__table__
    insert = dialect_insert(session.get_bind().dialect.name)(table)
    values = {
        "key": key,
        "message_id": (message_id or None) and message_id[:MESSAGE_ID_KEPT],
        "ticket_id": ticket_id,
        "received_at": utcnow(),
    }
    statement = insert.values(**values).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
    if session.execute(statement).scalar() is None:
        raise DuplicateMail()
