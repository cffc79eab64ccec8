"""An export's scope and filter in words (plain text: callers escape it for where it goes)."""

from __future__ import annotations

from exports import Translate
from exports.scope import ALL, ENGINEER, ExportScope
from storage.queries import TicketFilter


def describe_scope(tr: Translate, scope: ExportScope, name: str) -> str:
    if scope.kind == ALL:
        return tr("export.scope.all")
    key = "export.scope.engineer" if scope.kind == ENGINEER else "export.scope.reporter"
    return tr(key, name=name)


def describe_filter(tr: Translate, flt: TicketFilter) -> str:
    parts = [tr(f"status.{s}") for s in flt.statuses]
    parts += [tr(f"priority.{p}") for p in flt.priorities]
    if flt.unassigned:
        parts.append(tr("export.filter.unassigned"))
    if flt.since is not None:
        parts.append(tr("export.filter.since", date=flt.since.date().isoformat()))
    if flt.text:
        parts.append(tr("export.filter.text", text=flt.text))
    return ", ".join(parts) or tr("export.filter.none")


def ticket_count(tr: Translate, count: int) -> str:
    """`1 ticket`, `42 tickets`."""
    return tr("export.tickets.one") if count == 1 else tr("export.tickets.many", count=count)
