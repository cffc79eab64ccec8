"""Service levels: business-hours arithmetic and the clock each ticket runs against.

Targets count business time only (`BUSINESS_HOURS`, in the workspace's `TIMEZONE`): a ticket
filed on Friday evening with 4 business hours to go is due on Monday morning. The clock stands
still while a ticket is On hold or Closed; when it runs again, each due time moves on by the
business time that was left on it when it stopped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from storage.domain import Priority, Status

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_BUSINESS_HOURS = "Mon-Fri 08:00-18:00"
DEFAULT_TARGETS = "critical=1h/4h, high=4h/1d, medium=1d/3d, low=2d/5d"
AT_RISK = 0.75  # share of the resolution target spent when a ticket turns "at risk"
_MAX_DAYS = 366 * 20  # a loop guard: no business calendar needs more to place a due time

_HOURS = re.compile(r"^\s*(?P<days>\D+?)\s+(?P<open>\d{1,2}:\d{2})\s*-\s*(?P<close>\d{1,2}:\d{2})\s*$")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([dhm])")


@dataclass(frozen=True)
class BusinessHours:
    days: frozenset[int]  # 0 is Monday
    opens: int  # minutes after midnight, local time
    closes: int  # minutes after midnight; 1440 for "until midnight"
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: str = "UTC") -> BusinessHours:
        """`Mon-Fri 08:00-18:00`, `Mon,Wed,Fri 09:00-13:00`, `Sun-Thu 07:30-16:00`, `24/7`."""
        if text.strip().lower() in {"24/7", "24x7", "always"}:
            return cls(frozenset(range(7)), 0, 1440, ZoneInfo(zone))
        match = _HOURS.match(text)
        if not match:
            raise ValueError(f"{text!r} is not like 'Mon-Fri 08:00-18:00'")
        days: set[int] = set()
        for part in match["days"].replace(" ", "").lower().split(","):
            first, _, last = part.partition("-")
            start, end = _weekday(first), _weekday(last or first)
            days.update((start + i) % 7 for i in range((end - start) % 7 + 1))
        opens, closes = _minutes(match["open"]), _minutes(match["close"])
        if closes <= opens:
            raise ValueError(f"{text!r}: the day must close after it opens")
        return cls(frozenset(days), opens, closes, ZoneInfo(zone))

    @property
    def day_seconds(self) -> float:
        """How long one business day is: what a target of "1d" means."""
        return (self.closes - self.opens) * 60.0

    def windows(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Business windows (open, close) in UTC, from the local day holding `since` onwards."""
        day = since.astimezone(self.zone).date()
        for offset in range(_MAX_DAYS):
            current = day + timedelta(days=offset)
            if current.weekday() in self.days:
                yield self._at(current, self.opens), self._at(current, self.closes)
        raise ValueError("no business hours within twenty years")

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of business time after `start`."""
        if seconds <= 0:
            return start
        for opens, closes in self.windows(start):
            if closes <= start:
                continue
            begin = max(opens, start)
            available = (closes - begin).total_seconds()
            if seconds <= available:
                return begin + timedelta(seconds=seconds)
            seconds -= available
        raise AssertionError("unreachable")  # pragma: no cover - windows() raises first

    def between(self, start: datetime, end: datetime) -> float:
        """Business seconds from `start` to `end` (0 when `end` is not later)."""
        total = 0.0
        if end <= start:
            return total
        for opens, closes in self.windows(start):
            if opens >= end:
                return total
            overlap = (min(closes, end) - max(opens, start)).total_seconds()
            total += max(overlap, 0.0)
        return total  # pragma: no cover - windows() raises first

    def _at(self, day: date, minutes: int) -> datetime:
        local = datetime.combine(day, time(0), tzinfo=self.zone) + timedelta(minutes=minutes)
        # Wall-clock arithmetic: 08:00 stays 08:00 on the day clocks change.
        return local.astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True)
class Target:
    response: float  # business seconds to a first response
    resolution: float  # business seconds to close


class SlaState(str, Enum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    PAUSED = "paused"  # On hold: the clock stands still
    MET = "met"  # closed in time
    NONE = "none"  # filed before service levels were configured


@dataclass(frozen=True)
class ServiceLevels:
    hours: BusinessHours
    targets: Mapping[str, Target]

    @classmethod
    def parse(cls, hours: str | None = None, targets: str | None = None, zone: str = "UTC") -> ServiceLevels:
        return cls.for_hours(BusinessHours.parse(hours or DEFAULT_BUSINESS_HOURS, zone), targets)

    @classmethod
    def for_hours(cls, calendar: BusinessHours, targets: str | None = None) -> ServiceLevels:
        """Targets on business hours already parsed (bot.config reports each variable's error apart)."""
        chosen = parse_targets(DEFAULT_TARGETS, calendar.day_seconds)
        chosen.update(parse_targets(targets or "", calendar.day_seconds))  # the rest keep defaults
        return cls(calendar, chosen)

    def start(self, ticket, now: datetime) -> None:
        """Set the due times of a ticket filed at `now`."""
        target = self.targets.get(ticket.priority)
        if target is None:
            return
        ticket.response_due_at = self.hours.add(now, target.response)
        ticket.resolution_due_at = self.hours.add(now, target.resolution)
        ticket.resolution_warn_at = self.hours.add(now, target.resolution * AT_RISK)
        ticket.first_response_at = ticket.sla_paused_at = None

    def on_status(self, ticket, target: Status, now: datetime, by_staff: bool) -> None:
        """Run or stop the clock as a ticket moves to `target`."""
        if by_staff:
            self.responded(ticket, now)
        if target in (Status.ON_HOLD, Status.CLOSED):
            if ticket.sla_paused_at is None:
                ticket.sla_paused_at = now
        elif ticket.sla_paused_at is not None:
            self.resume(ticket, now)

    @staticmethod
    def responded(ticket, now: datetime) -> None:
        """Staff answered the reporter (a status change, a public note): the response target is met."""
        if ticket.first_response_at is None:
            ticket.first_response_at = now

    def resume(self, ticket, now: datetime) -> None:
        """Move each due time on by the business time it still had when the clock stopped."""
        paused = ticket.sla_paused_at
        ticket.sla_paused_at = None
        for name in ("resolution_warn_at", "resolution_due_at"):
            due = getattr(ticket, name)
            if due is not None and due > paused:
                setattr(ticket, name, self.hours.add(now, self.hours.between(paused, due)))


def state(ticket, now: datetime) -> SlaState:
    """Where a ticket stands against its resolution target at `now`."""
    due = ticket.resolution_due_at
    if due is None:
        return SlaState.NONE
    stopped = ticket.sla_paused_at
    if ticket.status == Status.CLOSED.value:
        # Judged when the clock stopped: a ticket closed while On hold was paused before that.
        return SlaState.MET if (stopped or ticket.closed_at or now) <= due else SlaState.BREACHED
    if stopped is not None:
        return SlaState.BREACHED if stopped > due else SlaState.PAUSED
    if now >= due:
        return SlaState.BREACHED
    if ticket.resolution_warn_at is not None and now >= ticket.resolution_warn_at:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def parse_targets(text: str, day_seconds: float) -> dict[str, Target]:
    """`critical=1h/4h, high=4h/1d, …`: response/resolution per priority; d is a business day."""
    targets: dict[str, Target] = {}
    for item in filter(None, (part.strip() for part in text.replace(";", ",").split(","))):
        priority, _, spans = item.partition("=")
        priority = priority.strip().lower()
        if priority not in {p.value for p in Priority}:
            raise ValueError(f"{priority!r} is not a priority (low, medium, high, critical)")
        response, slash, resolution = spans.partition("/")
        if not slash:
            raise ValueError(f"{item!r} is not like 'high=4h/1d' (first response/resolution)")
        first, last = _duration(response, day_seconds), _duration(resolution, day_seconds)
        if last < first:
            raise ValueError(f"{item!r}: resolution cannot come before the first response")
        targets[priority] = Target(first, last)
    return targets


def format_span(seconds: float, day_seconds: float) -> str:
    """4h, 1d, 2d 4h, 30m: how a target is written, in business days and hours."""
    minutes = round(seconds / 60)
    day_minutes = round(day_seconds / 60)
    days, rest = divmod(minutes, day_minutes) if minutes >= day_minutes else (0, minutes)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return " ".join(p for p in parts if p) or "0m"


def _duration(text: str, day_seconds: float) -> float:
    cleaned = text.strip().lower()
    found = _DURATION.findall(cleaned)
    if not found or _DURATION.sub("", cleaned).strip():
        raise ValueError(f"{text.strip()!r} is not a duration like 4h, 1d, 30m or 1d4h")
    unit = {"d": day_seconds, "h": 3600.0, "m": 60.0}
    seconds = sum(float(amount) * unit[letter] for amount, letter in found)
    if seconds <= 0:
        raise ValueError(f"{text.strip()!r} must be longer than nothing")
    return seconds


def _weekday(name: str) -> int:
    key = name.strip().lower()[:3]
    aliases = {"lun": 0, "mar": 1, "mié": 2, "mie": 2, "jue": 3, "vie": 4, "sáb": 5, "sab": 5, "dom": 6}
    if key in WEEKDAYS:
        return WEEKDAYS.index(key)
    if key in aliases:
        return aliases[key]
    raise ValueError(f"{name!r} is not a weekday (Mon … Sun)")


def _minutes(text: str) -> int:
    hours, minutes = (int(part) for part in text.split(":"))
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or hours * 60 + minutes > 1440:
        raise ValueError(f"{text!r} is not a time of day")
    return hours * 60 + minutes
