"""Words people type after `/ticket list` or `/ticket export` → a `TicketFilter`.

`open`, `abierto`, `status:open`, `alta`, `priority:high`, `since:2026-01-01`; anything else
is search text. Both languages are always accepted, whatever `BOT_LANGUAGE` says.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone

from handlers.text import fold
from storage.domain import Priority, Status
from storage.queries import TicketFilter

STATUS_WORDS = {
    "open": Status.OPEN,
    "abierto": Status.OPEN,
    "abiertos": Status.OPEN,
    "opened": Status.OPEN,
    "in_progress": Status.IN_PROGRESS,
    "in-progress": Status.IN_PROGRESS,
    "progress": Status.IN_PROGRESS,
    "inprogress": Status.IN_PROGRESS,
    "en_progreso": Status.IN_PROGRESS,
    "progreso": Status.IN_PROGRESS,
    "en-progreso": Status.IN_PROGRESS,
    "on_hold": Status.ON_HOLD,
    "on-hold": Status.ON_HOLD,
    "hold": Status.ON_HOLD,
    "onhold": Status.ON_HOLD,
    "en_espera": Status.ON_HOLD,
    "espera": Status.ON_HOLD,
    "en-espera": Status.ON_HOLD,
    "closed": Status.CLOSED,
    "close": Status.CLOSED,
    "cerrado": Status.CLOSED,
    "cerrados": Status.CLOSED,
}
PRIORITY_WORDS = {
    "low": Priority.LOW,
    "baja": Priority.LOW,
    "medium": Priority.MEDIUM,
    "media": Priority.MEDIUM,
    "normal": Priority.MEDIUM,
    "high": Priority.HIGH,
    "alta": Priority.HIGH,
    "critical": Priority.CRITICAL,
    "critica": Priority.CRITICAL,
    "urgent": Priority.CRITICAL,
    "urgente": Priority.CRITICAL,
}


class FilterError(ValueError):
    """`key` is an i18n key; `word` what was not understood."""

    def __init__(self, key: str, word: str) -> None:
        super().__init__(f"{key}: {word}")
        self.key, self.word = key, word


def parse_filter(text: str, base: TicketFilter | None = None) -> TicketFilter:
    base = base or TicketFilter()
    statuses: list[str] = []
    priorities: list[str] = []
    since = base.since
    rest: list[str] = []
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        plain = fold(word)
        # Two-word statuses: "in progress", "on hold", "en progreso", "en espera".
        pair = f"{plain}_{fold(words[i + 1])}" if i + 1 < len(words) else ""
        key, sep, value = plain.partition(":")
        if pair in STATUS_WORDS and plain in ("in", "on", "en"):
            statuses.append(STATUS_WORDS[pair].value)
            i += 2
            continue
        if sep and key in ("status", "estado"):
            if fold(value) not in STATUS_WORDS:
                raise FilterError("filter.unknown_status", value)
            statuses.append(STATUS_WORDS[fold(value)].value)
        elif sep and key in ("priority", "prioridad"):
            if fold(value) not in PRIORITY_WORDS:
                raise FilterError("filter.unknown_priority", value)
            priorities.append(PRIORITY_WORDS[fold(value)].value)
        elif sep and key in ("since", "desde"):
            try:
                since = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
            except ValueError:
                raise FilterError("filter.bad_date", value) from None
        elif plain in STATUS_WORDS:
            statuses.append(STATUS_WORDS[plain].value)
        elif plain in PRIORITY_WORDS:
            priorities.append(PRIORITY_WORDS[plain].value)
        else:
            rest.append(word)
        i += 1
    return base.but(
        statuses=tuple(dict.fromkeys(statuses)) or base.statuses,
        priorities=tuple(dict.fromkeys(priorities)) or base.priorities,
        since=since,
        text=" ".join(rest) or base.text,
    )


def filter_to_value(flt: TicketFilter, scope: str) -> str:
    """A filter (and the export scope: mine | assigned | all) as a button value (≤ 2,000 chars)."""
    data = {k: v for k, v in asdict(flt).items() if v not in ((), "", None, False)}
    if flt.since is not None:
        data["since"] = flt.since.date().isoformat()
    data["scope"] = scope
    return json.dumps(data, separators=(",", ":"))[:2000]


def filter_from_value(value: str) -> tuple[TicketFilter, str]:
    """Back from a button value. Scope fields (reporter/engineer) are NOT trusted from it: the
    caller sets them from who clicked."""
    try:
        data = json.loads(value)
        since = data.get("since")
        flt = TicketFilter(
            statuses=tuple(s for s in data.get("statuses", ()) if s in {x.value for x in Status}),
            priorities=tuple(p for p in data.get("priorities", ()) if p in {x.value for x in Priority}),
            text=str(data.get("text", ""))[:200],
            since=datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=timezone.utc) if since else None,
            unassigned=bool(data.get("unassigned", False)),
        )
        return flt, str(data.get("scope", "mine"))
    except (ValueError, TypeError, AttributeError):
        return TicketFilter(), "mine"
