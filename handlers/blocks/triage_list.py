"""The "new tickets" list: a burst of tickets announced in one triage message (bot.triage_burst).

When more new tickets wait for the triage channel than Slack lets it take (about one message a
second), they are listed together so admins see every one at once and can assign each from
the list; each ticket's own card follows at the channel's pace and keeps its thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from handlers.blocks.actions import assign_select
from handlers.blocks.cards import Message, priority_label
from handlers.i18n import Translator
from handlers.text import clip, escape, mention
from storage.models import Ticket
from storage.people import EngineerLoad

NEW_TICKETS_BLOCK = "new_tickets"  # the header's block id: how a list message is told from a card
MAX_TICKETS = 40  # a message holds 50 blocks: a header, 40 tickets, the note


def new_tickets(
    tr: Translator,
    tickets: Sequence[Ticket],
    engineers: Sequence[EngineerLoad],
    specialty_for,
) -> Message:
    """One line per ticket (number, title, reporter, priority) with its Assign menu."""
    blocks: list[Block] = [
        HeaderBlock(block_id=NEW_TICKETS_BLOCK, text=clip(tr("burst.header", count=len(tickets)), 150))
    ]
    for ticket in tickets:
        line = (
            f"*{ticket.number}* · {escape(clip(ticket.title, 120))}\n"
            f"{mention(ticket.reporter_id)} · {priority_label(tr, ticket.priority)}"
        )
        picker = assign_select(tr, ticket, engineers, specialty_for(ticket.category))
        section = SectionBlock(
            block_id=f"new_{ticket.id}_{ticket.version}", text=MarkdownTextObject(text=line)
        )
        if picker is not None:
            section.accessory = picker
        blocks.append(section)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr("burst.note"))]))
    numbers = ", ".join(t.number for t in tickets)
    return Message(text=tr("burst.fallback", count=len(tickets), numbers=numbers), blocks=blocks)
