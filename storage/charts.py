"""The figures behind the charts (bot.charts draws them) and the table of uploaded chart files.

A trend is a row of buckets (local days or ISO weeks in the workspace's zone): tickets opened
and closed in each, the open backlog at its end, and how many of those closed met their
resolution target. Only the window's tickets are read, plus one count of those open now: the
backlog at a bucket's end is worked back from today's (open now, minus opened since, plus
closed since), so a million old tickets cost one indexed count. Figures travel in outbox rows
as JSON and are drawn at delivery, like the digests'.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from storage import outbox
from storage.db import Database
from storage.digests import day_bounds, local_day, not_closed
from storage.domain import Priority
from storage.models import Chart, Ticket, utcnow

DAY, WEEK = "day", "week"
ADMIN_HOME = "home:admin"


def engineer_home_key(user_id: str) -> str:
    return f"home:engineer:{user_id}"


@dataclass(frozen=True)
class Bucket:
    start: date  # the local day, or the Monday of the week
    opened: int
    closed: int
    backlog: int  # not closed at the bucket's end (at `now` for the current one)
    sla_met: int  # closed in the bucket within the resolution target
    sla_total: int  # closed in the bucket that had a resolution target

    @property
    def sla_share(self) -> float | None:
        return self.sla_met / self.sla_total if self.sla_total else None


@dataclass(frozen=True)
class Trend:
    unit: str  # DAY | WEEK
    zone: str
    buckets: list[Bucket]
    engineer_id: str | None = None
    open_by_priority: dict[str, int] | None = None  # an engineer's queue now (their Home chart)

    @property
    def empty(self) -> bool:
        return not any(b.opened or b.closed or b.backlog for b in self.buckets) and not any(
            (self.open_by_priority or {}).values()
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["buckets"] = [{**asdict(b), "start": b.start.isoformat()} for b in self.buckets]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trend:
        buckets = [Bucket(**{**b, "start": date.fromisoformat(b["start"])}) for b in data["buckets"]]
        return cls(**{**data, "buckets": buckets})


@dataclass(frozen=True)
class Breakdown:
    """Tickets opened in the week before `end`, by category and priority."""

    start: date
    end: date  # exclusive
    counts: dict[str, dict[str, int]]  # category -> priority -> tickets

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "counts": self.counts}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Breakdown:
        return cls(date.fromisoformat(data["start"]), date.fromisoformat(data["end"]), data["counts"])


def data_hash(*parts: Any) -> str:
    """The same figures (and language, and chart version) give the same hash: never drawn twice."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _starts(now: datetime, zone: str, unit: str, count: int, current: bool) -> list[date]:
    today = local_day(now, zone)
    if unit == WEEK:
        monday = today - timedelta(days=today.weekday()) - timedelta(weeks=0 if current else 1)
        return [monday - timedelta(weeks=count - 1 - i) for i in range(count)]
    today -= timedelta(days=0 if current else 1)
    return [today - timedelta(days=count - 1 - i) for i in range(count)]


def trend(
    db: Database,
    now: datetime,
    zone: str,
    unit: str,
    count: int,
    engineer_id: str | None = None,
    *,
    current: bool = True,
) -> Trend:
    """The last `count` days or weeks up to `now`: the current one so far, or (current=False,
    the weekly report) the complete ones before it."""
    starts = _starts(now, zone, unit, count, current)
    step = timedelta(weeks=1) if unit == WEEK else timedelta(days=1)
    edges = [day_bounds(s, zone)[0] for s in starts] + [day_bounds(starts[-1] + step, zone)[0]]
    scope = [Ticket.engineer_id == engineer_id] if engineer_id else []
    with db.read() as session:
        created = session.scalars(select(Ticket.created_at).where(Ticket.created_at >= edges[0], *scope))
        closed = session.execute(
            select(Ticket.closed_at, Ticket.resolution_due_at).where(Ticket.closed_at >= edges[0], *scope)
        ).all()
        open_now = session.scalar(select(func.count()).select_from(Ticket).where(not_closed(), *scope)) or 0
        queue = None
        if engineer_id:
            rows = session.execute(
                select(Ticket.priority, func.count()).where(not_closed(), *scope).group_by(Ticket.priority)
            )
            queue = {p.value: 0 for p in sorted(Priority, key=lambda p: -p.rank)}
            queue.update({priority: int(n) for priority, n in rows})
        created = list(created)
    opened = [0] * count
    shut = [0] * count
    met = [0] * count
    targeted = [0] * count
    for at in created:
        i = bisect.bisect_right(edges, at) - 1
        if 0 <= i < count:
            opened[i] += 1
    for at, due in closed:
        i = bisect.bisect_right(edges, at) - 1
        if 0 <= i < count:
            shut[i] += 1
            if due is not None:
                targeted[i] += 1
                met[i] += at <= due
    created_sorted, closed_sorted = sorted(created), sorted(at for at, _ in closed)
    buckets = []
    for i, start in enumerate(starts):
        end = min(edges[i + 1], now)
        opened_since = len(created_sorted) - bisect.bisect_right(created_sorted, end)
        closed_since = len(closed_sorted) - bisect.bisect_right(closed_sorted, end)
        backlog = max(open_now - opened_since + closed_since, 0)
        buckets.append(Bucket(start, opened[i], shut[i], backlog, met[i], targeted[i]))
    return Trend(unit, zone, buckets, engineer_id, queue)


def breakdown(db: Database, now: datetime, zone: str) -> Breakdown:
    """The seven local days before today (the week the weekly report is about)."""
    end = local_day(now, zone)
    start = end - timedelta(days=7)
    low, high = day_bounds(start, zone)[0], day_bounds(end, zone)[0]
    counts: dict[str, dict[str, int]] = {}
    with db.read() as session:
        rows = session.execute(
            select(Ticket.category, Ticket.priority, func.count())
            .where(Ticket.created_at >= low, Ticket.created_at < high)
            .group_by(Ticket.category, Ticket.priority)
        )
        for category, priority, n in rows:
            counts.setdefault(category, {})[priority] = int(n)
    return Breakdown(start, end, counts)


# -- the uploaded files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredChart:
    key: str
    file_id: str | None
    previous_file_id: str | None
    data_hash: str | None
    alt_text: str | None
    channel: str | None
    thread_ts: str | None
    rendered_at: datetime | None


def _stored(row: Chart) -> StoredChart:
    return StoredChart(**{f: getattr(row, f) for f in StoredChart.__dataclass_fields__})


def stored(db: Database, key: str) -> StoredChart | None:
    with db.read() as session:
        row = session.get(Chart, key)
        return _stored(row) if row is not None else None


def save_thread(db: Database, key: str, channel: str, thread_ts: str) -> None:
    """Where this chart's files are shared from now on (a thread nobody is notified about)."""
    with db.transaction() as session:
        row = session.get(Chart, key) or Chart(key=key)
        row.channel, row.thread_ts = channel, thread_ts
        session.add(row)


def save_upload(db: Database, key: str, file_id: str, digest: str, alt_text: str) -> str | None:
    """Record a new file, and queue the deletion of the one before the previous one (a Home tab
    drawn a minute ago still shows the previous file until it is drawn again); returns that."""
    with db.transaction() as session:
        row = session.get(Chart, key) or Chart(key=key)
        stale = row.previous_file_id
        row.previous_file_id, row.file_id = row.file_id, file_id
        row.data_hash, row.alt_text, row.rendered_at = digest, alt_text, utcnow()
        session.add(row)
        if stale:  # in the same transaction: a file replaced is never forgotten undeleted
            outbox.enqueue(session, outbox.SLACK_FILE_DELETE, {"file_id": stale})
    return stale
