"""An incident's linked tickets, 25 to a page of a modal with Previous and Next: the incident
card names only the first few, this lists all 500 of a big outage within Block Kit's limits
(a modal holds 100 blocks; each ticket is one section of at most a few hundred characters)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers import ids
from handlers.blocks.cards import status_label
from handlers.i18n import Translator
from handlers.text import clip, escaped, mention
from storage.incident_reads import IncidentPage

TITLE_LIMIT = 120  # of a ticket's title on its line


def page_value(incident_id: int, page: int) -> str:
    return f"{incident_id}:{page}"


def parse_page(value: object) -> tuple[int, int] | None:
    """`"3:2"` → (3, 2); anything else → None."""
    if not isinstance(value, str):
        return None
    incident, _, page = value.partition(":")
    if not (incident.isdigit() and page.isdigit()) or len(incident) > 12 or len(page) > 6:
        return None
    return int(incident), int(page)


def list_view(tr: Translator, page: IncidentPage) -> View:
    incident = page.incident
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=tr(
                    "incident.list_heading",
                    incident=incident.number,
                    title=escaped(incident.title, 200),
                    count=page.total,
                )
            )
        )
    ]
    for ticket in page.tickets:
        line = (
            f"*{ticket.number}* · {status_label(tr, ticket.status)} · {mention(ticket.reporter_id)}\n"
            f"{escaped(ticket.title, TITLE_LIMIT)}"
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=line)))
    if not page.tickets:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr("incident.none_linked"))]))
    where = tr("incident.list_page", page=page.page, pages=page.pages)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=where)]))
    moves = []
    if page.page > 1:
        moves.append(
            ButtonElement(
                text=tr("dash.previous"),
                action_id=ids.INCIDENT_PAGE_PREVIOUS,
                value=page_value(incident.id, page.page - 1),
            )
        )
    if page.page < page.pages:
        moves.append(
            ButtonElement(
                text=tr("dash.next"),
                action_id=ids.INCIDENT_PAGE_NEXT,
                value=page_value(incident.id, page.page + 1),
            )
        )
    if moves:
        blocks.append(ActionsBlock(elements=moves))
    return View(
        type="modal",
        callback_id=ids.INCIDENT_LIST_VIEW,
        private_metadata=page_value(incident.id, page.page),
        title=clip(tr("incident.list_title", incident=incident.number), 24),
        close=tr("incident.list_close"),
        blocks=blocks,
    )
