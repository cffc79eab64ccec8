"""The charts in words and in Block Kit: labels shared with the pictures (bot.charts draws
them), the alt text that states their numbers, and the Home tab's image block.

The alt text is what a screen reader says and what a mail client that blocks images shows, so
it carries every number the picture does. Slack allows 2,000 characters; 14 days fit in ~900.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from slack_sdk.models.blocks import Block, ContextBlock, ImageBlock, MarkdownTextObject

from handlers.i18n import Translator
from storage.charts import WEEK, Breakdown, StoredChart, Trend
from storage.domain import Priority

ALT_MAX = 2000
PRIORITIES = [p.value for p in sorted(Priority, key=lambda p: -p.rank)]  # critical first


def day_label(tr: Translator, day: date) -> str:
    return tr("chart.date", month=tr(f"chart.month.{day.month}"), day=day.day)


def trend_title(tr: Translator, trend: Trend) -> str:
    if trend.engineer_id:
        return tr("chart.engineer_title", days=len(trend.buckets))
    if trend.unit == WEEK:
        return tr("chart.weekly_title", weeks=len(trend.buckets))
    return tr("chart.daily_title", days=len(trend.buckets))


def breakdown_title(tr: Translator, breakdown: Breakdown) -> str:
    last = date.fromordinal(breakdown.end.toordinal() - 1)
    return tr("chart.breakdown_title", start=day_label(tr, breakdown.start), end=day_label(tr, last))


def _percent(share: float) -> int:
    return round(share * 100)


def _queue_counts(tr: Translator, by_priority: Mapping[str, int]) -> str:
    return ", ".join(f"{tr(f'priority.{p}')} {by_priority.get(p, 0)}" for p in PRIORITIES)


def trend_lines(tr: Translator, trend: Trend) -> list[str]:
    """One line per bucket (newest last), the numbers the picture shows."""
    title = trend_title(tr, trend)
    if trend.empty:
        return [tr("chart.alt_no_data", title=title)]
    lines = [f"{title}."]
    for bucket in trend.buckets:
        label = day_label(tr, bucket.start)
        if trend.unit == WEEK:
            label = tr("chart.week_of", day=label)
        if trend.engineer_id:
            lines.append(tr("chart.alt_engineer_day", label=label, closed=bucket.closed))
            continue
        line = tr(
            "chart.alt_bucket",
            label=label,
            opened=bucket.opened,
            closed=bucket.closed,
            backlog=bucket.backlog,
        )
        if trend.unit == WEEK and bucket.sla_share is not None:
            line += ", " + tr("chart.alt_sla", share=_percent(bucket.sla_share))
        lines.append(line)
    if trend.open_by_priority is not None:
        lines.append(tr("chart.alt_queue", counts=_queue_counts(tr, trend.open_by_priority)))
    return lines


def breakdown_lines(tr: Translator, breakdown: Breakdown, labels: Mapping[str, str]) -> list[str]:
    title = breakdown_title(tr, breakdown)
    if not breakdown.total:
        return [tr("chart.alt_no_data", title=title)]
    lines = [f"{title}.", tr("chart.alt_total", total=breakdown.total)]
    rows = sorted(breakdown.counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    for category, by_priority in rows:
        counts = ", ".join(
            f"{tr(f'priority.{p}')} {by_priority[p]}" for p in PRIORITIES if by_priority.get(p)
        )
        name = labels.get(category, category)
        lines.append(tr("chart.alt_category", category=name, total=sum(by_priority.values()), counts=counts))
    return lines


def alt_text(lines: list[str]) -> str:
    """The lines joined for an image block: plain text (no markup), cut to Slack's limit."""
    text = " ".join(line if line.endswith(".") else line + ";" for line in lines)
    text = text.rstrip(";") + ("" if text.endswith(".") else ".")
    return text if len(text) <= ALT_MAX else text[: ALT_MAX - 1] + "…"


def home_chart_blocks(tr: Translator, chart: StoredChart | None) -> list[Block]:
    """The chart uploaded for this Home tab, or a word that it is on its way (never rendered
    here: a Home draw answers a request, and only reads what the delivery process stored)."""
    if chart is None or not chart.file_id:
        return [ContextBlock(elements=[MarkdownTextObject(text=tr("chart.home_pending"))])]
    return [
        ImageBlock(
            block_id=f"chart_{chart.file_id}",
            slack_file={"id": chart.file_id},
            alt_text=(chart.alt_text or "")[:ALT_MAX] or tr("chart.no_data"),
        )
    ]
