"""One ticket in full (`/ticket status`), one line per ticket (`/ticket list`, Home), and the
short "where it stands now" line that answers a refused or stale click."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, MarkdownTextObject, SectionBlock

from handlers.blocks.cards import Message, priority_label, status_label, ticket_card
from handlers.blocks.incident_lists import open_incidents_blocks, ticket_incident
from handlers.blocks.replies import event_text
from handlers.blocks.sla import sla_badge
from handlers.i18n import Translator
from handlers.text import clip, escaped, mention, slack_date
from storage.attachments import FileInfo
from storage.domain import Category
from storage.incident_lists import NONE as NO_INCIDENTS
from storage.incident_lists import IncidentLine, Listed
from storage.models import Ticket, TicketEvent

DETAIL_NOTES = 36  # the card's blocks + a header + this many notes stays under 50 blocks
LIST_LIMIT = 20


def assignee_text(tr: Translator, ticket: Ticket) -> str:
    return mention(ticket.engineer_id) if ticket.engineer_id else tr("card.unassigned")


def state_line(tr: Translator, ticket: Ticket) -> str:
    """`*TKT-000042* Printer jams — ✅ Closed · assigned to @carlos`."""
    return tr(
        "state.line",
        number=ticket.number,
        title=escaped(ticket.title, 100),
        status=status_label(tr, ticket.status),
        assignee=assignee_text(tr, ticket),
    )


def list_line(tr: Translator, ticket: Ticket, now: datetime | None = None, *, staff: bool = True) -> str:
    """One ticket in a list; with `now`, flagged when at risk, breached or paused; a linked
    ticket says its incident (staff: its number; a reporter: its title and status)."""
    badge = sla_badge(tr, ticket, now) if now is not None else ""
    line = tr(
        "list.line",
        number=ticket.number,
        title=escaped(ticket.title, 100),
        status=status_label(tr, ticket.status),
        priority=priority_label(tr, ticket.priority),
        reporter=mention(ticket.reporter_id),
        assignee=assignee_text(tr, ticket),
        when=slack_date(ticket.updated_at),
    )
    if ticket.incident_id is not None:
        incident = ticket.incident
        shown = IncidentLine(ticket.incident_id, incident.title, incident.status, 0) if incident else None
        if shown is not None:
            line += " · " + ticket_incident(tr, shown, staff=staff)
    return f"{line} · {badge}" if badge else line


def ticket_detail(
    tr: Translator,
    ticket: Ticket,
    events: Sequence[TicketEvent],
    categories: Sequence[Category],
    sla: str | None = None,
    files: Sequence[FileInfo] = (),
) -> Message:
    """The card, its dates, and every note the viewer may see (the service filtered them);
    `sla` is the service-level line drawn for this viewer (handlers.blocks.sla); `files`, the
    ticket's attachments the viewer may see (storage.attachments), in one block."""
    card = ticket_card(tr, ticket, categories, sla=sla)
    blocks: list[Block] = list(card.blocks)
    if ticket.closed_at is not None:
        closed = tr("detail.closed", when=slack_date(ticket.closed_at))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=closed)]))
    noted = [e for e in events if e.note]
    blocks += [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=tr("detail.notes", count=len(noted)))),
    ]
    room = DETAIL_NOTES - (1 if files else 0)  # the files' block takes a note's place
    if len(noted) > room:
        earlier = tr("detail.earlier", count=len(noted) - room)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=earlier)]))
    for event in noted[-room:]:
        text = f"{clip(event_text(tr, event), 2000)}\n_{slack_date(event.created_at)}_"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    if not noted:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr("detail.no_notes"))]))
    if files:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=files_text(tr, files))))
    return Message(text=card.text, blocks=blocks)


def file_size(size: int) -> str:
    """`1.5 MB`, `12 KB`: how big a file is, for people."""
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def files_text(tr: Translator, files: Sequence[FileInfo]) -> str:
    """`*Files (2)*` and a line per file: name, size, who and when; 🔒 for an internal one."""
    lines = [tr("detail.files", count=len(files))]
    for file in files:
        name, who = escaped(file.filename, 120), mention(file.actor_id)
        line = tr("detail.file", name=name, size=file_size(file.size), who=who)
        line += f" · {slack_date(file.created_at)}"
        if file.internal:
            line += " · " + tr("detail.file_internal")
        if file.state != "stored":
            line += " · " + tr(f"detail.file_{file.state}")
        lines.append(line)
    return clip("\n".join(lines), 3000)


def ticket_list(
    tr: Translator,
    tickets: Sequence[Ticket],
    total: int,
    heading: str,
    now: datetime | None = None,
    capped: bool = False,
    *,
    staff: bool = True,
    incidents: Listed = NO_INCIDENTS,
) -> Message:
    """`now`: staff see SLA flags; `capped`: there are more than `total` (the count stopped
    there), shown as `1000+`; `incidents`: the open ones, listed first (staff)."""
    first = open_incidents_blocks(tr, incidents) if staff else []
    if not tickets:
        text = tr("list.empty", heading=heading)
        return Message(text=text, blocks=[*first, SectionBlock(text=MarkdownTextObject(text=text))])
    plus = "+" if capped else ""
    header = tr("list.header", heading=heading, total=f"{total}{plus}")
    blocks: list[Block] = [*first, SectionBlock(text=MarkdownTextObject(text=header))]
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=list_line(tr, t, now, staff=staff))) for t in tickets
    ]
    if capped or total > len(tickets):
        hidden = total - len(tickets)
        more = tr("list.more", count=f"{max(hidden, 1)}+" if capped else hidden)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return Message(text=header, blocks=blocks)
