"""Incidents where tickets are listed: the open ones on the admin Home and in `/ticket list`
(staff), the "INC-3" beside a linked ticket, and what a reporter may see of their ticket's
incident (its title and status, never its number's other tickets). One section, however many:
at most LISTED lines and "…and N more"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from handlers.i18n import Translator
from handlers.text import clip, escaped
from storage.incident_lists import IncidentLine, Listed

LISTED = 10
TITLE_SHOWN = 100  # escaped: 10 lines stay far under a section's 3,000 characters


def incident_status(tr: Translator, status: str) -> str:
    return tr(f"incident.status.{status}")


def incident_line(tr: Translator, line: IncidentLine) -> str:
    return tr(
        "outage.incident_line",
        incident=line.number,
        title=escaped(line.title, TITLE_SHOWN),
        status=incident_status(tr, line.status),
        count=line.linked,
    )


def open_incidents_blocks(tr: Translator, listed: Listed) -> list[Block]:
    """Nothing when none is open."""
    if not listed.total:
        return []
    lines = [tr("outage.open_incidents", count=listed.total)]
    lines += [f"• {incident_line(tr, line)}" for line in listed.lines[:LISTED]]
    more = listed.total - min(len(listed.lines), LISTED)
    if more > 0:
        lines.append(tr("outage.and_more", count=more))
    return [SectionBlock(block_id="open_incidents", text=MarkdownTextObject(text="\n".join(lines)))]


def ticket_incident(tr: Translator, line: IncidentLine | None, *, staff: bool) -> str:
    """Beside a linked ticket: staff see its number; a reporter its title and status."""
    if line is None:
        return ""
    if staff:
        return f":rotating_light: {line.number}"
    return tr(
        "outage.reporter_part_of",
        title=escaped(line.title, TITLE_SHOWN),
        status=incident_status(tr, line.status),
    )


def week_lines(tr: Translator, figures: Mapping[str, Any] | None) -> list[str]:
    """The weekly report's incidents as plain text lines (the caller escapes them for mrkdwn or
    HTML): how many were opened and resolved, then each, at most LISTED of either; none if none."""
    if not figures:
        return []
    opened, resolved = Listed.from_dict(figures.get("opened")), Listed.from_dict(figures.get("resolved"))
    if not opened.total and not resolved.total:
        return []  # a quiet week: the report says nothing of incidents
    lines = [tr("outage.week", opened=opened.total, resolved=resolved.total)]
    for key, listed in (("outage.week_opened", opened), ("outage.week_resolved", resolved)):
        for line in listed.lines[:LISTED]:
            lines.append(
                tr(
                    key,
                    incident=line.number,
                    title=clip(" ".join(line.title.split()), TITLE_SHOWN),
                    status=incident_status(tr, line.status),
                    count=line.linked,
                )
            )
        shown = min(len(listed.lines), LISTED)
        if listed.total > shown:
            lines.append(tr("outage.and_more", count=listed.total - shown))
    return lines
