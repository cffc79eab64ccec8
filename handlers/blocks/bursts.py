"""The burst suggestion in the triage channel ("5 tickets look like one problem — declare an
incident?") and the modal of its button. However many tickets a burst has, the message lists at
most LISTED (one section, within Block Kit's 3,000 characters) and says how many more."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers import ids
from handlers.blocks.cards import Message
from handlers.i18n import Translator
from handlers.text import clip, escape, escaped
from storage.bursts import Burst
from storage.domain import TITLE_MAX, format_incident

LISTED = 15
TITLE_SHOWN = 120  # characters of each ticket's title, escaped: 15 lines stay under 3,000


def burst_suggestion(tr: Translator, burst: Burst) -> Message:
    count = len(burst.tickets)
    lines = []
    for ticket in burst.tickets[:LISTED]:
        line = f"• *{ticket.number}* — {escaped(ticket.title, TITLE_SHOWN)}"
        if ticket.incident_id is not None:
            line += " " + tr("similar_burst.linked_elsewhere", incident=format_incident(ticket.incident_id))
        lines.append(line)
    if count > LISTED:
        lines.append(tr("outage.and_more", count=count - LISTED))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=tr("similar_burst.headline", count=count))),
        SectionBlock(text=MarkdownTextObject(text=clip("\n".join(lines), 3000))),
    ]
    incident = burst.incident
    if incident is not None:
        declared = tr(
            "similar_burst.declared_as",
            incident=incident.number,
            title=escaped(incident.title, TITLE_MAX * 5),
            status=tr(f"incident.status.{incident.status}"),
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=declared)]))
    else:
        button = ButtonElement(
            text=tr("incident.declare_button"),
            action_id=ids.BURST_DECLARE,
            value=str(burst.id),
            style="primary",
        )
        blocks.append(ActionsBlock(elements=[button]))
    return Message(text=tr("similar_burst.fallback", count=count), blocks=blocks)


def declare_modal(tr: Translator, burst: Burst) -> View:
    """The incident's title, offered from the tickets' own; submitting links them all."""
    field = PlainTextInputElement(
        action_id=ids.NOTE_ACTION, max_length=TITLE_MAX, initial_value=burst.title or None
    )
    listed = tr("similar_burst.modal_tickets", count=len(burst.tickets))
    return View(
        type="modal",
        callback_id=ids.BURST_DECLARE_VIEW,
        private_metadata=str(burst.id),
        title=clip(tr("similar_burst.modal_title"), 24),
        submit=tr("incident.submit"),
        close=tr("modal.cancel"),
        blocks=[
            InputBlock(block_id=ids.NOTE_BLOCK, label=tr("incident.title_label"), element=field),
            ContextBlock(elements=[MarkdownTextObject(text=escape(listed))]),
        ],
    )
