"""Read-side figures for the Home tabs and `/ticket list`: who someone is, counters, one page.

Counters are one aggregate query each (conditional sums), pages one query plus a count: a
Home tab costs the same few round trips whether there are 5 tickets or 50,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import case, func, select

from storage import queries
from storage.db import Database
from storage.digests import at_risk, breached  # the one SQL spelling of storage.sla.state
from storage.domain import Priority, Status
from storage.models import Engineer, Ticket, User, utcnow
from storage.queries import TicketFilter
from storage.satisfaction import Satisfaction, satisfaction

ADMIN, ENGINEER, REPORTER = "admin", "engineer", "reporter"
NOT_CLOSED = Ticket.status != Status.CLOSED.value


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    total: int
    number: int  # 0-based
    size: int

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
        return self.last < self.total


@dataclass(frozen=True)
class AdminCounters:
    by_status: dict[str, int]
    closed_today: int
    unassigned: int  # not closed and nobody on it
    by_priority: dict[str, int]  # tickets not closed


@dataclass(frozen=True)
class EngineerCounters:
    by_status: dict[str, int]
    by_priority: dict[str, int]  # their tickets not closed
    oldest_open: datetime | None  # when their oldest ticket not closed was filed
    closed_this_week: int


def _count_if(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class Dashboards:
    def __init__(self, db: Database, admins: frozenset[str]) -> None:
        self.db = db
        self.admins = admins

    def role(self, user_id: str) -> str:
        if user_id in self.admins:
            return ADMIN
        with self.db.read() as session:
            return ENGINEER if session.get(Engineer, user_id) is not None else REPORTER

    def zone(self, user_id: str) -> tzinfo:
        """The person's time zone as users.info last told us, else UTC ("today" is theirs)."""
        with self.db.read() as session:
            name = session.scalar(select(User.tz).where(User.slack_id == user_id))
        try:
            return ZoneInfo(name) if name else timezone.utc
        except (ZoneInfoNotFoundError, ValueError):
            return timezone.utc

    def page(self, flt: TicketFilter, number: int, size: int, order: str = queries.NEWEST) -> Page:
        with self.db.read() as session:
            total = queries.count(session, flt)
            last_page = max(0, (total - 1) // size)
            number = min(max(0, number), last_page)  # a page past the end (tickets closed meanwhile)
            tickets = queries.search(session, flt, offset=number * size, limit=size, order=order)
        return Page(tickets, total, number, size)

    def admin_counters(self, zone: tzinfo, now: datetime | None = None) -> AdminCounters:
        today = _start_of_day(now or utcnow(), zone)
        columns = [_count_if(Ticket.status == s.value) for s in Status]
        columns += [
            _count_if(Ticket.closed_at >= today),
            _count_if(NOT_CLOSED & Ticket.engineer_id.is_(None)),
        ]
        columns += [_count_if(NOT_CLOSED & (Ticket.priority == p.value)) for p in Priority]
        with self.db.read() as session:
            row = [int(v) for v in session.execute(select(*columns)).one()]
        statuses, rest = row[: len(Status)], row[len(Status) :]
        return AdminCounters(
            by_status={s.value: n for s, n in zip(Status, statuses, strict=True)},
            closed_today=rest[0],
            unassigned=rest[1],
            by_priority={p.value: n for p, n in zip(Priority, rest[2:], strict=True)},
        )

    def engineer_counters(
        self, engineer_id: str, zone: tzinfo, now: datetime | None = None
    ) -> EngineerCounters:
        now = now or utcnow()
        week = _start_of_day(now, zone) - timedelta(days=now.astimezone(zone).weekday())
        columns = [_count_if(Ticket.status == s.value) for s in Status]
        columns += [_count_if(NOT_CLOSED & (Ticket.priority == p.value)) for p in Priority]
        columns += [_count_if(Ticket.closed_at >= week)]
        # min() keeps the column's type, so the UTC-aware conversion applies on SQLite too.
        oldest = select(func.min(Ticket.created_at)).where(Ticket.engineer_id == engineer_id, NOT_CLOSED)
        with self.db.read() as session:
            row = [
                int(v)
                for v in session.execute(select(*columns).where(Ticket.engineer_id == engineer_id)).one()
            ]
            oldest_open = session.scalar(oldest)
        statuses, priorities = row[: len(Status)], row[len(Status) : len(Status) + len(Priority)]
        return EngineerCounters(
            by_status={s.value: n for s, n in zip(Status, statuses, strict=True)},
            by_priority={p.value: n for p, n in zip(Priority, priorities, strict=True)},
            oldest_open=oldest_open,
            closed_this_week=row[-1],
        )

    def satisfaction(self) -> Satisfaction:
        with self.db.read() as session:
            return satisfaction(session)


def sla_counts(db: Database, now: datetime, engineer_id: str | None = None) -> dict[str, int]:
    """How many tickets are at risk and how many breached: the digest's rules (storage.sla's)."""
    query = select(_count_if(at_risk(now)), _count_if(breached(now))).where(NOT_CLOSED)
    if engineer_id is not None:
        query = query.where(Ticket.engineer_id == engineer_id)
    with db.read() as session:
        risky, late = (int(v) for v in session.execute(query).one())
    return {"at_risk": risky, "breached": late}


def _start_of_day(moment: datetime, zone: tzinfo) -> datetime:
    local = moment.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)
