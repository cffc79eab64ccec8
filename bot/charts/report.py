"""The weekly report's two charts: their figures (taken by the job), their PNGs (drawn once per
data hash, kept in a spool folder), and the email's inline images with the numbers as text.

Rendering happens in the delivery process only (the outbox rows, `ticketbot report --out`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from handlers.blocks.charts import breakdown_lines, trend_lines
from handlers.blocks.ticket_form import category_label
from handlers.i18n import Translator
from storage import charts
from storage.db import Database
from storage.digests import day_bounds
from storage.incident_lists import week_incidents

log = logging.getLogger("ticketbot.charts")

VERSION = 1  # part of every data hash: a change to the drawings draws every chart anew
REPORT_WEEKS = 8
REPORT_INCIDENTS = 10  # incidents named per list (opened, resolved); all are counted
CACHE_KEEP = 64  # PNGs kept in the spool; the oldest go first


def report_figures(db: Database, now: datetime, zone: str) -> dict[str, Any]:
    """What the weekly report draws: the 8 complete weeks before this one, last week's mix, and
    the incidents declared and resolved in that week (the same seven local days)."""
    trend = charts.trend(db, now, zone, charts.WEEK, REPORT_WEEKS, current=False)
    mix = charts.breakdown(db, now, zone)
    start, end = day_bounds(mix.start, zone)[0], day_bounds(mix.end, zone)[0]
    incidents = week_incidents(db, start, end, REPORT_INCIDENTS)
    return {"trend": trend.to_dict(), "breakdown": mix.to_dict(), "incidents": incidents}


def category_labels(tr: Translator, settings: Settings) -> dict[str, str]:
    return {c.key: category_label(tr, c) for c in settings.categories}


class ChartCache:
    """PNGs by data hash on disk: the same figures are never drawn twice (the Slack row and each
    email of one report share them; a Home chart whose figures did not change is not redrawn)."""

    def __init__(self, spool: Path | None = None) -> None:
        self.spool = spool or Path(tempfile.gettempdir()) / "ticketbot-charts"
        self.drawn = 0  # how many this process actually rendered

    def png(self, digest: str, draw: Callable[[], bytes]) -> bytes:
        path = self.spool / f"{digest}.png"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        data = draw()
        self.drawn += 1
        self.spool.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)  # another process drawing the same chart writes the same bytes
        self._prune()
        return data

    def _prune(self) -> None:
        files = sorted(self.spool.glob("*.png"), key=lambda p: p.stat().st_mtime)
        for old in files[:-CACHE_KEEP]:
            old.unlink(missing_ok=True)


@dataclass(frozen=True)
class Picture:
    name: str  # file name stem: weekly-trend, weekly-mix
    png: bytes
    lines: list[str]  # the numbers in words (alt text, email text)


def report_pictures(
    tr: Translator, figures: Mapping[str, Any], labels: Mapping[str, str], cache: ChartCache
) -> list[Picture]:
    # matplotlib loads at the first drawing: web workers and the CLI build the app without it.
    from bot.charts.render import breakdown_png, trend_png

    trend = charts.Trend.from_dict(figures["trend"])
    mix = charts.Breakdown.from_dict(figures["breakdown"])
    trend_hash = charts.data_hash(VERSION, tr.language, "trend", figures["trend"])
    mix_hash = charts.data_hash(VERSION, tr.language, "mix", figures["breakdown"], dict(labels))
    return [
        Picture("weekly-trend", cache.png(trend_hash, lambda: trend_png(tr, trend)), trend_lines(tr, trend)),
        Picture(
            "weekly-mix",
            cache.png(mix_hash, lambda: breakdown_png(tr, mix, labels)),
            breakdown_lines(tr, mix, labels),
        ),
    ]


def write_pngs(db: Database, settings: Settings, out: Path, now: datetime) -> list[Path]:
    """`ticketbot report --now --out DIR`: the report's charts and the Home tabs' as files."""
    from bot.charts.render import trend_png

    tr = Translator(settings.language)
    out.mkdir(parents=True, exist_ok=True)
    zone = settings.timezone
    cache = ChartCache(out / ".cache")
    written = []
    for picture in report_pictures(tr, report_figures(db, now, zone), category_labels(tr, settings), cache):
        written.append(out / f"{picture.name}.png")
        written[-1].write_bytes(picture.png)
    daily = charts.trend(db, now, zone, charts.DAY, 14)
    written.append(out / "home-admin.png")
    written[-1].write_bytes(trend_png(tr, daily))
    return written
