"""Files attached to a ticket: each came with one ticket event (a comment in a card's thread, an
email) and has that event's visibility, so a file written in the triage thread is internal and
never reaches the reporter.

The service other code calls (`Attachments`, built once in bot.app as `services.attachments`):

    attachments.add(ticket_id, event_id, filename, mimetype, data)  -> the new file's id
        stores `data` (bytes) with the event; its author and visibility are the event's. Raises
        FileTooLarge over the size limit (FILE_MAX_MB), InvalidInput for an event that is not the
        ticket's or an empty name. `source` says where it came from ("email" by default).
    attachments.for_ticket(ticket_id, include_internal=...)  -> [FileInfo], oldest first, no bytes
    attachments.get(id)  -> FileData (with `data`) or None

Inside a transaction of one's own (the comment and its files commit together), `record(session,
event, filename, mimetype, data)` does what `add` does. Slack files are written `pending` with
the comment (`record_pending`: what to fetch), and delivery fetches them (bot.file_delivery):
`store` keeps the bytes, `fail` says it could not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.db import Database
from storage.domain import Visibility
from storage.errors import FileTooLarge, InvalidInput
from storage.models import TicketAttachment, TicketEvent, utcnow

MB = 1024 * 1024
MAX_BYTES = 20 * MB  # FILE_MAX_MB's default
STORED, PENDING, FAILED = "stored", "pending", "failed"
SLACK, EMAIL = "slack", "email"
NAME_MAX, MIMETYPE_MAX = 255, 255
OCTETS = "application/octet-stream"


@dataclass(frozen=True)
class FileInfo:
    """A file as listings show it: no bytes."""

    id: int
    ticket_id: int
    event_id: int
    actor_id: str
    created_at: datetime
    filename: str
    mimetype: str
    size: int
    visibility: str
    state: str  # stored; pending: a Slack file delivery has yet to fetch; failed: it could not

    @property
    def internal(self) -> bool:
        return self.visibility == Visibility.INTERNAL.value


@dataclass(frozen=True)
class FileData(FileInfo):
    data: bytes | None = None


@dataclass(frozen=True)
class SlackFile:
    """A file shared with a Slack message, as the listener read it: what delivery fetches.
    `size` None: Slack did not say (a `file_access: check_file_info` stub: files.info tells)."""

    file_id: str
    name: str
    mimetype: str = OCTETS
    size: int | None = None
    url: str | None = None  # url_private_download


_INFO = [getattr(TicketAttachment, f.name) for f in fields(FileInfo)]


def _info(row) -> FileInfo:
    return FileInfo(*row)


def too_large(size: int | None, max_bytes: int) -> bool:
    return size is not None and size > max_bytes


def _clean_name(filename: str) -> str:
    name = " ".join((filename or "").replace("/", "_").replace("\\", "_").split())
    if not name:
        raise InvalidInput({"filename": "error.required"})
    return name[:NAME_MAX]


def _clean_type(mimetype: str | None) -> str:
    kind = (mimetype or "").strip().lower()
    return kind[:MIMETYPE_MAX] if "/" in kind else OCTETS


def record(
    session: Session,
    event: TicketEvent,
    filename: str,
    mimetype: str | None,
    data: bytes,
    *,
    source: str = EMAIL,
    max_bytes: int = MAX_BYTES,
) -> TicketAttachment:
    """Store a file with `event` (already flushed), in the caller's transaction."""
    name = _clean_name(filename)
    if len(data) > max_bytes:
        raise FileTooLarge(name=name, max_mb=max_bytes // MB)
    row = TicketAttachment(
        ticket_id=event.ticket_id,
        event_id=event.id,
        actor_id=event.actor_id,
        created_at=event.created_at or utcnow(),
        filename=name,
        mimetype=_clean_type(mimetype),
        size=len(data),
        visibility=event.visibility,
        state=STORED,
        source=source,
        data=bytes(data),
    )
    session.add(row)
    session.flush()
    return row


def record_pending(session: Session, event: TicketEvent, files: Iterable[SlackFile]) -> None:
    """The Slack files shared with the message `event` was written from: to fetch at delivery."""
    for file in files:
        session.add(
            TicketAttachment(
                ticket_id=event.ticket_id,
                event_id=event.id,
                actor_id=event.actor_id,
                created_at=event.created_at or utcnow(),
                filename=_clean_name(file.name or file.file_id),
                mimetype=_clean_type(file.mimetype),
                size=file.size or 0,
                visibility=event.visibility,
                state=PENDING,
                source=SLACK,
                slack_file_id=file.file_id[:32],
                download_url=file.url,
            )
        )
    session.flush()


@dataclass(frozen=True)
class Pending:
    """A Slack file delivery fetches (or has fetched: `state`) and passes on."""

    id: int
    filename: str
    mimetype: str
    state: str
    slack_file_id: str | None
    url: str | None
    relayed_file_id: str | None


class Attachments:
    def __init__(self, db: Database, max_bytes: int = MAX_BYTES) -> None:
        self.db = db
        self.max_bytes = max_bytes

    # -- the API (mail-in, listeners) ----------------------------------------------------------

    def add(
        self,
        ticket_id: int,
        event_id: int,
        filename: str,
        mimetype: str | None,
        data: bytes,
        *,
        source: str = EMAIL,
    ) -> int:
        with self.db.transaction() as session:
            event = session.get(TicketEvent, event_id)
            if event is None or event.ticket_id != ticket_id:
                raise InvalidInput({"event": "error.not_found"})
            row = record(session, event, filename, mimetype, data, source=source, max_bytes=self.max_bytes)
            return row.id

    def for_ticket(self, ticket_id: int, *, include_internal: bool) -> list[FileInfo]:
        query = select(*_INFO).where(TicketAttachment.ticket_id == ticket_id)
        if not include_internal:
            query = query.where(TicketAttachment.visibility == Visibility.PUBLIC.value)
        with self.db.read() as session:
            return [_info(row) for row in session.execute(query.order_by(TicketAttachment.id))]

    def get(self, attachment_id: int) -> FileData | None:
        with self.db.read() as session:
            row = session.execute(
                select(*_INFO, TicketAttachment.data).where(TicketAttachment.id == attachment_id)
            ).first()
        return FileData(*row) if row else None

    # -- what delivery reads and writes --------------------------------------------------------

    def for_events(self, event_ids: Sequence[int]) -> dict[int, list[FileInfo]]:
        """Every file of these events, by event: the History sheet, a batch of emails."""
        found: dict[int, list[FileInfo]] = {}
        if not event_ids:
            return found
        query = select(*_INFO).where(TicketAttachment.event_id.in_(list(event_ids)))
        with self.db.read() as session:
            for row in session.execute(query.order_by(TicketAttachment.id)):
                info = _info(row)
                found.setdefault(info.event_id, []).append(info)
        return found

    def data_of(self, attachment_ids: Sequence[int]) -> dict[int, bytes]:
        if not attachment_ids:
            return {}
        query = select(TicketAttachment.id, TicketAttachment.data).where(
            TicketAttachment.id.in_(list(attachment_ids)), TicketAttachment.state == STORED
        )
        with self.db.read() as session:
            return {row.id: row.data for row in session.execute(query) if row.data is not None}

    def of_event(self, event_id: int) -> list[Pending]:
        """The files of a comment: from Slack (to fetch, or fetched) or from its email (stored)."""
        query = select(
            TicketAttachment.id,
            TicketAttachment.filename,
            TicketAttachment.mimetype,
            TicketAttachment.state,
            TicketAttachment.slack_file_id,
            TicketAttachment.download_url,
            TicketAttachment.relayed_file_id,
        ).where(TicketAttachment.event_id == event_id)
        with self.db.read() as session:
            return [Pending(*row) for row in session.execute(query.order_by(TicketAttachment.id))]

    def store(self, attachment_id: int, data: bytes, *, filename: str = "", mimetype: str = "") -> None:
        """The fetched bytes of a pending file (and its name and type, when only now known)."""
        values: dict = {"data": bytes(data), "size": len(data), "state": STORED}
        if filename:
            values["filename"] = _clean_name(filename)
        if mimetype:
            values["mimetype"] = _clean_type(mimetype)
        self._set(attachment_id, values)

    def fail(self, attachment_id: int) -> None:
        self._set(attachment_id, {"state": FAILED})

    def fail_pending(self, event_id: int) -> None:
        """Delivery gave up on the event's files: those still pending will never come."""
        with self.db.transaction() as session:
            session.execute(
                update(TicketAttachment)
                .where(TicketAttachment.event_id == event_id, TicketAttachment.state == PENDING)
                .values(state=FAILED)
            )

    def relayed(self, attachment_id: int, file_id: str) -> None:
        self._set(attachment_id, {"relayed_file_id": file_id[:32]})

    def _set(self, attachment_id: int, values: dict) -> None:
        with self.db.transaction() as session:
            found = TicketAttachment.id == attachment_id
            session.execute(update(TicketAttachment).where(found).values(**values))
