"""The Incidents sheet of a staff export: every incident (they are few, one per outage) with its
owner, status, dates, how many tickets it holds and its resolution. A reporter's export has no
such sheet: their Tickets sheet names only their own tickets' incident (number and title)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exports import Translate
from exports.cells import CellMaker
from exports.rows import person
from exports.sheets import Column, TableSheet
from storage.domain import IncidentStatus, format_incident
from storage.incident_lists import IncidentRow


def incident_columns(tr: Translate) -> list[Column]:
    return [
        Column(tr("export.col.incident_number"), 10),
        Column(tr("export.col.incident_title"), 45, wrap=True),
        Column(tr("export.col.owner"), 28),
        Column(tr("export.col.status"), 16),
        Column(tr("export.col.created"), 18),
        Column(tr("export.col.resolved"), 18),
        Column(tr("export.col.linked"), 14),
        Column(tr("export.col.resolution"), 60, wrap=True),
    ]


def write_incidents(sheet: TableSheet, tr: Translate, rows: Sequence[IncidentRow]) -> None:
    cells = sheet.cells
    statuses = {s.value: tr(f"incident.status.{s.value}") for s in IncidentStatus}
    made = [_row(cells, statuses, r, sheet) for r in rows]
    sheet.size_columns(made[:200])
    for row in [_row(cells, statuses, r, sheet) for r in rows]:  # wrapped to the sized widths
        sheet.append(row)
    sheet.close()


def _row(cells: CellMaker, statuses: dict[str, str], r: IncidentRow, sheet: TableSheet) -> list[Any]:
    return [
        format_incident(r.id),
        cells.text(r.title, sheet.wrap_limit(1)),
        cells.text(person(r.owner_name, r.owner_login, r.owner_id)),
        statuses.get(r.status) or cells.text(r.status),
        cells.date(r.created_at),
        cells.date(r.resolved_at),
        r.linked,
        cells.text(r.resolution, sheet.wrap_limit(7)),
    ]
