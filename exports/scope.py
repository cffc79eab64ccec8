"""Whose tickets an export holds, and the filter on top, as values a queue row can carry.

The scope decides visibility: a reporter's export never holds internal notes, and the scope's
person always comes from who asked (Slack's signed user id, or the operator's `--scope`),
never from the filter someone typed or a button value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from storage.domain import Priority, Status
from storage.queries import TicketFilter

ALL, ENGINEER, REPORTER = "all", "engineer", "reporter"


@dataclass(frozen=True)
class ExportScope:
    kind: str
    user_id: str | None = None

    @classmethod
    def parse(cls, text: str) -> ExportScope:
        """`all`, `engineer:U0123ABCD` or `reporter:U0123ABCD`; ValueError for anything else."""
        kind, _, user_id = text.strip().partition(":")
        if kind == ALL and not user_id:
            return cls(ALL)
        if kind in (ENGINEER, REPORTER) and user_id.strip():
            return cls(kind, user_id.strip())
        raise ValueError(f"{text!r} is not all, engineer:<user id> or reporter:<user id>")

    def __str__(self) -> str:
        return self.kind if self.kind == ALL else f"{self.kind}:{self.user_id}"

    @property
    def include_internal(self) -> bool:
        """Internal notes are for staff: an engineer's and an admin's exports only."""
        return self.kind != REPORTER

    def narrow(self, flt: TicketFilter) -> TicketFilter:
        """The filter limited to this scope, whatever scope fields it arrived with."""
        return flt.but(
            reporter_id=self.user_id if self.kind == REPORTER else None,
            engineer_id=self.user_id if self.kind == ENGINEER else None,
        )


def filter_to_dict(flt: TicketFilter) -> dict[str, Any]:
    """The user-chosen part of a filter (never its scope fields) as JSON-able values."""
    data: dict[str, Any] = {
        "statuses": list(flt.statuses),
        "priorities": list(flt.priorities),
        "text": flt.text,
        "unassigned": flt.unassigned,
    }
    if flt.since is not None:
        data["since"] = flt.since.astimezone(timezone.utc).isoformat()
    return data


def filter_from_dict(data: dict[str, Any]) -> TicketFilter:
    since = data.get("since")
    return TicketFilter(
        statuses=tuple(s for s in data.get("statuses", ()) if s in {x.value for x in Status}),
        priorities=tuple(p for p in data.get("priorities", ()) if p in {x.value for x in Priority}),
        text=str(data.get("text", "")),
        since=datetime.fromisoformat(since) if since else None,
        unassigned=bool(data.get("unassigned", False)),
    )
