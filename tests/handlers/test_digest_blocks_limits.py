"""A digest stays within Slack's limits however hostile the titles and names are."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from slack_sdk.models.blocks import SectionBlock

from handlers.blocks.digest import daily_digest_message, engineer_summary_message
from handlers.i18n import Translator
from storage.digest_payloads import DailyDigest, EngineerCount, EngineerSummary, Listed, TicketLine

# Every digest test starts without scheduled runs, and so runs once per database backend.
pytestmark = pytest.mark.usefixtures("_fresh_runs")

NOW = datetime(2026, 11, 24, 13, tzinfo=timezone.utc)
HOSTILE = "<&>" * 50  # every character grows to 4 or 5 when escaped for mrkdwn


def line(i: int) -> TicketLine:
    return TicketLine(
        id=100000 + i,
        title=HOSTILE,
        priority="high",
        status="open",
        engineer_id="U0CARLOS",
        engineer_name=HOSTILE,
        created_at=NOW,
        due_at=NOW,
        triage_channel="C0TRIAGE",
        triage_ts=f"1700000000.{i:06d}",
        sla="breached",
    )


def texts(blocks) -> list[str]:
    found = []
    for block in blocks:
        if isinstance(block, SectionBlock):
            found += [block.text.text] if block.text else []
            found += [f.text for f in block.fields or []]
    return found


def link(ticket: TicketLine) -> str:
    return f"https://example.slack.com/archives/C0TRIAGE/p{ticket.triage_ts.replace('.', '')}?thread=x" * 2


def test_hostile_titles_never_break_the_section_limits():
    many = Listed([line(i) for i in range(15)], 400)
    engineers = [EngineerCount(f"U{i:08d}", HOSTILE, 3) for i in range(60)]
    for language in ("en", "es"):
        tr = Translator(language)
        digest = DailyDigest(
            day=date(2026, 11, 23),
            zone="UTC",
            now=NOW,
            opened=3,
            closed=2,
            open_total=400,
            by_priority={"critical": 100, "high": 100, "medium": 100, "low": 100},
            by_engineer=engineers,
            at_risk=many,
            breached=many,
            unassigned=many,
        )
        summary = EngineerSummary("U0CARLOS", NOW, {"open": 1, "in_progress": 1, "on_hold": 0}, 2, 3, many)
        for message in (daily_digest_message(tr, digest, link), engineer_summary_message(tr, summary, link)):
            kwargs = message.as_kwargs()  # builds and validates every block (raises past a limit)
            assert len(kwargs["blocks"]) <= 50
            assert all(len(t) <= 3000 for t in texts(message.blocks))
            shown = "\n".join(texts(message.blocks))
            assert "<&>" not in shown and ("more" in shown or "más" in shown)
