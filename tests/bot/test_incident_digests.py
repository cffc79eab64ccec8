"""Incidents in the daily digest (the open ones) and in the weekly report (declared and resolved
that week, their numbers as text in the Slack comment and in both parts of the email)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from bot.digests import Digests
from storage import outbox
from storage.domain import Actor
from storage.models import Incident, OutboxRow, Ticket
from tests.conftest import ADMIN, TRIAGE, _harness
from tests.digest_data import NOW, NUMBER, local, seed
from tests.waiting import wait_until

pytestmark = pytest.mark.usefixtures("_fresh_runs")


@pytest.fixture
def rh(digest_settings, db, fake_slack, smtp):
    settings = replace(
        digest_settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_timeout=5,
        mail_from="IT Helpdesk <helpdesk@example.com>",
        mail_domain="example.com",
        admin_emails=("boss@example.com",),
    )
    yield from _harness(settings, db, fake_slack)


def delivered(h, kind: str) -> None:
    def states():
        with h.db.read() as s:
            return list(s.scalars(select(OutboxRow.state).where(OutboxRow.kind == kind)))

    wait_until(lambda: states() == ["done"], 15, f"{kind} delivered")


def report_comment(h) -> str:
    (comment,) = {f["initial_comment"] for f in h.fake.uploaded_files() if f["filename"].endswith(".png")}
    return comment


def incidents(h) -> None:
    """INC-1 declared last week and still open (2 tickets), INC-2 declared and resolved last
    week, INC-3 declared before it and resolved last week, INC-4 declared this week."""
    service = h.services.incidents
    vpn = service.declare(Actor(ADMIN), "VPN <b>down</b> & out")
    for title in ("A VPN down", "B Laptop slow"):
        service.link(Actor(ADMIN), NUMBER[title], vpn.id)
    for title in ("Mail outage", "Old outage"):
        service.resolve(Actor(ADMIN), service.declare(Actor(ADMIN), title).id, "fixed")
    service.declare(Actor(ADMIN), "This week")
    dates = {1: (local(5, 9), None), 2: (local(6, 9), local(7, 9)), 3: (local(1, 9), local(8, 9))}
    dates[4] = (local(10, 7), None)
    with h.db.transaction() as session:
        for incident_id, (created, resolved) in dates.items():
            values = {"created_at": created, "resolved_at": resolved}
            session.execute(update(Incident).where(Incident.id == incident_id).values(**values))


def test_the_daily_digest_lists_open_incidents(rh):
    seed(rh)
    incidents(rh)
    assert Digests(rh.runtime.app.client, rh.services, rh.runtime.settings).daily_digest(NOW) is True
    delivered(rh, outbox.SLACK_DIGEST)
    (call,) = [c for c in rh.fake.calls("chat.postMessage") if c.params.get("text", "").startswith("Daily")]
    assert call.params["channel"] == TRIAGE
    shown = json.dumps(call.params["blocks"], ensure_ascii=False)
    assert "Open incidents* (2)" in shown
    assert "*INC-1* · VPN &lt;b&gt;down&lt;/b&gt; &amp; out · Investigating · 2 linked" in shown
    assert "*INC-4* · This week" in shown and "Mail outage" not in shown


def test_the_weekly_report_names_incidents_opened_and_resolved_that_week(rh, smtp):
    seed(rh)
    incidents(rh)
    assert Digests(rh.runtime.app.client, rh.services, rh.runtime.settings).weekly_report(NOW) is True
    delivered(rh, outbox.SLACK_REPORT_CHARTS)
    comment = report_comment(rh)
    assert "Incidents last week: 2 opened, 2 resolved." in comment
    assert "Opened: INC-1 VPN &lt;b&gt;down&lt;/b&gt; &amp; out (Investigating, 2 tickets)" in comment
    assert "Resolved: INC-2 Mail outage (0 tickets)" in comment and "Resolved: INC-3 Old outage" in comment
    assert "This week" not in comment and "<b>" not in comment

    (mail,) = smtp.wait_for(1, lambda m: m.subject.startswith("Weekly ticket report"), timeout=20)
    text, html = mail.part("plain"), mail.part("html")
    assert "Incidents last week: 2 opened, 2 resolved." in text
    assert "Opened: INC-1 VPN <b>down</b> & out (Investigating, 2 tickets)" in text
    assert "Opened: INC-1 VPN &lt;b&gt;down&lt;/b&gt; &amp; out" in html and "<b>down</b>" not in html


def test_no_incidents_no_lines(rh, smtp):
    seed(rh)
    with rh.db.read() as s:
        assert s.scalar(select(Ticket.incident_id).where(Ticket.incident_id.is_not(None))) is None
    assert Digests(rh.runtime.app.client, rh.services, rh.runtime.settings).weekly_report(NOW) is True
    delivered(rh, outbox.SLACK_REPORT_CHARTS)
    assert "Incidents" not in report_comment(rh)
