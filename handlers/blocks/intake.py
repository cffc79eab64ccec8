"""What the bot says in the thread of a Slack message a ticket was filed from."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from handlers.blocks.cards import Message
from handlers.i18n import Translator
from handlers.text import mention
from storage.models import Ticket


def source_reply(tr: Translator, ticket: Ticket) -> Message:
    """The number and who it was filed for; never the message's own words (they are already
    in the thread, and repeating them could only go wrong)."""
    text = tr("intake.reply", number=ticket.number, reporter=mention(ticket.reporter_id))
    return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
