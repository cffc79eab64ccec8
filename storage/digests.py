"""The figures of the daily digest and of an engineer's morning summary (queries only).

"Yesterday" is the previous calendar day in the workspace's zone. At risk and breached are
`storage.sla_queries`' (tickets not closed first, so the status index does the narrowing).
Figures are a snapshot at `now` (`storage.digest_payloads`): they travel in the outbox row as
JSON and are drawn into Block Kit at delivery, in the workspace language.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from storage.db import Database
from storage.digest_payloads import DailyDigest, EngineerCount, EngineerSummary, Listed, TicketLine
from storage.domain import Priority, Status
from storage.incident_lists import open_listed
from storage.models import Ticket, User
from storage.sla_queries import at_risk, breached, not_closed

LIST_LIMIT = 10  # at-risk and breached tickets listed; the rest are counted ("and 3 more")
UNASSIGNED_LIMIT = 5
INCIDENT_LIMIT = 10  # open incidents listed; the rest counted
QUEUE_LIMIT = 15  # an engineer's own tickets listed in their DM


# -- calendar days in the workspace's zone ------------------------------------------------------


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
            incidents=open_listed(session, INCIDENT_LIMIT),
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
