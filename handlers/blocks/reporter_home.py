"""The reporter's App Home tab: their tickets and a New ticket button (staff_home.py draws the staff's)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers import ids
from handlers.blocks.listing import ticket_line
from handlers.i18n import Translator
from storage.models import Ticket

HOME_TICKETS = 40  # well inside the 100 blocks a view may hold, with room for staff sections


def reporter_home(
    tr: Translator, tickets: Sequence[Ticket], total: int, export_value: str | None = None
) -> View:
    buttons = [ButtonElement(text=tr("home.new_ticket"), action_id=ids.HOME_NEW_TICKET, style="primary")]
    if export_value is not None:
        buttons.append(ButtonElement(text=tr("dash.export"), action_id=ids.EXPORT_EXCEL, value=export_value))
    blocks: list[Block] = [
        HeaderBlock(text=tr("home.title")),
        SectionBlock(text=MarkdownTextObject(text=tr("home.intro"))),
        ActionsBlock(elements=buttons),
        DividerBlock(),
        HeaderBlock(text=tr("home.your_tickets")),
    ]
    if not tickets:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=tr("home.empty"))))
    blocks += [SectionBlock(text=MarkdownTextObject(text=ticket_line(tr, t))) for t in tickets]
    if total > len(tickets):
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=tr("home.more", shown=len(tickets), total=total))])
        )
    return View(type="home", blocks=blocks)
