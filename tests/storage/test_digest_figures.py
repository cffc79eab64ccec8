"""The digest's figures against the known data set, and storage.sla.state agreeing with them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from handlers.blocks.digest import daily_digest_message, engineer_summary_message
from handlers.i18n import Translator
from storage import sla
from storage.digest_payloads import DailyDigest, EngineerSummary, Listed, TicketLine
from storage.digests import daily_digest, engineer_summary
from storage.models import Ticket
from tests.digest_data import CARLOS, MARIA, NOW, NUMBER, ZONE, seed

# Every digest test starts without scheduled runs, and so runs once per database backend.
pytestmark = pytest.mark.usefixtures("_fresh_runs")


def numbers(listed: Listed) -> list[int]:
    return [line.id for line in listed.lines]


def test_daily_figures_of_the_known_data_set(dh):
    seed(dh)
    digest = daily_digest(dh.db, NOW, ZONE)
    assert digest.day == date(2026, 3, 9)  # yesterday in Bogotá
    # B was filed at 23:30 local on the 9th (04:30 UTC on the 10th); H at 23:00 on the 8th.
    assert (digest.opened, digest.closed) == (2, 1)
    assert digest.open_total == 6
    assert digest.by_priority == {"critical": 1, "high": 2, "medium": 2, "low": 1}
    assert [(e.user_id, e.name, e.open) for e in digest.by_engineer] == [
        (CARLOS, "Carlos Pérez", 2),
        (MARIA, "María López", 2),
        (None, "", 2),
    ]
    assert numbers(digest.breached) == [NUMBER["F Badge broken"], NUMBER["A VPN down"]]
    assert numbers(digest.at_risk) == [NUMBER["B Laptop slow"]]
    assert numbers(digest.unassigned) == [NUMBER["F Badge broken"], NUMBER["A VPN down"]]
    assert (
        digest.breached.lines[1].title == "A VPN down"
        and digest.at_risk.lines[0].engineer_name == "Carlos Pérez"
    )
    assert DailyDigest.from_dict(digest.to_dict()) == digest  # what the outbox row carries


def test_sql_at_risk_and_breached_agree_with_sla_state(dh):
    seed(dh)
    digest = daily_digest(dh.db, NOW, ZONE)
    with dh.db.read() as session:
        states = {t.id: sla.state(t, NOW) for t in session.scalars(select(Ticket))}
    open_ids = {t for t, s in states.items() if s in (sla.SlaState.BREACHED, sla.SlaState.AT_RISK)}
    open_ids -= {NUMBER["D Printer jam"], NUMBER["E Old request"]}  # closed: not the digest's business
    assert {t for t in open_ids if states[t] is sla.SlaState.BREACHED} == set(numbers(digest.breached))
    assert {t for t in open_ids if states[t] is sla.SlaState.AT_RISK} == set(numbers(digest.at_risk))
    # Two hours later B's due time has passed, and C's warning time.
    later = daily_digest(dh.db, NOW + timedelta(hours=2), ZONE)
    assert NUMBER["B Laptop slow"] in numbers(later.breached)
    assert numbers(later.at_risk) == [NUMBER["C New mouse"]]


def test_an_engineers_summary(dh):
    seed(dh)
    summary = engineer_summary(dh.db, CARLOS, NOW)
    assert summary.by_status == {"open": 1, "in_progress": 1, "on_hold": 0}
    assert (summary.at_risk, summary.breached) == (1, 0)
    assert [(line.id, line.sla) for line in summary.tickets.lines] == [
        (NUMBER["B Laptop slow"], "at_risk"),
        (NUMBER["C New mouse"], ""),
    ]
    assert EngineerSummary.from_dict(summary.to_dict()) == summary
    maria = engineer_summary(dh.db, MARIA, NOW)
    assert maria.open_total == 2 and [line.id for line in maria.tickets.lines] == [
        NUMBER["G Monitor"],
        NUMBER["H Wifi guest"],
    ]


def _line(i: int) -> TicketLine:
    return TicketLine(i, f"Ticket {i}", "high", "open", None, None, NOW - timedelta(hours=30), NOW)


def test_long_lists_are_capped_with_and_n_more_in_both_languages():
    many = Listed([_line(i) for i in range(1, 11)], 14)
    digest = DailyDigest(date(2026, 3, 9), ZONE, NOW, 0, 0, 14, {"high": 14}, [], many, many, many)
    for language, more, unassigned in (
        ("en", "…and 4 more", "Unassigned"),
        ("es", "…y 4 más", "Sin asignar"),
    ):
        message = daily_digest_message(Translator(language), digest, lambda line: f"https://x/{line.id}")
        text = str([b.to_dict() for b in message.blocks])
        assert text.count(more) == 3 and "<https://x/10|TKT-000010>" in text and unassigned in text
        assert "1 d 6 h" in text  # the oldest unassigned's age
    summary = EngineerSummary(CARLOS, NOW, {"open": 0, "in_progress": 0, "on_hold": 0}, 0, 0)
    assert "Nothing in your queue" in engineer_summary_message(Translator("en"), summary).text
