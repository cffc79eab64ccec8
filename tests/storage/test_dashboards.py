"""Dashboard figures: counters in the viewer's day and week, roles, pages that never overflow."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from storage import dashboards
from storage.dashboards import Dashboards
from storage.models import Ticket
from storage.people import People, Profile
from storage.queries import QUEUE, TicketFilter
from storage.roles import ADMIN, ENGINEER, REPORTER, Roles

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=timezone.utc)  # a Wednesday, noon UTC
BOGOTA = ZoneInfo("America/Bogota")  # UTC-5: their day began at 05:00 UTC


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=timezone.utc)


@pytest.fixture
def board(db) -> Dashboards:
    people = People(db)
    people.remember(Profile("U0ANA", "ana", "Ana", tz="America/Bogota"))
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos"), "Redes y Servidores")
    rows = [
        # status, priority, engineer, filed, closed
        ("open", "critical", None, at(1, 9), None),
        ("open", "low", "U0CARLOS", at(2, 9), None),
        ("in_progress", "high", "U0CARLOS", at(3, 9), None),
        ("on_hold", "high", "U0CARLOS", at(4, 9), None),
        ("closed", "medium", "U0CARLOS", at(5, 9), at(11, 3)),  # today in UTC, yesterday in Bogotá
        ("closed", "medium", "U0CARLOS", at(5, 9), at(11, 6)),  # today everywhere
        ("closed", "low", "U0CARLOS", at(5, 9), at(9, 1)),  # Monday: this week in UTC, not in Bogotá
        ("closed", "low", "U0CARLOS", at(5, 9), at(6, 9)),  # last week
    ]
    with db.transaction() as s:
        for i, (status, priority, engineer, filed, closed) in enumerate(rows):
            s.add(
                Ticket(
                    reporter_id="U0ANA",
                    engineer_id=engineer,
                    title=f"t{i}",
                    description="d",
                    category="network",
                    priority=priority,
                    status=status,
                    created_at=filed,
                    updated_at=filed,
                    closed_at=closed,
                )
            )
    return Dashboards(db, Roles(db, {"U0ADMIN"}))


def test_admin_counters_count_today_in_the_viewers_zone(board):
    utc = board.admin_counters(timezone.utc, NOW)
    # No all-time count of closed tickets: it is not shown, and it would read every ticket.
    assert utc.by_status == {"open": 2, "in_progress": 1, "on_hold": 1}
    assert (utc.closed_today, utc.unassigned) == (2, 1)
    assert utc.by_priority == {"low": 1, "medium": 0, "high": 2, "critical": 1}
    assert board.admin_counters(BOGOTA, NOW).closed_today == 1


def test_engineer_counters(board):
    mine = board.engineer_counters("U0CARLOS", timezone.utc, NOW)
    assert mine.by_status == {"open": 1, "in_progress": 1, "on_hold": 1}
    assert mine.by_priority == {"low": 1, "medium": 0, "high": 2, "critical": 0}
    assert mine.oldest_open == at(2, 9) and mine.closed_this_week == 3
    assert board.engineer_counters("U0CARLOS", BOGOTA, NOW).closed_this_week == 2
    nobody = board.engineer_counters("U0NOBODY", timezone.utc, NOW)
    assert nobody.oldest_open is None and nobody.closed_this_week == 0


def test_roles_zones_and_pages(board):
    assert [board.role(u) for u in ("U0ADMIN", "U0CARLOS", "U0ANA")] == [ADMIN, ENGINEER, REPORTER]
    assert board.zone("U0ANA") == BOGOTA and board.zone("U0UNKNOWN") == timezone.utc
    page = board.page(TicketFilter(engineer_id="U0CARLOS"), 0, 3, QUEUE)
    assert [t.title for t in page.tickets] == ["t2", "t3", "t4"] and page.total == 7 and page.has_next
    last = board.page(TicketFilter(), 99, 3)
    assert (last.number, last.first, last.last, last.has_next, last.has_previous) == (2, 7, 8, False, True)
    empty = board.page(TicketFilter(text="nothing like this"), 0, 3)
    assert (empty.total, empty.first, empty.last, empty.has_next) == (0, 0, 0, False)


def test_counts_stop_at_the_cap_and_pages_still_go_on(board, monkeypatch):
    monkeypatch.setattr(dashboards, "COUNT_CAP", 4)  # 8 tickets: "4+" until a page needs more
    first = board.page(TicketFilter(), 0, 2)
    assert (first.total, first.capped, first.total_text, first.has_next) == (4, True, "4+", True)
    assert [t.title for t in first.tickets] == ["t7", "t6"]
    third = board.page(TicketFilter(), 2, 2)  # the count goes as far as the page asked for
    assert (third.total, third.capped, [t.title for t in third.tickets]) == (6, True, ["t3", "t2"])
    last = board.page(TicketFilter(), 3, 2)
    assert (last.total, last.capped, last.has_next, [t.title for t in last.tickets]) == (
        8,
        False,
        False,
        ["t1", "t0"],
    )
    few = board.page(TicketFilter(priorities=("high",)), 0, 2)  # under the cap: exact, read by id
    assert (few.total, few.capped, [t.title for t in few.tickets]) == (2, False, ["t3", "t2"])
    queue = board.page(TicketFilter(engineer_id="U0CARLOS"), 0, 3, QUEUE)
    assert [t.title for t in queue.tickets] == ["t2", "t3", "t4"] and queue.capped
