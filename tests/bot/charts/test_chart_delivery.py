"""Charts end to end: the job queues, the export dispatcher draws and uploads to the fake Slack,
the Home tab shows the stored file, old files are deleted; the weekly report's pictures go to the
triage channel and, inline, into the email."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from matplotlib.image import imread
from sqlalchemy import delete, select, update

from bench.chart_seed import ENGINEERS, NOW, seed_month
from bot.charts.delivery import ChartDelivery
from bot.digests import Digests
from handlers.home_state import HomeState
from handlers.home_tabs import HomeTabs
from handlers.i18n import Translator
from storage import charts, outbox
from storage.models import Chart, OutboxRow, ScheduledRun, Ticket
from tests.conftest import ADMIN, TRIAGE, _harness
from tests.waiting import wait_until


@pytest.fixture(autouse=True)
def _fresh(db):
    with db.transaction() as session:  # not among the tables conftest empties on PostgreSQL
        session.execute(delete(Chart))
        session.execute(delete(ScheduledRun))


def rows(h, kind: str) -> list[OutboxRow]:
    with h.db.read() as s:
        return list(s.scalars(select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id)))


def delivered(h, kind: str, count: int) -> None:
    wait_until(lambda: [r.state for r in rows(h, kind)] == ["done"] * count, 15, f"{count} {kind} delivered")


def charts_of(h) -> ChartDelivery:
    return ChartDelivery(h.runtime.app.client, h.services, h.runtime.settings)


def pngs(h) -> list[dict]:
    return [f for f in h.fake.uploaded_files() if f["filename"].endswith(".png")]


def test_home_charts_are_uploaded_once_per_change_and_shown_from_the_stored_file(harness):
    h = harness
    seed_month(h.db, days=20)
    job = charts_of(h)
    assert job.refresh_homes(NOW) == 1 + len(ENGINEERS)  # the admins' and each engineer's
    delivered(h, outbox.SLACK_CHART, 4)
    admin = charts.stored(h.db, charts.ADMIN_HOME)
    assert admin.channel == TRIAGE and admin.thread_ts and admin.file_id
    shared = {f["file_id"]: f for f in pngs(h)}
    assert (
        shared[admin.file_id]["channel_id"] == TRIAGE
        and shared[admin.file_id]["thread_ts"] == admin.thread_ts
    )
    pixels = imread(io.BytesIO(shared[admin.file_id]["bytes"]), format="png")
    assert pixels.shape[:2] == (750, 1200)
    engineer = charts.stored(h.db, charts.engineer_home_key(ENGINEERS[0]))
    assert engineer.channel.startswith("D") and shared[engineer.file_id]["thread_ts"] == engineer.thread_ts

    # The Home draw only reads: the image block refers to the file, its alt text states the numbers.
    view = HomeTabs(h.services).render(ADMIN, HomeState()).to_dict()
    (image,) = [b for b in view["blocks"] if b["type"] == "image"]
    assert image["slack_file"] == {"id": admin.file_id}
    assert image["alt_text"] == admin.alt_text and "Nov 30:" in image["alt_text"]

    # Same figures: nothing queued, nothing drawn. New figures: a new file; the one before the
    # previous is deleted (a tab drawn a minute ago still shows the previous one).
    assert job.refresh_homes(NOW) == 0
    first = admin.file_id
    for step in (1, 2):
        with h.db.transaction() as session:
            session.execute(
                update(Ticket).where(Ticket.id == step).values(created_at=NOW - timedelta(hours=1))
            )
        assert job.refresh_homes(NOW) >= 1
    wait_until(lambda: first in h.fake.deleted_files, 15, "the oldest admin chart deleted")
    now_stored = charts.stored(h.db, charts.ADMIN_HOME)
    # The tab's file and the one before it stay (the engineer whose figures also moved twice had
    # their own oldest file deleted too).
    assert not {now_stored.file_id, now_stored.previous_file_id} & set(h.fake.deleted_files)
    assert now_stored.thread_ts == admin.thread_ts  # one quiet thread, posted once
    assert (
        len(
            [
                c
                for c in h.fake.calls("chat.postMessage")
                if c.params.get("channel") == TRIAGE and "kept in this thread" in c.params.get("text", "")
            ]
        )
        == 1
    )


def test_an_engineer_home_without_a_chart_yet_says_so(harness):
    seed_month(harness.db, days=3)
    view = HomeTabs(harness.services).render(ENGINEERS[1], HomeState()).to_dict()
    assert "The chart appears here within a few minutes." in str(view["blocks"])


@pytest.fixture
def rh(settings, db, fake_slack, smtp):
    settings = replace(
        settings,
        timezone="Europe/Madrid",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_timeout=5,
        mail_from="IT Helpdesk <helpdesk@example.com>",
        mail_domain="example.com",
        admin_emails=("it-team@example.com",),
    )
    yield from _harness(settings, db, fake_slack)


def test_the_weekly_report_carries_two_charts_to_triage_and_inline_in_the_email(rh, smtp):
    seed_month(rh.db)
    assert Digests(rh.runtime.app.client, rh.services, rh.runtime.settings).weekly_report(NOW) is True
    delivered(rh, outbox.SLACK_REPORT_CHARTS, 1)
    (row,) = rows(rh, outbox.SLACK_REPORT_CHARTS)
    week = charts.Trend.from_dict(row.payload["trend"]).buckets[-1]
    files = sorted(pngs(rh), key=lambda f: f["filename"])
    assert [f["filename"] for f in files] == ["weekly-mix-2026-11-30.png", "weekly-trend-2026-11-30.png"]
    assert {f["channel_id"] for f in files} == {TRIAGE}
    for f in files:
        assert imread(io.BytesIO(f["bytes"]), format="png").shape[:2] == (750, 1200)
    assert files[0]["initial_comment"].startswith(":bar_chart: The helpdesk at a glance")

    (mail,) = smtp.wait_for(1, lambda m: m.subject.startswith("Weekly ticket report"), timeout=20)
    text = mail.part("plain")
    assert (
        f"Week of Nov 23: {week.opened} opened, {week.closed} closed, {week.backlog} open at the end" in text
    )
    html = mail.part("html")
    images = [p for p in mail.message.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 2
    for image in images:
        cid = image["Content-ID"].strip("<>")
        assert f'src="cid:{cid}"' in html
        assert imread(io.BytesIO(image.get_content()), format="png").shape[:2] == (750, 1200)
    assert [a.get_filename() for a in mail.message.iter_attachments()] == ["weekly-report-2026-11-30.xlsx"]


def test_an_engineers_home_chart_speaks_their_language_and_the_admins_the_workspaces(harness):
    h = harness
    seed_month(h.db, days=20)
    h.services.people.set_language(ENGINEERS[0], "es")
    assert charts_of(h).refresh_homes(NOW) == 1 + len(ENGINEERS)
    delivered(h, outbox.SLACK_CHART, 4)
    spanish = charts.stored(h.db, charts.engineer_home_key(ENGINEERS[0]))
    english = charts.stored(h.db, charts.engineer_home_key(ENGINEERS[1]))
    admins = charts.stored(h.db, charts.ADMIN_HOME)
    assert spanish.alt_text.startswith("Tus tickets")
    assert english.alt_text.startswith("Your tickets") and admins.alt_text.startswith("Tickets — last")
    threads = {c.params["channel"]: c.params["text"] for c in h.fake.calls("chat.postMessage")}
    assert threads[spanish.channel] == Translator("es")("chart.home_thread")
    assert threads[english.channel] == Translator("en")("chart.home_thread")
