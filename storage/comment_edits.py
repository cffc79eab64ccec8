"""Edits and deletions of a message that became a comment (storage.conversation).

Each such message is remembered (`relayed_messages`, migration 0014) with the comment it became
and, once the relay's deliverer has posted it, where its copy is in the other side's thread.

- An **edit** by the comment's author changes the comment's text (`TicketEvent.note`: what
  `/ticket TKT-…`, the cards' views and the exports show from then on) and updates the copy in
  place (outbox `slack.relayed_copy` → chat.update). It is never relayed as a new comment, and
  nobody is emailed again. The text as first written is kept (`original_text`). An edit by
  anyone else, or one that leaves the text as it was (a link unfurled), changes nothing.
- A **deletion** removes the copy (chat.delete) and marks the comment deleted: its text is
  shown nowhere any more (`note` is None), and is kept only here, for an audit. An email
  already sent about it stays sent: mail cannot be called back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import notifications
from storage.db import Database
from storage.domain import NOTE_MAX
from storage.errors import InvalidInput, NotAllowed
from storage.models import RelayedMessage, Ticket, TicketEvent
from storage.notifications import Line
from storage.ticket_core import TicketCore


def remember_message(session: Session, ticket: Ticket, event: TicketEvent, line: Line) -> None:
    """The message at `line` became the comment `event` (relayed to whom `relay` chose)."""
    to = notifications.relay_audience(ticket, event, line)
    row = RelayedMessage(
        source_channel=line.channel,
        source_ts=line.ts,
        event_id=event.id,
        ticket_id=ticket.id,
        copy_audience=to,
    )
    session.add(row)


def taken_already(session: Session, line: Line) -> TicketEvent | None:
    """The comment the message at `line` became already, if it did (a second delivery of it)."""
    row = session.get(RelayedMessage, (line.channel, line.ts))
    return session.get(TicketEvent, row.event_id) if row is not None else None


def remember_copy(db: Database, event_id: int, channel: str, ts: str) -> None:
    """The relay's deliverer posted the copy of comment `event_id` at (channel, ts): remembered,
    and ✅ on the message it is a copy of (a copy posted again, after a lost answer, asks for
    the ✅ again: Slack answers already_reacted)."""
    with db.transaction() as session:
        row = session.scalars(select(RelayedMessage).where(RelayedMessage.event_id == event_id)).first()
        if row is None:
            return  # relayed before migration 0014: its ✅ was written with it
        row.copy_channel, row.copy_ts = channel, ts
        notifications.delivered(session, row.ticket_id, row.source_channel, row.source_ts)


@dataclass(frozen=True)
class Copy:
    """Where a comment's copy is (channel None: never posted), and whether it should be gone."""

    channel: str | None
    ts: str | None
    deleted: bool


def copy_of(db: Database, event_id: int) -> Copy | None:
    """The copy of a comment written as a thread message (None: it was not)."""
    with db.read() as session:
        row = session.scalars(select(RelayedMessage).where(RelayedMessage.event_id == event_id)).first()
    return Copy(row.copy_channel, row.copy_ts, row.deleted_at is not None) if row else None


@dataclass(frozen=True)
class Changed:
    ticket_id: int
    event_id: int
    clipped: bool = False  # the new text was longer than NOTE_MAX: the rest was cut


class CommentEdits(TicketCore):
    def edit_comment(self, channel: str, ts: str, user_id: str, text: str) -> Changed | None:
        """`user_id` edited their message at (channel, ts) to `text`: None when it is no comment
        or nothing changed; `NotAllowed` when it is someone else's; `InvalidInput` when blank."""
        text = text.strip()
        clipped = len(text) > NOTE_MAX
        if clipped:
            text = text[: NOTE_MAX - 1] + "…"
        with self.db.transaction() as session:
            row = session.get(RelayedMessage, (channel, ts))
            if row is None:
                return None
            ticket = session.get(Ticket, row.ticket_id)
            event = session.get(TicketEvent, row.event_id)
            if event.actor_id != user_id:
                raise NotAllowed()
            if row.deleted_at is not None or event.note == text:
                return None
            if not text:
                raise InvalidInput({"note": "error.required"})
            if row.original_text is None:
                row.original_text = event.note
            event.note, row.edited_at = text, self.clock()
            if row.copy_audience:
                notifications.copy_sync(session, ticket, event, row.copy_audience)
            return Changed(ticket.id, event.id, clipped)

    def delete_comment(self, channel: str, ts: str) -> Changed | None:
        """The message at (channel, ts) was deleted: None when it was no comment (or already)."""
        with self.db.transaction() as session:
            row = session.get(RelayedMessage, (channel, ts))
            if row is None:
                return None
            ticket = session.get(Ticket, row.ticket_id)
            if row.deleted_at is not None:
                return None
            event = session.get(TicketEvent, row.event_id)
            if row.original_text is None:
                row.original_text = event.note
            event.note, row.deleted_at = None, self.clock()
            if row.copy_audience:
                notifications.copy_sync(session, ticket, event, row.copy_audience)
            return Changed(ticket.id, event.id)
