"""One line per ticket event, posted in the thread of a ticket's card."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.i18n import Translator
from handlers.blocks.cards import Message
from handlers.text import clip, escape, mention
from storage.domain import EventKind, Visibility
from storage.models import TicketEvent

NOTE_LIMIT = 2800


def event_text(tr: Translator, event: TicketEvent, *, to_previous_engineer: bool = False) -> str:
    actor = mention(event.actor_id)
    note = escape(clip(event.note or "", NOTE_LIMIT))
    kind = EventKind(event.kind)
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
    old, new = tr(f"status.{event.old_value}"), tr(f"status.{event.new_value}")
    return tr("event.status_reason" if note else "event.status", actor=actor, old=old, new=new, note=note)


def event_reply(tr: Translator, event: TicketEvent, *, to_previous_engineer: bool = False) -> Message:
    text = event_text(tr, event, to_previous_engineer=to_previous_engineer)
    return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
