"""Digests and the weekly report end to end: jobs called with the test's clock, rows delivered by
the running dispatchers to the fake Slack Web API and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.digests import Digests
from storage import outbox
from storage.domain import SYSTEM_USER_ID
from storage.models import OutboxRow, User
from tests.conftest import REPORTER, TRIAGE, _harness
from tests.digest_data import CARLOS, MARIA, NOW, NUMBER, ZONE, seed
from tests.exports.readback import read_back
from tests.waiting import wait_until

# Every digest test starts without scheduled runs, and so runs once per database backend.
pytestmark = pytest.mark.usefixtures("_fresh_runs")

UPLOAD_STEPS = ("files.getUploadURLExternal", "file_upload", "files.completeUploadExternal")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def jobs(h) -> Digests:
    return Digests(h.runtime.app.client, h.services, h.runtime.settings)


def rows(h, kind: str) -> list[OutboxRow]:
    with h.db.read() as s:
        return list(s.scalars(select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id)))


def delivered(h, kind: str, count: int = 1) -> None:
    wait_until(lambda: [r.state for r in rows(h, kind)] == ["done"] * count, 10, f"{kind} delivered")


def posted_to(h, channel: str, start: str) -> list:
    return [
        c
        for c in h.fake.calls("chat.postMessage")
        if c.params.get("channel") == channel and c.params.get("text", "").startswith(start) and not c.failed
    ]


def test_the_daily_digest_goes_to_the_triage_channel_once(dh):
    seed(dh)
    digests = jobs(dh)
    assert digests.daily_digest(NOW) is True
    assert digests.daily_digest(NOW + timedelta(minutes=10)) is False  # a second scheduler, a re-run
    delivered(dh, outbox.SLACK_DIGEST)
    (call,) = posted_to(dh, TRIAGE, "Daily digest — 2026-03-09")
    shown = json.dumps(call.params["blocks"], ensure_ascii=False)
    assert "Yesterday* (2026-03-09): 2 opened, 1 closed" in shown
    assert "Open tickets by priority* (6)" in shown and "Critical: 1" in shown and "High: 2" in shown
    assert "Carlos Pérez: 2" in shown and "María López: 2" in shown and "Unassigned: 2" in shown
    assert "Breached* (2)" in shown and "At risk* (1)" in shown and "Oldest unassigned* (2)" in shown
    # Numbers link to the ticket's triage card (chat.getPermalink); engineers are named, not pinged.
    a = NUMBER["A VPN down"]
    assert f"|TKT-{a:06d}>" in shown and "https://test.slack.com/archives/C0TRIAGE/p" in shown
    assert "<@U0CARLOS>" not in shown
    # The next day's digest is another period.
    assert digests.daily_digest(NOW + timedelta(days=1)) is True


def test_no_digest_on_days_off_and_mondays_cover_the_weekend(dh):
    """BUSINESS_HOURS is Mon-Fri (the default): Saturday and Sunday send nothing, and Monday's
    digest counts Friday to Sunday (the known data set: D and H were opened on Sunday the 8th)."""
    seed(dh)
    dh.services.people.set_wants_digest(CARLOS, True)  # an engineer's morning DM follows the same days
    digests = jobs(dh)
    saturday, sunday, monday = NOW - timedelta(days=3), NOW - timedelta(days=2), NOW - timedelta(days=1)
    digests.morning(saturday)
    digests.morning(sunday)
    assert rows(dh, outbox.SLACK_DIGEST) == [] and rows(dh, outbox.SLACK_DIGEST_DM) == []
    digests.morning(monday)
    delivered(dh, outbox.SLACK_DIGEST)
    assert len(rows(dh, outbox.SLACK_DIGEST_DM)) == 1  # Carlos's, on Monday
    (call,) = posted_to(dh, TRIAGE, "Daily digest — 2026-03-08")
    shown = json.dumps(call.params["blocks"], ensure_ascii=False)
    assert "*Since Friday* (2026-03-06 – 2026-03-08): 2 opened, 0 closed" in shown
    # Tuesday's is about Monday alone again.
    digests.morning(NOW)
    delivered(dh, outbox.SLACK_DIGEST, count=2)
    (tuesday,) = posted_to(dh, TRIAGE, "Daily digest — 2026-03-09")
    assert "Yesterday* (2026-03-09): 2 opened, 1 closed" in json.dumps(
        tuesday.params["blocks"], ensure_ascii=False
    )


def test_engineers_opt_in_and_only_they_get_a_morning_dm(dh):
    seed(dh)
    answer = dh.slack.command("digest", user=CARLOS).json()
    assert answer["response_type"] == "ephemeral" and "morning summary is *off*" in answer["text"]
    answer = dh.slack.command("digest on", user=CARLOS).json()
    assert answer["text"] == "Done: you will get your queue in a DM every day at 08:00."
    assert "is *on*" in dh.slack.command("digest", user=CARLOS).json()["text"]
    refused = dh.slack.command("digest on", user=REPORTER).json()["text"]
    assert refused.startswith("Only engineers have a queue")
    assert "Use `/ticket digest on`" in dh.slack.command("digest maybe", user=CARLOS).json()["text"]
    with dh.db.read() as s:
        assert s.get(User, CARLOS).wants_digest and not s.get(User, MARIA).wants_digest
        assert not s.get(User, REPORTER).wants_digest

    digests = jobs(dh)
    assert digests.engineer_summaries(NOW) == 1
    assert digests.engineer_summaries(NOW + timedelta(minutes=5)) == 0  # once a day each
    delivered(dh, outbox.SLACK_DIGEST_DM)
    (dm,) = posted_to(dh, CARLOS, "Good morning!")
    shown = json.dumps(dm.params["blocks"], ensure_ascii=False)
    assert "2 open: 1 open, 1 in progress, 0 on hold" in shown and "1 at risk" in shown
    b, c = NUMBER["B Laptop slow"], NUMBER["C New mouse"]
    assert shown.index(f"TKT-{b:06d}") < shown.index(f"TKT-{c:06d}")  # oldest first
    assert not posted_to(dh, MARIA, "Good morning!")

    dh.slack.command("resumen off", user=CARLOS)
    assert digests.engineer_summaries(NOW + timedelta(days=1)) == 0


def test_help_lists_the_digest_command(dh):
    assert "/ticket digest on|off" in dh.slack.command("help").json()["text"]


@pytest.fixture
def rh(digest_settings, db, fake_slack, smtp):
    settings = replace(
        digest_settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_timeout=5,
        mail_from="IT Helpdesk <helpdesk@example.com>",
        mail_domain="example.com",
        admin_emails=("it-team@example.com", "boss@example.com"),
    )
    yield from _harness(settings, db, fake_slack)


def test_the_weekly_report_is_uploaded_to_triage_and_mailed(rh, smtp):
    seed(rh)
    digests = jobs(rh)
    assert digests.weekly_report(NOW) is True
    assert digests.weekly_report(NOW + timedelta(hours=1)) is False  # once a week
    delivered(rh, outbox.SLACK_EXPORT)
    delivered(rh, outbox.SLACK_REPORT_CHARTS)  # its two pictures: tests/bot/charts; here the workbook

    steps = [c.method for c in rh.fake.calls() if c.method in UPLOAD_STEPS]
    assert steps[:3] == list(UPLOAD_STEPS)
    (complete,) = [
        c for c in rh.fake.calls("files.completeUploadExternal") if "*All tickets*" in str(c.params)
    ]
    assert complete.params["channel_id"] == TRIAGE
    assert complete.params["initial_comment"].startswith("*Weekly report — week of 2026-03-09*")
    assert "*All tickets*" in complete.params["initial_comment"]
    (uploaded,) = [f for f in rh.fake.uploaded_files() if f["filename"].endswith(".xlsx")]
    book = read_back(uploaded["bytes"])
    assert "Summary" in book.sheets and len(book.records("Tickets")) == len(NUMBER)
    assert (
        rh.fake.calls("files.getUploadURLExternal")[0].params["filename"] == "weekly-report-2026-03-09.xlsx"
    )

    mails = smtp.wait_for(2, lambda m: m.subject.startswith("Weekly ticket report"), timeout=15)
    assert sorted(m.rcpt_to for m in mails) == ["boss@example.com", "it-team@example.com"]
    delivered(rh, outbox.EMAIL_REPORT, 2)
    mail = mails[0].message
    assert mail["Subject"] == "Weekly ticket report — week of 2026-03-09"
    assert "weekly ticket report" in mails[0].part("plain")
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == XLSX
    assert attachment.get_filename() == "weekly-report-2026-03-09.xlsx"
    mailed = read_back(attachment.get_content())
    assert "Summary" in mailed.sheets and len(mailed.records("Tickets")) == len(NUMBER)


def test_no_admin_emails_no_mail(dh):
    seed(dh)
    assert jobs(dh).weekly_report(NOW) is True
    delivered(dh, outbox.SLACK_EXPORT)
    assert rows(dh, outbox.EMAIL_REPORT) == []
    # The export was the bot's own (no admin had to ask), and nobody was told it failed.
    (export,) = rows(dh, outbox.SLACK_EXPORT)
    assert export.payload["user_id"] == SYSTEM_USER_ID
    assert rows(dh, outbox.SLACK_EXPORT_FAILED) == []


def test_the_jobs_are_scheduled_in_the_workspace_zone(dh, digest_settings, db, fake_slack):
    daily, weekly = (
        dh.runtime.scheduler.get_job("daily-digest"),
        dh.runtime.scheduler.get_job("weekly-report"),
    )
    assert str(daily.trigger.timezone) == ZONE and "hour='8', minute='0'" in str(daily.trigger)
    assert "day_of_week='mon'" in str(weekly.trigger) and str(weekly.trigger.timezone) == ZONE
    assert daily.misfire_grace_time == weekly.misfire_grace_time == 3600 and daily.coalesce
    off = replace(digest_settings, digest_time=None, weekly_report_cron=None)
    for h in _harness(off, db, fake_slack):
        assert h.runtime.scheduler.get_job("daily-digest") is None
        assert h.runtime.scheduler.get_job("weekly-report") is None
