"""What a digest outbox row carries: the figures `storage.digests` computed at `now`, as JSON.

They are drawn into Block Kit at delivery (handlers.blocks.digest), in the workspace language;
`from_dict` reads what `to_dict` wrote, and rows written by older versions (see `since`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from storage.incident_lists import NONE as NO_INCIDENTS
from storage.incident_lists import Listed as IncidentsListed


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
    incidents: IncidentsListed = NO_INCIDENTS  # the open ones, newest first (storage.incident_lists)

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
            "incidents": self.incidents.to_dict(),
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
            incidents=IncidentsListed.from_dict(data.get("incidents")),  # older rows lack it
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
