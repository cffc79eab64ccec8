"""Modals opened from a ticket's buttons: On hold (reason), Close (resolution), Add note."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers import ids
from handlers.i18n import Translator
from handlers.text import clip, escaped
from storage.domain import NOTE_MAX, Visibility
from storage.models import Ticket

TITLE_MAX = 24  # Slack's limit for a view title


def about(tr: Translator, ticket: Ticket) -> Block:
    return ContextBlock(
        elements=[MarkdownTextObject(text=f"*{ticket.number}* · {escaped(ticket.title, 150)}")]
    )


def _note_input(tr: Translator, label: str, hint: str, *, optional: bool) -> InputBlock:
    return InputBlock(
        block_id=ids.NOTE_BLOCK,
        label=tr(label),
        hint=tr(hint),
        optional=optional,
        element=PlainTextInputElement(action_id=ids.NOTE_ACTION, multiline=True, max_length=NOTE_MAX),
    )


def modal(tr: Translator, callback_id: str, title: str, submit: str, metadata: str, blocks: list) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        title=clip(tr(title), TITLE_MAX),
        submit=tr(submit),
        close=tr("modal.cancel"),
        private_metadata=metadata,
        blocks=blocks,
    )


def hold_view(tr: Translator, ticket: Ticket, metadata: str) -> View:
    reason = _note_input(tr, "work.hold.reason", "work.hold.hint", optional=False)
    return modal(
        tr, ids.HOLD_VIEW, "work.hold.title", "work.hold.submit", metadata, [about(tr, ticket), reason]
    )


def close_view(tr: Translator, ticket: Ticket, metadata: str) -> View:
    resolution = _note_input(tr, "work.close.resolution", "work.close.hint", optional=False)
    blocks = [about(tr, ticket), resolution]
    return modal(tr, ids.CLOSE_VIEW, "work.close.title", "work.close.submit", metadata, blocks)


def note_view(tr: Translator, ticket: Ticket, metadata: str) -> View:
    internal = Option(
        value=Visibility.INTERNAL.value,
        label=tr("work.note.internal"),
        description=tr("work.note.internal_hint"),
    )
    public = Option(
        value=Visibility.PUBLIC.value, label=tr("work.note.public"), description=tr("work.note.public_hint")
    )
    visibility = InputBlock(
        block_id=ids.VISIBILITY_BLOCK,
        label=tr("work.note.visibility"),
        # Internal unless someone chooses otherwise: the safe default for a helpdesk note.
        element=RadioButtonsElement(
            action_id=ids.VISIBILITY_ACTION, options=[internal, public], initial_option=internal
        ),
    )
    text = InputBlock(
        block_id=ids.NOTE_BLOCK,
        label=tr("work.note.text"),
        element=PlainTextInputElement(action_id=ids.NOTE_ACTION, multiline=True, max_length=NOTE_MAX),
    )
    blocks = [about(tr, ticket), text, visibility]
    return modal(tr, ids.NOTE_VIEW, "work.note.title", "work.note.submit", metadata, blocks)


def notice_view(tr: Translator, text: str, extra: list[Block] | None = None) -> View:
    """A modal that only tells something (a refusal on the Home tab, a lost race in a modal)."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text)), *(extra or [])]
    return View(
        type="modal", title=clip(tr("notice.title"), TITLE_MAX), close=tr("notice.close"), blocks=blocks
    )
