"""Short ephemeral answers to `/ticket …`: help, and a reporter's own tickets."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from handlers.blocks.cards import Message, status_label
from handlers.i18n import Translator
from handlers.text import escaped, slack_date
from storage.models import Ticket

MINE_LIMIT = 15  # one section per line would hit 50 blocks; one section per ticket stays readable


def help_message(tr: Translator, extra: Sequence[str] = ()) -> Message:
    """The core help, then one section per feature that registered its own lines."""
    parts = [tr("help.text"), *extra]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=t)) for t in parts]
    return Message(text="\n".join(parts), blocks=blocks)


def ticket_line(tr: Translator, ticket: Ticket) -> str:
    return tr(
        "mine.line",
        number=ticket.number,
        title=escaped(ticket.title, 80),
        status=status_label(tr, ticket.status),
        when=slack_date(ticket.updated_at),
    )


def mine_message(tr: Translator, tickets: Sequence[Ticket], total: int) -> Message:
    if not tickets:
        text = tr("mine.empty")
        return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
    header = tr("mine.header", total=total)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=header))]
    blocks += [SectionBlock(text=MarkdownTextObject(text=ticket_line(tr, t))) for t in tickets]
    if total > len(tickets):
        more = tr("mine.more", count=total - len(tickets))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return Message(text=header, blocks=blocks)
