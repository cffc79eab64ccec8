"""One line per ticket event, posted in the thread of a ticket's card."""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from handlers.blocks.cards import Message
from handlers.blocks.csat import rating_text
from handlers.i18n import Translator
from handlers.text import escaped, escaped_chunks, mention, slack_date
from storage.domain import CsatOutcome, EventKind, Visibility
from storage.models import Ticket, TicketEvent
from storage.notifications import WARNINGS

NOTE_LIMIT = 2800
SECTION_LIMIT = 2900  # a section's text may hold 3000 characters: room for the header line


def event_text(
    tr: Translator,
    event: TicketEvent,
    *,
    to_previous_engineer: bool = False,
    ticket: Ticket | None = None,
    admins: Collection[str] = (),
) -> str:
    kind = EventKind(event.kind)
    if kind in WARNINGS and ticket is not None:
        return warning_text(tr, kind, ticket, admins)
    actor = mention(event.actor_id)
    note = escaped(event.note or "", NOTE_LIMIT)
    if kind is EventKind.ASSIGNED:
        key = "event.unassigned_from_you" if to_previous_engineer else "event.assigned"
        return tr(key, engineer=mention(event.new_value or ""), actor=actor)
    if kind is EventKind.NOTE:
        key = "event.note_internal" if event.visibility == Visibility.INTERNAL.value else "event.note"
        return tr(key, actor=actor, note=note)
    if kind is EventKind.CLOSED:
        return tr("event.closed", actor=actor, note=note)
    if kind is EventKind.REOPENED:
        return tr("event.reopened_reason" if note else "event.reopened", actor=actor, note=note)
    if kind is EventKind.FEEDBACK:
        return feedback_text(tr, event, actor, note)
    old, new = tr(f"status.{event.old_value}"), tr(f"status.{event.new_value}")
    return tr("event.status_reason" if note else "event.status", actor=actor, old=old, new=new, note=note)


def feedback_text(tr: Translator, event: TicketEvent, actor: str, note: str) -> str:
    if event.new_value in (CsatOutcome.SOLVED.value, CsatOutcome.REOPENED.value):
        return tr(f"event.feedback_{event.new_value}", actor=actor)
    rating = rating_text(tr, int(event.new_value or 0))
    return tr(
        "event.feedback_rated_comment" if note else "event.feedback_rated",
        actor=actor,
        rating=rating,
        note=note,
    )


def warning_text(tr: Translator, kind: EventKind, ticket: Ticket, admins: Collection[str]) -> str:
    """What the SLA sweep says; the breach calls the admins by name (sorted: a stable text)."""
    due = {
        EventKind.SLA_AT_RISK: ticket.resolution_due_at,
        EventKind.SLA_BREACHED: ticket.resolution_due_at,
        EventKind.RESPONSE_LATE: ticket.response_due_at,
    }.get(kind) or ticket.created_at
    return tr(
        f"event.{kind.value}",
        number=ticket.number,
        title=escaped(ticket.title, 80),
        when=slack_date(due),
        admins=" ".join(mention(a) for a in sorted(admins)),
    ).strip()


def role_of(ticket: Ticket, user_id: str, admins: Collection[str]) -> str:
    """Who wrote a relayed line, as the reader is told: reporter, engineer or admin."""
    if user_id == ticket.reporter_id:
        return "reporter"
    if user_id == ticket.engineer_id or user_id not in admins:
        return "engineer"  # the ticket's, or another one writing in the triage thread
    return "admin"


def relayed_blocks(
    tr: Translator, event: TicketEvent, ticket: Ticket, admins: Collection[str], *, edited: bool = False
) -> Message:
    """A line written in another card's thread, passed on: who wrote it (name and role), then
    all of what they wrote (escaped: no mention or <!channel> of theirs pings anyone), in as many
    sections as it needs; `edited`: redrawn after its author edited it (storage.comment_edits)."""
    role = tr(f"role.{role_of(ticket, event.actor_id, admins)}")
    internal = event.visibility == Visibility.INTERNAL.value
    key = "event.comment_internal" if internal else "event.comment"
    header = tr(key, actor=mention(event.actor_id), role=role)
    if edited:
        header = f"{header} {tr('event.comment_edited')}"
    chunks = escaped_chunks(event.note or "", SECTION_LIMIT)
    blocks = [SectionBlock(text=MarkdownTextObject(text=f"{header}\n{chunks[0]}"))]
    blocks += [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in chunks[1:]]
    return Message(text=f"{header} {escaped(event.note or '', NOTE_LIMIT)}", blocks=blocks)


def event_reply(
    tr: Translator,
    event: TicketEvent,
    *,
    to_previous_engineer: bool = False,
    ticket: Ticket | None = None,
    admins: Collection[str] = (),
    relayed: bool = False,
) -> Message:
    if relayed and ticket is not None and EventKind(event.kind) is EventKind.NOTE:
        return relayed_blocks(tr, event, ticket, admins)
    text = event_text(tr, event, to_previous_engineer=to_previous_engineer, ticket=ticket, admins=admins)
    return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
