"""The figures of the daily digest and of an engineer's morning summary (queries only).

"Yesterday" is the previous calendar day in the workspace's zone. At risk and breached follow
`storage.sla.state` exactly, written as SQL over the due-time columns (open tickets first, so
the status index does the narrowing). Figures are a snapshot at `now`: they travel in the
outbox row as JSON and are drawn into Block Kit at delivery, in the workspace language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from storage.db import Database
from storage.domain import Priority, Status
from storage.models import Engineer, Ticket, User

LIST_LIMIT = 10  # at-risk and breached tickets listed; the rest are counted ("and 3 more")
UNASSIGNED_LIMIT = 5
QUEUE_LIMIT = 15  # an engineer's own tickets listed in their DM


@dataclass(frozen=True)
class TicketLine:
    id: int
    title: str
    priority: str
    status: str
    engineer_id: str | None
    engineer_name: str | None
    created_at: datetime
    due_at: datetime | None
    triage_channel: str | None = None
    triage_ts: str | None = None
    sla: str = ""  # at_risk | breached | "" (engineer summaries only)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["due_at"] = self.due_at.isoformat() if self.due_at else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TicketLine:
        due = data.get("due_at")
        return cls(
            **{
                **data,
                "created_at": datetime.fromisoformat(data["created_at"]),
                "due_at": datetime.fromisoformat(due) if due else None,
            }
        )


@dataclass(frozen=True)
class Listed:
    """The first few tickets of a list, and how many there are in all."""

    lines: list[TicketLine]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {"lines": [line.to_dict() for line in self.lines], "total": self.total}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Listed:
        return cls([TicketLine.from_dict(d) for d in data["lines"]], data["total"])


@dataclass(frozen=True)
class EngineerCount:
    user_id: str | None  # None: unassigned
    name: str
    open: int


@dataclass(frozen=True)
class DailyDigest:
    day: date  # the local day the opened/closed counts are about ("yesterday")
    zone: str
    now: datetime
    opened: int
    closed: int
    open_total: int
    by_priority: dict[str, int]  # critical first; every priority, zeros included
    by_engineer: list[EngineerCount]  # most open first; unassigned included when any
    at_risk: Listed
    breached: Listed
    unassigned: Listed  # oldest first
    # The first local day the counts cover, when more than `day` (a Monday's digest covers the
    # weekend since Friday): None for one day.
    since: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "day": self.day.isoformat(),
            "zone": self.zone,
            "now": self.now.isoformat(),
            "opened": self.opened,
            "closed": self.closed,
            "open_total": self.open_total,
            "by_priority": dict(self.by_priority),
            "by_engineer": [asdict(e) for e in self.by_engineer],
            "at_risk": self.at_risk.to_dict(),
            "breached": self.breached.to_dict(),
            "unassigned": self.unassigned.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DailyDigest:
        return cls(
            day=date.fromisoformat(data["day"]),
            zone=data["zone"],
            now=datetime.fromisoformat(data["now"]),
            opened=data["opened"],
            closed=data["closed"],
            open_total=data["open_total"],
            by_priority=dict(data["by_priority"]),
            by_engineer=[EngineerCount(**e) for e in data["by_engineer"]],
            at_risk=Listed.from_dict(data["at_risk"]),
            breached=Listed.from_dict(data["breached"]),
            unassigned=Listed.from_dict(data["unassigned"]),
            since=date.fromisoformat(data["since"]) if data.get("since") else None,  # rows of 0.x lack it
        )


@dataclass(frozen=True)
class EngineerSummary:
    user_id: str
    now: datetime
    by_status: dict[str, int]  # open, in_progress, on_hold: zeros included
    at_risk: int
    breached: int
    tickets: Listed = field(default_factory=lambda: Listed([], 0))  # oldest first, SLA marked

    @property
    def open_total(self) -> int:
        return sum(self.by_status.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "now": self.now.isoformat(),
            "by_status": dict(self.by_status),
            "at_risk": self.at_risk,
            "breached": self.breached,
            "tickets": self.tickets.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EngineerSummary:
        return cls(
            user_id=data["user_id"],
            now=datetime.fromisoformat(data["now"]),
            by_status=dict(data["by_status"]),
            at_risk=data["at_risk"],
            breached=data["breached"],
            tickets=Listed.from_dict(data["tickets"]),
        )


# -- SLA conditions, as storage.sla.state decides them for a ticket not closed -------------------


def not_closed() -> ColumnElement[bool]:
    return Ticket.status != Status.CLOSED.value


def at_risk(now: datetime) -> ColumnElement[bool]:
    """Running clock, warning time reached, due time not yet."""
    return and_(
        Ticket.sla_paused_at.is_(None),
        Ticket.resolution_due_at > now,
        Ticket.resolution_warn_at <= now,
    )


def breached(now: datetime) -> ColumnElement[bool]:
    """Due time passed with the clock running, or the clock stopped only after it was due."""
    return or_(
        and_(Ticket.sla_paused_at.is_(None), Ticket.resolution_due_at <= now),
        Ticket.sla_paused_at > Ticket.resolution_due_at,
    )


def local_day(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, as aware datetimes (23 or 25 hours on DST days)."""
    tz = ZoneInfo(zone)
    return datetime.combine(day, time(0), tzinfo=tz), datetime.combine(
        day + timedelta(days=1), time(0), tzinfo=tz
    )


# -- the daily digest ----------------------------------------------------------------------------


def daily_digest(db: Database, now: datetime, zone: str, since: date | None = None) -> DailyDigest:
    """The figures at `now`; tickets opened and closed yesterday (local), or from the local day
    `since` through yesterday."""
    yesterday = local_day(now, zone) - timedelta(days=1)
    since = since if since is not None and since < yesterday else None
    start, end = day_bounds(since or yesterday, zone)[0], day_bounds(yesterday, zone)[1]
    with db.read() as session:
        opened = _count(session, Ticket.created_at >= start, Ticket.created_at < end)
        closed = _count(session, Ticket.closed_at >= start, Ticket.closed_at < end)
        by_priority = {p.value: 0 for p in sorted(Priority, key=lambda p: -p.rank)}
        rows = session.execute(
            select(Ticket.priority, func.count()).where(not_closed()).group_by(Ticket.priority)
        )
        for priority, count in rows:
            by_priority[priority] = by_priority.get(priority, 0) + int(count)
        return DailyDigest(
            since=since,
            day=yesterday,
            zone=zone,
            now=now,
            opened=opened,
            closed=closed,
            open_total=sum(by_priority.values()),
            by_priority=by_priority,
            by_engineer=_by_engineer(session),
            at_risk=_listed(session, [at_risk(now)], [Ticket.resolution_due_at, Ticket.id], LIST_LIMIT),
            breached=_listed(session, [breached(now)], [Ticket.resolution_due_at, Ticket.id], LIST_LIMIT),
            unassigned=_listed(
                session, [Ticket.engineer_id.is_(None)], [Ticket.created_at, Ticket.id], UNASSIGNED_LIMIT
            ),
        )


def _count(session: Session, *conditions: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(Ticket).where(*conditions)) or 0)


def _by_engineer(session: Session) -> list[EngineerCount]:
    engineer = aliased(User)
    rows = session.execute(
        select(Ticket.engineer_id, engineer.real_name, engineer.name, func.count())
        .outerjoin(engineer, engineer.slack_id == Ticket.engineer_id)
        .where(not_closed())
        .group_by(Ticket.engineer_id, engineer.real_name, engineer.name)
    )
    counts = [EngineerCount(uid, (real or name or uid or ""), int(n)) for uid, real, name, n in rows]
    return sorted(counts, key=lambda c: (c.user_id is None, -c.open, c.name.lower()))


def _listed(session: Session, conditions: list, order: list, limit: int) -> Listed:
    where = [not_closed(), *conditions]
    total = _count(session, *where)
    tickets = session.scalars(select(Ticket).where(*where).order_by(*order).limit(limit)) if total else []
    return Listed([_line(t) for t in tickets], total)


def _line(ticket: Ticket, sla: str = "") -> TicketLine:
    return TicketLine(
        id=ticket.id,
        title=ticket.title,
        priority=ticket.priority,
        status=ticket.status,
        engineer_id=ticket.engineer_id,
        engineer_name=ticket.engineer.display if ticket.engineer else None,
        created_at=ticket.created_at,
        due_at=ticket.resolution_due_at,
        triage_channel=ticket.triage_channel,
        triage_ts=ticket.triage_ts,
        sla=sla,
    )


# -- an engineer's morning summary ---------------------------------------------------------------


def engineer_summary(db: Database, user_id: str, now: datetime) -> EngineerSummary:
    mine = [not_closed(), Ticket.engineer_id == user_id]
    with db.read() as session:
        by_status = {s.value: 0 for s in Status if s is not Status.CLOSED}
        for status, count in session.execute(
            select(Ticket.status, func.count()).where(*mine).group_by(Ticket.status)
        ):
            by_status[status] = int(count)
        risky = _count(session, *mine, at_risk(now))
        late = _count(session, *mine, breached(now))
        flags = {
            **{tid: "at_risk" for tid in session.scalars(select(Ticket.id).where(*mine, at_risk(now)))},
            **{tid: "breached" for tid in session.scalars(select(Ticket.id).where(*mine, breached(now)))},
        }
        oldest = session.scalars(
            select(Ticket).where(*mine).order_by(Ticket.created_at, Ticket.id).limit(QUEUE_LIMIT)
        )
        lines = [_line(t, flags.get(t.id, "")) for t in oldest]
    return EngineerSummary(user_id, now, by_status, risky, late, Listed(lines, sum(by_status.values())))


def digest_subscribers(db: Database) -> list[str]:
    """Engineers who asked for the morning DM (`/ticket digest on`) and are not away."""
    query = (
        select(User.slack_id)
        .join(Engineer, Engineer.user_id == User.slack_id)
        .where(User.wants_digest.is_(True), Engineer.available.is_(True))
        .order_by(User.slack_id)
    )
    with db.read() as session:
        return list(session.scalars(query))


def wants_digest(db: Database, user_id: str) -> bool:
    with db.read() as session:
        user = session.get(User, user_id)
        return bool(user and user.wants_digest)


def set_wants_digest(db: Database, user_id: str, on: bool) -> bool:
    """Returns False when there is no such user (only people we know have a users row)."""
    with db.transaction() as session:
        result = session.execute(update(User).where(User.slack_id == user_id).values(wants_digest=on))
        return bool(result.rowcount)
