"""Block Kit of the daily digest (triage channel) and an engineer's morning summary (DM).

Ticket numbers link to the ticket's triage card when `link` finds its permalink (else plain
bold text). Engineers appear by name, not as mentions: a daily message in the channel should
not ping everyone whose ticket it lists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from handlers.blocks.cards import Message, priority_label, status_label
from handlers.blocks.incident_lists import open_incidents_blocks
from handlers.i18n import Translator
from handlers.text import escape, escaped, slack_date
from storage.digest_payloads import DailyDigest, EngineerSummary, Listed, TicketLine
from storage.domain import format_number

Link = Callable[[TicketLine], str | None]
TITLE_LIMIT = 60


def _no_link(line: TicketLine) -> None:
    return None


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def number(line: TicketLine, link: Link) -> str:
    url = link(line)
    return f"<{url}|{format_number(line.id)}>" if url else f"*{format_number(line.id)}*"


def age(tr: Translator, since: datetime, now: datetime) -> str:
    hours = max(int((now - since).total_seconds() // 3600), 0)
    days, rest = divmod(hours, 24)
    return tr("digest.age_days", days=days, hours=rest) if days else tr("digest.age_hours", hours=hours)


SECTION_BUDGET = 2900  # a section's text may hold 3,000 characters; the rest is for "and N more"
FIELD_BUDGET = 1900  # a field may hold 2,000


def _fit(lines: list[str], budget: int) -> tuple[list[str], int]:
    """As many of `lines` as fit in `budget` characters (joined by newlines), and how many did not."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > budget:
            break
        kept.append(line)
        used += len(line) + 1
    return kept, len(lines) - len(kept)


def _listing(
    tr: Translator, heading: str, listed: Listed, line_text: Callable[[TicketLine], str]
) -> list[Block]:
    if not listed.total:
        return []
    lines, _ = _fit([f"• {line_text(line)}" for line in listed.lines], SECTION_BUDGET - len(heading))
    more = listed.total - len(lines)
    if more > 0:
        lines.append(tr("digest.more", count=more))
    return [_section(heading + "\n" + "\n".join(lines))]


def _title(line: TicketLine) -> str:
    return escaped(line.title, TITLE_LIMIT)


def daily_digest_message(tr: Translator, digest: DailyDigest, link: Link = _no_link) -> Message:
    day = digest.day.isoformat()
    counts = {"day": day, "opened": digest.opened, "closed": digest.closed}
    if digest.since:  # a Monday's digest: the weekend since Friday
        weekday = tr(f"digest.weekday.{digest.since.weekday()}")
        yesterday = tr("digest.since", weekday=weekday, since=digest.since.isoformat(), **counts)
    else:
        yesterday = tr("digest.yesterday", **counts)
    blocks: list[Block] = [HeaderBlock(text=tr("digest.title", day=day)), _section(yesterday)]
    if digest.open_total:
        priorities = "\n".join(f"• {priority_label(tr, p)}: {n}" for p, n in digest.by_priority.items() if n)
        named = [
            f"• {escaped(e.name, 80) if e.user_id else tr('digest.unassigned')}: {e.open}"
            for e in digest.by_engineer
        ]
        shown, left = _fit(named, FIELD_BUDGET)
        engineers = "\n".join(shown + ([tr("digest.more", count=left)] if left else []))
        blocks.append(
            SectionBlock(
                fields=[
                    MarkdownTextObject(
                        text=tr("digest.open_by_priority", total=digest.open_total) + "\n" + priorities
                    ),
                    MarkdownTextObject(text=tr("digest.open_by_engineer") + "\n" + engineers),
                ]
            )
        )
    else:
        blocks.append(_section(tr("digest.none_open")))
    blocks += open_incidents_blocks(tr, digest.incidents)  # nothing when none is open

    def engineer(line: TicketLine) -> str:
        return escape(line.engineer_name) if line.engineer_id else tr("digest.unassigned")

    def due_line(line: TicketLine) -> str:
        text = tr("digest.line", number=number(line, link), title=_title(line), engineer=engineer(line))
        if line.due_at is not None:
            text = tr(
                "digest.line_due",
                number=number(line, link),
                title=_title(line),
                engineer=engineer(line),
                due=slack_date(line.due_at),
            )
        return text

    def waiting_line(line: TicketLine) -> str:
        return tr(
            "digest.line_age",
            number=number(line, link),
            title=_title(line),
            age=age(tr, line.created_at, digest.now),
        )

    sla_blocks = _listing(tr, tr("digest.breached", total=digest.breached.total), digest.breached, due_line)
    sla_blocks += _listing(tr, tr("digest.at_risk", total=digest.at_risk.total), digest.at_risk, due_line)
    sla_blocks += _listing(
        tr, tr("digest.oldest_unassigned", total=digest.unassigned.total), digest.unassigned, waiting_line
    )
    if sla_blocks:
        blocks += [DividerBlock(), *sla_blocks]
    text = f"{tr('digest.title', day=day)}: {yesterday}"
    return Message(text=text.replace("*", ""), blocks=blocks)


def engineer_summary_message(tr: Translator, summary: EngineerSummary, link: Link = _no_link) -> Message:
    title = tr("digest.dm_title")
    blocks: list[Block] = [HeaderBlock(text=title)]
    if not summary.open_total:
        blocks.append(_section(tr("digest.dm_empty")))
        return Message(text=f"{title}: {tr('digest.dm_empty')}", blocks=blocks)
    counts = tr("digest.dm_counts", total=summary.open_total, **summary.by_status)
    blocks.append(_section(counts))
    if summary.at_risk or summary.breached:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=tr("digest.dm_sla", at_risk=summary.at_risk, breached=summary.breached)
                    )
                ]
            )
        )

    def line_text(line: TicketLine) -> str:
        flag = tr(f"digest.flag.{line.sla}") if line.sla else ""
        return tr(
            "digest.dm_line",
            number=number(line, link),
            title=_title(line),
            status=status_label(tr, line.status),
            flag=flag,
        )

    blocks += _listing(tr, tr("digest.dm_oldest"), summary.tickets, line_text)
    return Message(text=f"{title}: {counts}", blocks=blocks)
