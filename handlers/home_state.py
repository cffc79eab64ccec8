"""What a staff Home tab is showing (filters, search, page), kept in the view's private_metadata.

It comes back with every click on the tab, so the next page or a new filter starts from what
the person sees. Only the filter travels: whose tickets is decided from who clicks, every time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from storage.domain import Priority, Status
from storage.queries import TicketFilter

TEXT_MAX = 200


@dataclass(frozen=True)
class HomeState:
    status: str = ""  # "" = every status
    priority: str = ""
    text: str = ""
    page: int = 0

    def but(self, **changes) -> HomeState:
        return replace(self, **changes)

    def filter(self, base: TicketFilter) -> TicketFilter:
        return base.but(
            statuses=(self.status,) if self.status else base.statuses,
            priorities=(self.priority,) if self.priority else base.priorities,
            text=self.text,
        )

    def metadata(self) -> str:
        return json.dumps({"s": self.status, "p": self.priority, "q": self.text, "n": self.page})

    @classmethod
    def from_metadata(cls, raw: str | None) -> HomeState:
        """Back from Slack; anything unexpected falls back to the first page, unfiltered."""
        try:
            data = json.loads(raw or "{}")
            status, priority = str(data.get("s", "")), str(data.get("p", ""))
            return cls(
                status=status if status in {s.value for s in Status} else "",
                priority=priority if priority in {p.value for p in Priority} else "",
                text=str(data.get("q", ""))[:TEXT_MAX],
                page=max(0, int(data.get("n", 0))),
            )
        except (ValueError, TypeError, AttributeError):
            return cls()
