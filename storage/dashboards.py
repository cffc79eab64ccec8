"""Read-side figures for the Home tabs and `/ticket list`: who someone is, counters, one page.

Counters read only the tickets they are about (the few not closed, and those closed today or
this week), by index: the admin's from an index alone (a grouped count), the engineer's in one
aggregate query (conditional sums). Pages are one query plus a count that stops at COUNT_CAP.
A Home tab reads about as much with 1,000,000 tickets as with 5,000.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import case, func, select

from storage import queries
from storage.db import Database
from storage.domain import Priority, Status
from storage.models import Ticket, User, utcnow
from storage.queries import TicketFilter
from storage.roles import Roles
from storage.satisfaction import Satisfaction, satisfaction
from storage.sla_queries import at_risk, breached, not_closed  # the one SQL spelling of storage.sla.state

ACTIVE = [s for s in Status if s is not Status.CLOSED]  # the statuses a tab shows a counter for
# Beyond this many matches a page says "1000+": an exact count reads every match (all million
# tickets for an unfiltered list), and nobody pages that far.
COUNT_CAP = 1000


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    total: int
    number: int  # 0-based
    size: int
    capped: bool = False  # there are more than `total` (the count stopped there)

    @property
    def first(self) -> int:
        return self.number * self.size + 1 if self.tickets else 0

    @property
    def last(self) -> int:
        return self.number * self.size + len(self.tickets)

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.capped or self.last < self.total

    @property
    def total_text(self) -> str:
        return f"{self.total}+" if self.capped else str(self.total)


@dataclass(frozen=True)
class AdminCounters:
    by_status: dict[str, int]  # tickets not closed (an all-time count of closed ones is not shown)
    closed_today: int
    unassigned: int  # not closed and nobody on it
    by_priority: dict[str, int]  # tickets not closed


@dataclass(frozen=True)
class EngineerCounters:
    by_status: dict[str, int]  # their tickets not closed
    by_priority: dict[str, int]  # their tickets not closed
    oldest_open: datetime | None  # when their oldest ticket not closed was filed
    closed_this_week: int


def _count_if(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# Whole-helpdesk totals on the admin Home (satisfaction, SLA counts) may be this many seconds
# old: each reads every rated or open ticket, ~30-40 ms at 1,000,000 tickets, on every draw.
TOTALS_TTL = 30.0


class Recent:
    """A value computed at most once per `ttl` seconds per process (and key)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, Any]] = {}

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        with self._lock:
            hit = self._values.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        value = compute()
        with self._lock:
            self._values[key] = (time.monotonic() + self.ttl, value)
        return value


class Dashboards:
    def __init__(self, db: Database, roles: Roles, totals_ttl: float = TOTALS_TTL) -> None:
        self.db = db
        self.roles = roles
        self._totals = Recent(totals_ttl)

    def role(self, user_id: str) -> str:
        return self.roles.role(user_id)

    def zone(self, user_id: str) -> tzinfo:
        """The person's time zone as users.info last told us, else UTC ("today" is theirs)."""
        with self.db.read() as session:
            name = session.scalar(select(User.tz).where(User.slack_id == user_id))
        try:
            return ZoneInfo(name) if name else timezone.utc
        except (ZoneInfoNotFoundError, ValueError):
            return timezone.utc

    def page(self, flt: TicketFilter, number: int, size: int, order: str = queries.NEWEST) -> Page:
        number = max(0, number)
        cap = max(COUNT_CAP, (number + 1) * size)  # enough to know whether this page exists
        with self.db.read() as session:
            ids = queries.matching_ids(session, flt, cap + 1)
            capped, total = len(ids) > cap, min(len(ids), cap)
            last_page = max(0, (total - 1) // size)
            number = min(number, last_page)  # a page past the end (tickets closed meanwhile)
            # Few matches: all their ids are here, read the page by key. Many: the page order's
            # own index finds a page of them soon.
            among = None if capped else ids
            tickets = queries.search(session, flt, offset=number * size, limit=size, order=order, among=among)
        return Page(tickets, total, number, size, capped)

    def admin_counters(self, zone: tzinfo, now: datetime | None = None) -> AdminCounters:
        today = _start_of_day(now or utcnow(), zone)
        nobody = Ticket.engineer_id.is_(None)
        # Tickets not closed, grouped: counted from ix_tickets_status_priority_engineer alone.
        groups = (
            select(Ticket.status, Ticket.priority, nobody.label("unassigned"), func.count())
            .where(not_closed())
            .group_by(Ticket.status, Ticket.priority, nobody)
        )
        closed_today = select(func.count()).select_from(Ticket).where(Ticket.closed_at >= today)
        by_status = {s.value: 0 for s in ACTIVE}
        by_priority = {p.value: 0 for p in Priority}
        unassigned = 0
        with self.db.read() as session:
            for status, priority, is_unassigned, n in session.execute(groups):
                by_status[status] += n
                if priority in by_priority:
                    by_priority[priority] += n
                unassigned += n if is_unassigned else 0
            closed = int(session.scalar(closed_today) or 0)
        return AdminCounters(
            by_status=by_status, closed_today=closed, unassigned=unassigned, by_priority=by_priority
        )

    def engineer_counters(
        self, engineer_id: str, zone: tzinfo, now: datetime | None = None
    ) -> EngineerCounters:
        now = now or utcnow()
        week = _start_of_day(now, zone) - timedelta(days=now.astimezone(zone).weekday())
        columns = [_count_if(Ticket.status == s.value) for s in ACTIVE]
        columns += [_count_if(not_closed() & (Ticket.priority == p.value)) for p in Priority]
        columns += [_count_if(Ticket.closed_at >= week)]
        # Their tickets not closed, or closed this week: not the thousands they closed before.
        # Spelled as an OR of two index ranges, which SQLite too reads as such (a union).
        mine = Ticket.engineer_id == engineer_id
        theirs = (mine & not_closed()) | (mine & (Ticket.closed_at >= week))
        # min() keeps the column's type, so the UTC-aware conversion applies on SQLite too.
        oldest = select(func.min(Ticket.created_at)).where(Ticket.engineer_id == engineer_id, not_closed())
        with self.db.read() as session:
            row = [int(v) for v in session.execute(select(*columns).where(theirs)).one()]
            oldest_open = session.scalar(oldest)
        statuses, priorities = row[: len(ACTIVE)], row[len(ACTIVE) : len(ACTIVE) + len(Priority)]
        return EngineerCounters(
            by_status={s.value: n for s, n in zip(ACTIVE, statuses, strict=True)},
            by_priority={p.value: n for p, n in zip(Priority, priorities, strict=True)},
            oldest_open=oldest_open,
            closed_this_week=row[-1],
        )

    def satisfaction(self) -> Satisfaction:
        def compute() -> Satisfaction:
            with self.db.read() as session:
                return satisfaction(session)

        return self._totals.get("satisfaction", compute)

    def sla_counts(self, now: datetime, engineer_id: str | None = None) -> dict[str, int]:
        """At risk and breached: an engineer's, fresh; the whole helpdesk's, up to TOTALS_TTL old."""
        if engineer_id is not None:
            return sla_counts(self.db, now, engineer_id)
        return self._totals.get("sla", lambda: sla_counts(self.db, now))


def sla_counts(db: Database, now: datetime, engineer_id: str | None = None) -> dict[str, int]:
    """How many tickets are at risk and how many breached: the digest's rules (storage.sla's)."""
    query = select(_count_if(at_risk(now)), _count_if(breached(now))).where(not_closed())
    if engineer_id is not None:
        query = query.where(Ticket.engineer_id == engineer_id)
    with db.read() as session:
        risky, late = (int(v) for v in session.execute(query).one())
    return {"at_risk": risky, "breached": late}


def _start_of_day(moment: datetime, zone: tzinfo) -> datetime:
    local = moment.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)
