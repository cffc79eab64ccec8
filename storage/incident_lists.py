"""Incidents where tickets are listed: the open ones (admin Home, `/ticket list`, the digest),
those opened and resolved in a week (the weekly report), and every one with its owner and how
many tickets it holds (the Excel export's Incidents sheet). Read only; a count of linked tickets
per incident is one grouped query on ix_tickets_incident_id.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.domain import IncidentStatus, format_incident
from storage.models import Incident, Ticket, User

RESOLVED = IncidentStatus.RESOLVED.value


@dataclass(frozen=True)
class IncidentLine:
    id: int
    title: str
    status: str
    linked: int

    @property
    def number(self) -> str:
        return format_incident(self.id)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IncidentLine:
        return cls(int(data["id"]), str(data["title"]), str(data["status"]), int(data["linked"]))


@dataclass(frozen=True)
class Listed:
    """The first few, and how many there are in all."""

    lines: tuple[IncidentLine, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {"lines": [line.to_dict() for line in self.lines], "total": self.total}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Listed:
        if not data:
            return NONE
        return cls(tuple(IncidentLine.from_dict(d) for d in data["lines"]), int(data["total"]))


NONE = Listed((), 0)


def _linked_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(Ticket.incident_id, func.count())
        .where(Ticket.incident_id.in_(ids))
        .group_by(Ticket.incident_id)
    )
    return {incident_id: int(n) for incident_id, n in rows}


def _listed(session: Session, conditions: list, limit: int) -> Listed:
    total = int(session.scalar(select(func.count()).select_from(Incident).where(*conditions)) or 0)
    if not total:
        return NONE
    rows = session.execute(
        select(Incident.id, Incident.title, Incident.status)
        .where(*conditions)
        .order_by(Incident.id.desc())
        .limit(limit)
    ).all()
    counts = _linked_counts(session, [r.id for r in rows])
    return Listed(tuple(IncidentLine(r.id, r.title, r.status, counts.get(r.id, 0)) for r in rows), total)


def open_incidents(db: Database, limit: int) -> Listed:
    """The incidents not resolved, newest first (`limit` of them), and how many there are."""
    with db.read() as session:
        return open_listed(session, limit)


def open_listed(session: Session, limit: int) -> Listed:
    return _listed(session, [Incident.status != RESOLVED], limit)


def week_incidents(db: Database, start: datetime, end: datetime, limit: int) -> dict[str, Any]:
    """Incidents declared, and resolved, within [start, end): the weekly report's, as JSON."""
    with db.read() as session:
        opened = _listed(session, [Incident.created_at >= start, Incident.created_at < end], limit)
        resolved = _listed(
            session,
            [Incident.status == RESOLVED, Incident.resolved_at >= start, Incident.resolved_at < end],
            limit,
        )
    return {"opened": opened.to_dict(), "resolved": resolved.to_dict()}


def incidents_of(db: Database, ticket_ids: list[int]) -> dict[int, IncidentLine]:
    """The incident of each of these tickets that has one, by ticket id."""
    if not ticket_ids:
        return {}
    with db.read() as session:
        rows = session.execute(
            select(Ticket.id, Incident.id, Incident.title, Incident.status)
            .join(Incident, Incident.id == Ticket.incident_id)
            .where(Ticket.id.in_(ticket_ids))
        ).all()
        counts = _linked_counts(session, sorted({r[1] for r in rows}))
        return {r[0]: IncidentLine(r[1], r[2], r[3], counts.get(r[1], 0)) for r in rows}


@dataclass(frozen=True)
class IncidentRow:
    """One incident as the Incidents sheet shows it."""

    id: int
    title: str
    owner_id: str
    owner_name: str | None
    owner_login: str | None
    status: str
    created_at: datetime
    resolved_at: datetime | None
    linked: int
    resolution: str | None


def incident_rows(session: Session) -> list[IncidentRow]:
    """Every incident, oldest first (they are few: one per outage)."""
    query = select(
        Incident.id,
        Incident.title,
        Incident.owner_id,
        User.real_name,
        User.name,
        Incident.status,
        Incident.created_at,
        Incident.resolved_at,
        Incident.resolution,
    ).join(User, User.slack_id == Incident.owner_id)
    rows = session.execute(query.order_by(Incident.id)).all()
    counts = _linked_counts(session, [r.id for r in rows])
    return [
        IncidentRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], counts.get(r[0], 0), r[8]) for r in rows
    ]
