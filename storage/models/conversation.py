"""What came with a comment: its files, the email it came in, the thread message it was and where
that was relayed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from storage.models.base import Base, BigId, utcnow


class TicketAttachment(Base):
    """A file that came with a ticket event (a comment written in a card's thread, an email):
    storage.attachments. Its visibility is its event's: a file in the triage thread is internal.

    The bytes live in the row (`data`, bytea on PostgreSQL), not in a directory: the file
    commits with its comment, one database backup holds the ticket with its files, and every
    delivery process, on any host, reads them with no shared disk to mount. FILE_MAX_MB (20 MB
    by default) bounds each row. `data` is deferred (never read with a listing) and NULL while a
    Slack file waits for delivery to fetch it (`state` pending)."""

    __tablename__ = "ticket_attachments"
    __table_args__ = (
        Index("ix_ticket_attachments_ticket", "ticket_id", "id"),
        Index("ix_ticket_attachments_event", "event_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("ticket_events.id"))
    actor_id: Mapped[str] = mapped_column(ForeignKey("users.slack_id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filename: Mapped[str] = mapped_column(String(255))
    mimetype: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    visibility: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))  # stored, pending (Slack, to fetch), failed
    source: Mapped[str] = mapped_column(String(16))  # slack, email
    slack_file_id: Mapped[str | None] = mapped_column(String(32))
    download_url: Mapped[str | None] = mapped_column(Text)
    relayed_file_id: Mapped[str | None] = mapped_column(String(32))  # its copy in the other thread
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))


class InboundMail(Base):
    """An email taken by `ticketbot mail-in` (storage.inbound_mail): the same message taken twice
    (the MTA or the IMAP poller retrying) is one comment. Written in the comment's transaction."""

    __tablename__ = "inbound_mail"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the Message-ID, or the bytes
    message_id: Mapped[str | None] = mapped_column(String(255))  # as it came, clipped: for people
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class RelayedMessage(Base):
    """A message written in a card's thread that became a comment (storage.conversation), and
    where its relayed copy was posted in the other side's thread (written by the relay's
    deliverer once posted): an edit of the message updates the copy, a deletion removes it
    (storage.comment_edits, migration 0014)."""

    __tablename__ = "relayed_messages"
    __table_args__ = (Index("ix_relayed_messages_event", "event_id", unique=True),)

    source_channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("ticket_events.id"))
    ticket_id: Mapped[int] = mapped_column(BigId, ForeignKey("tickets.id"))
    copy_audience: Mapped[str | None] = mapped_column(String(16))  # None: relayed nowhere
    copy_channel: Mapped[str | None] = mapped_column(String(32))  # None: not posted (yet)
    copy_ts: Mapped[str | None] = mapped_column(String(32))
    original_text: Mapped[str | None] = mapped_column(Text)  # as first written, once edited or deleted
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
