"""Charts: the figures of a seeded month, the PNGs they draw, their words, and the Home block."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta

import pytest
from matplotlib.image import imread
from slack_sdk.models.views import View
from sqlalchemy import delete, select

from bench.chart_seed import ENGINEERS, NOW, seed_month
from bot.charts import render
from bot.charts.report import ChartCache, report_figures, report_pictures, write_pngs
from handlers.blocks.charts import alt_text, breakdown_lines, home_chart_blocks, trend_lines
from handlers.i18n import Translator
from storage import charts
from storage.digests import day_bounds, local_day
from storage.models import Chart, Ticket
from tests.fakes.slack_api import view_problems

ZONE = "Europe/Madrid"
LABELS = {"software": "Software", "hardware": "Hardware"}


@pytest.fixture(autouse=True)
def _no_charts(db):
    with db.transaction() as session:  # not among the tables conftest empties on PostgreSQL
        session.execute(delete(Chart))


def decode(png: bytes):
    pixels = imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (render.SIZE[1], render.SIZE[0])  # 1200×750
    return pixels


def tickets(db) -> list[Ticket]:
    with db.read() as session:
        return list(session.scalars(select(Ticket)))


def test_a_seeded_month_draws_every_chart_with_its_numbers_in_words(db):
    seed_month(db)
    all_tickets = tickets(db)
    tr = Translator("en")
    days = charts.trend(db, NOW, ZONE, charts.DAY, 14)
    # The numbers, counted here by hand from every ticket, for the last day and a week ago.
    for bucket in (days.buckets[-1], days.buckets[-8]):
        start, end = day_bounds(bucket.start, ZONE)
        end = min(end, NOW)
        assert bucket.opened == sum(start <= t.created_at < end for t in all_tickets)
        assert bucket.closed == sum(
            t.closed_at is not None and start <= t.closed_at < end for t in all_tickets
        )
        open_at_end = sum(
            t.created_at <= end and (t.closed_at is None or t.closed_at > end) for t in all_tickets
        )
        assert bucket.backlog == open_at_end
    words = alt_text(trend_lines(tr, days))
    last = days.buckets[-1]
    assert f"Nov 30: {last.opened} opened, {last.closed} closed, {last.backlog} open at the end" in words
    assert len(words) <= 2000
    decode(render.trend_png(tr, days))

    weeks = charts.trend(db, NOW, ZONE, charts.WEEK, 8, current=False)
    assert weeks.buckets[-1].start == local_day(NOW, ZONE) - timedelta(days=7)  # last complete week
    week = weeks.buckets[-1]
    start, end = day_bounds(week.start, ZONE)[0], day_bounds(week.start + timedelta(days=7), ZONE)[0]
    closed = [t for t in all_tickets if t.closed_at is not None and start <= t.closed_at < end]
    met = sum(t.closed_at <= t.resolution_due_at for t in closed)
    assert (week.sla_met, week.sla_total) == (met, len(closed))
    assert f"{round(met / len(closed) * 100)}% within SLA" in alt_text(trend_lines(tr, weeks))

    mine = charts.trend(db, NOW, ZONE, charts.DAY, 14, engineer_id=ENGINEERS[0])
    queue = [t for t in all_tickets if t.engineer_id == ENGINEERS[0] and t.status != "closed"]
    assert sum(mine.open_by_priority.values()) == len(queue)
    high = sum(t.priority == "high" for t in queue)
    assert f"High {high}" in alt_text(trend_lines(tr, mine))
    decode(render.trend_png(tr, mine))

    mix = charts.breakdown(db, NOW, ZONE)
    software = sum(
        t.category == "software"
        and day_bounds(mix.start, ZONE)[0] <= t.created_at < day_bounds(mix.end, ZONE)[0]
        for t in all_tickets
    )
    assert f"Software: {software} (" in alt_text(breakdown_lines(tr, mix, LABELS))
    decode(render.breakdown_png(tr, mix, LABELS))


def test_spanish_labels_and_a_workspace_without_tickets_gets_a_no_data_picture(db):
    tr = Translator("es")
    empty = charts.trend(db, NOW, ZONE, charts.DAY, 14)
    assert empty.empty
    assert alt_text(trend_lines(tr, empty)) == "Tickets — últimos 14 días: aún no hay tickets."
    pixels = decode(render.trend_png(tr, empty))
    assert pixels[..., :3].std() > 0  # the message is drawn, not a blank card
    figures = report_figures(db, NOW, ZONE)
    for picture in report_pictures(tr, figures, LABELS, ChartCache(None)):
        decode(picture.png)
        assert "aún no hay tickets" in picture.lines[0]


def test_the_same_figures_are_drawn_once(db, tmp_path):
    seed_month(db, days=10)
    tr = Translator("en")
    cache = ChartCache(tmp_path)
    figures = report_figures(db, NOW, ZONE)
    first = report_pictures(tr, figures, LABELS, cache)
    again = report_pictures(tr, report_figures(db, NOW, ZONE), LABELS, cache)
    assert cache.drawn == 2 and [p.png for p in first] == [p.png for p in again]
    report_pictures(Translator("es"), figures, LABELS, cache)  # another language is another picture
    assert cache.drawn == 4


def test_the_home_block_validates_against_block_kit():
    tr = Translator("en")
    stored = charts.StoredChart(
        "home:admin", "F0123", None, "h", "Tickets — last 14 days. x" * 150, "C1", "1.0", None
    )
    for blocks in (home_chart_blocks(tr, stored), home_chart_blocks(tr, None)):
        view = View(type="home", blocks=blocks).to_dict()
        assert view_problems("views.publish", view) == []
    (image,) = home_chart_blocks(tr, stored)
    assert image.to_dict()["slack_file"] == {"id": "F0123"} and len(image.alt_text) == 2000


def test_report_out_writes_the_pngs(db, settings, tmp_path):
    seed_month(db, days=20)
    paths = write_pngs(db, settings, tmp_path / "out", NOW)
    assert sorted(p.name for p in paths) == ["home-admin.png", "weekly-mix.png", "weekly-trend.png"]
    for path in paths:
        decode(path.read_bytes())


def test_listeners_storage_and_the_app_assembly_never_load_matplotlib():
    code = "import sys, bot.app, bot.cli, handlers.home_tabs, storage.charts; sys.exit('matplotlib' in sys.modules)"  # noqa: E501
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
