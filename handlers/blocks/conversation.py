"""What the bot answers to messages written to it: a reply on a long-closed ticket, a plain DM."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, MarkdownTextObject, SectionBlock

from handlers import ids
from handlers.blocks.cards import Message
from handlers.blocks.listing import ticket_line
from handlers.i18n import Translator
from handlers.text import clip
from storage.models import Ticket

BUTTON_VALUE_MAX = 2000  # Slack's limit on a button's value


def new_ticket_button(tr: Translator, text: str) -> ButtonElement:
    """New ticket, the filing form to start from `text` (as much of it as a button carries)."""
    value = clip(text, BUTTON_VALUE_MAX)
    return ButtonElement(
        text=tr("dm.new_ticket"), action_id=ids.MESSAGE_NEW_TICKET, value=value, style="primary"
    )


def too_late_message(tr: Translator, ticket: Ticket, days: int, text: str) -> Message:
    said = tr("thread.too_late", number=ticket.number, days=days)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=said)),
        ActionsBlock(elements=[new_ticket_button(tr, text)]),
    ]
    return Message(text=said, blocks=blocks)


def plain_dm_message(tr: Translator, text: str, open_tickets: Sequence[Ticket]) -> Message:
    said = tr("dm.intro")
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=said)),
        ActionsBlock(elements=[new_ticket_button(tr, text)]),
    ]
    if open_tickets:
        lines = "\n".join(ticket_line(tr, t) for t in open_tickets)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"{tr('dm.open_tickets')}\n{lines}")))
    return Message(text=said, blocks=blocks)


def notice(text: str) -> Message:
    return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
