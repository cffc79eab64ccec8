"""Business-hours arithmetic and the SLA clock, with an injected clock (no sleeping)."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from storage.domain import Status
from storage.sla import BusinessHours, ServiceLevels, SlaState, format_span, parse_targets, state

BOGOTA = ZoneInfo("America/Bogota")
HOURS = BusinessHours.parse("Mon-Fri 08:00-18:00", "America/Bogota")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Bogotá in the week of Monday 2026-11-23 (day 23 is Monday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=BOGOTA)


def test_parse_business_hours_variants():
    assert HOURS.days == frozenset({0, 1, 2, 3, 4}) and HOURS.day_seconds == 36000
    assert BusinessHours.parse("Sun-Thu 07:30-16:00").days == frozenset({6, 0, 1, 2, 3})
    assert BusinessHours.parse("Mon,Wed,Fri 09:00-13:00").days == frozenset({0, 2, 4})
    assert BusinessHours.parse("Lun-Vie 08:00-18:00").days == HOURS.days
    assert BusinessHours.parse("24/7").day_seconds == 86400
    for bad in ("Mon-Fri", "Mon-Fri 18:00-08:00", "Someday 08:00-18:00", "Mon-Fri 08:00-25:00"):
        with pytest.raises(ValueError):
            BusinessHours.parse(bad)


def test_add_within_a_day_and_across_the_night():
    assert HOURS.add(local(23, 9), 3600) == local(23, 10)
    assert HOURS.add(local(23, 17), 2 * 3600) == local(24, 9)  # one hour today, one tomorrow
    assert HOURS.add(local(23, 6), 3600) == local(23, 9)  # filed before opening: the clock starts at 8
    assert HOURS.add(local(23, 20), 60) == local(24, 8, 1)


def test_a_ticket_filed_on_friday_evening_is_due_on_monday():
    # 4 business hours from Friday 16:00: two on Friday, two on Monday morning.
    assert HOURS.add(local(27, 16), 4 * 3600) == local(30, 10)
    assert HOURS.between(local(27, 16), local(30, 10)) == 4 * 3600
    # A weekend alone counts for nothing.
    assert HOURS.between(local(28, 9), local(29, 23)) == 0


def test_between_is_the_inverse_of_add():
    start = local(25, 13, 17)
    for seconds in (60, 3600, 36000, 5 * 36000 + 1234):
        assert HOURS.between(start, HOURS.add(start, seconds)) == pytest.approx(seconds)


def test_targets_parse_with_business_days_and_keep_defaults():
    targets = parse_targets("critical=30m/2h, low=1d4h/5d", HOURS.day_seconds)
    assert targets["critical"].response == 1800 and targets["critical"].resolution == 7200
    assert targets["low"].response == 36000 + 4 * 3600
    levels = ServiceLevels.parse(None, "critical=30m/2h", "America/Bogota")
    assert levels.targets["critical"].resolution == 7200
    assert levels.targets["high"].resolution == 36000  # default kept: 1 business day
    for bad in ("urgent=1h/2h", "high=4h", "high=4x/1d", "high=1d/4h"):
        with pytest.raises(ValueError):
            parse_targets(bad, HOURS.day_seconds)
    assert format_span(36000 + 4 * 3600, 36000) == "1d 4h"


def ticket(priority="high", status=Status.OPEN.value):
    return SimpleNamespace(
        priority=priority,
        status=status,
        closed_at=None,
        response_due_at=None,
        resolution_due_at=None,
        resolution_warn_at=None,
        first_response_at=None,
        sla_paused_at=None,
    )


LEVELS = ServiceLevels.parse("Mon-Fri 08:00-18:00", None, "America/Bogota")


def test_a_high_ticket_over_a_weekend_with_an_on_hold_pause():
    t = ticket("high")  # 4 h to respond, 1 business day (10 h) to resolve
    LEVELS.start(t, local(27, 14))  # Friday 14:00
    assert t.response_due_at == local(27, 18)
    assert t.resolution_due_at == local(30, 14)  # 4 h on Friday, 6 h on Monday
    assert t.resolution_warn_at == local(30, 11, 30)  # 7.5 h in
    assert state(t, local(30, 11)) is SlaState.ON_TRACK
    assert state(t, local(30, 12)) is SlaState.AT_RISK

    # Monday 10:00 the engineer starts (first response: late, the target was Friday 18:00) …
    LEVELS.on_status(t, Status.IN_PROGRESS, local(30, 10), by_staff=True)
    t.status = Status.IN_PROGRESS.value
    assert t.first_response_at == local(30, 10)
    # … and at 11:00 puts it on hold until Tuesday 09:00: the clock stands still.
    LEVELS.on_status(t, Status.ON_HOLD, local(30, 11), by_staff=True)
    t.status = Status.ON_HOLD.value
    assert state(t, local(30, 15)) is SlaState.PAUSED  # past the old due time, but paused
    tuesday = datetime(2026, 12, 1, 9, tzinfo=BOGOTA)
    LEVELS.on_status(t, Status.IN_PROGRESS, tuesday, by_staff=True)
    t.status = Status.IN_PROGRESS.value
    # 3 business hours were left (11:00 → 14:00): due Tuesday 12:00; the warning at 09:30.
    assert t.sla_paused_at is None
    assert t.resolution_due_at == tuesday + timedelta(hours=3)
    assert t.resolution_warn_at == tuesday + timedelta(minutes=30)
    assert state(t, tuesday + timedelta(hours=3, minutes=1)) is SlaState.BREACHED


def test_closing_stops_the_clock_and_judges_the_close():
    t = ticket("critical")  # 1 h / 4 h
    LEVELS.start(t, local(23, 9))
    LEVELS.on_status(t, Status.CLOSED, local(23, 12), by_staff=True)
    t.status, t.closed_at = Status.CLOSED.value, local(23, 12)
    assert state(t, local(26, 9)) is SlaState.MET
    # Reopened on Thursday: the hour that was left runs from then on.
    LEVELS.on_status(t, Status.OPEN, local(26, 9), by_staff=False)
    t.status, t.closed_at = Status.OPEN.value, None
    assert t.resolution_due_at == local(26, 10)
    assert state(t, local(26, 10, 30)) is SlaState.BREACHED


def test_a_pause_after_the_deadline_keeps_it_breached():
    t = ticket("critical")
    LEVELS.start(t, local(23, 9))
    LEVELS.on_status(t, Status.ON_HOLD, local(23, 15), by_staff=True)
    t.status = Status.ON_HOLD.value
    assert state(t, local(23, 16)) is SlaState.BREACHED
    LEVELS.on_status(t, Status.IN_PROGRESS, local(24, 9), by_staff=True)
    assert t.resolution_due_at == local(23, 13)  # not moved: it was already late


def test_reporter_actions_are_no_first_response():
    t = ticket("medium")
    LEVELS.start(t, local(23, 9))
    LEVELS.on_status(t, Status.CLOSED, local(23, 10), by_staff=False)
    assert t.first_response_at is None


def test_business_hours_across_a_daylight_saving_change():
    madrid = BusinessHours.parse("Mon-Fri 09:00-17:00", "Europe/Madrid")
    friday = datetime(2026, 3, 27, 16, tzinfo=ZoneInfo("Europe/Madrid"))
    # Clocks go forward on Sunday 29 March; Monday still opens at 09:00 local time.
    monday = datetime(2026, 3, 30, 10, tzinfo=ZoneInfo("Europe/Madrid"))
    assert madrid.add(friday, 2 * 3600) == monday
    assert madrid.between(friday, monday) == 2 * 3600  # the lost night hour is no business hour


def test_a_ticket_closed_while_on_hold_is_judged_when_the_clock_stopped():
    t = ticket("critical")  # 4 h to resolve
    LEVELS.start(t, local(23, 9))
    LEVELS.on_status(t, Status.ON_HOLD, local(23, 10), by_staff=True)  # paused with 3 h left
    t.status = Status.ON_HOLD.value
    LEVELS.on_status(t, Status.CLOSED, local(30, 10), by_staff=True)  # closed a week later
    t.status, t.closed_at = Status.CLOSED.value, local(30, 10)
    assert t.sla_paused_at == local(23, 10)
    assert state(t, local(30, 11)) is SlaState.MET
