"""The Summary sheet: counts, resolution times and open tickets by age, with native bar charts.

Figures are gathered while the tickets stream past (`Stats.add`), so the summary costs no
second pass over the data; only resolution times are kept (8 bytes each) for the median.
"""

from __future__ import annotations

import statistics
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.cells import CellMaker
from exports.rows import Labels, person
from storage.domain import Priority, Status
from storage.reports import TicketRow
from storage.satisfaction import EngineerRating

CLOSED = Status.CLOSED.value
AGE_BUCKETS = (
    (timedelta(days=1), "export.age.day"),
    (timedelta(days=3), "export.age.days3"),
    (timedelta(days=7), "export.age.week"),
    (timedelta(days=30), "export.age.month"),
    (None, "export.age.older"),
)


@dataclass
class Stats:
    now: datetime
    total: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_priority: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    by_engineer: Counter = field(default_factory=Counter)  # engineer id, None = unassigned
    engineer_names: dict[str, str] = field(default_factory=dict)
    resolution_hours: array = field(default_factory=lambda: array("d"))
    open_by_age: Counter = field(default_factory=Counter)  # index into AGE_BUCKETS

    def add(self, t: TicketRow) -> None:
        self.total += 1
        self.by_status[t.status] += 1
        self.by_priority[t.priority] += 1
        self.by_category[t.category] += 1
        self.by_engineer[t.engineer_id] += 1
        if t.engineer_id and t.engineer_id not in self.engineer_names:
            self.engineer_names[t.engineer_id] = person(t.engineer_name, t.engineer_login, t.engineer_id)
        if t.status == CLOSED:
            if t.closed_at is not None:
                self.resolution_hours.append((t.closed_at - t.created_at).total_seconds() / 3600)
            return
        age = self.now - t.created_at
        self.open_by_age[
            next(i for i, (limit, _) in enumerate(AGE_BUCKETS) if limit is None or age < limit)
        ] += 1


def write_summary(
    ws: WriteOnlyWorksheet,
    cells: CellMaker,
    labels: Labels,
    stats: Stats,
    facts: list[tuple[str, Any]],
    ratings: Sequence[EngineerRating] = (),
) -> None:
    """`facts`: (label, value) lines on top — scope, filter, generated at, time zone, count.
    `ratings`: the average satisfaction rating per engineer (`storage.satisfaction`)."""
    tr = labels.tr
    for letter, width in zip("ABCD", (34, 16, 4, 4), strict=True):
        ws.column_dimensions[letter].width = width
    rows: list[list[Any]] = [[cells.bold(tr("export.summary.title"))]]
    rows += [[cells.bold(label), value] for label, value in facts]
    tables: dict[str, tuple[int, int]] = {}  # name -> (header row, last row), 1-based

    def table(name: str, header: str, value_header: str, items: list[tuple[str, Any]]) -> None:
        rows.append([])
        rows.append([cells.header(header), cells.header(value_header)])
        start = len(rows)
        rows.extend([cells.text(label), value] for label, value in items)
        tables[name] = (start, len(rows))

    count = tr("export.summary.count")
    table(
        "status",
        tr("export.summary.by_status"),
        count,
        [(labels.status[s.value], stats.by_status[s.value]) for s in Status],
    )
    table(
        "priority",
        tr("export.summary.by_priority"),
        count,
        [(labels.priority[p.value], stats.by_priority[p.value]) for p in Priority],
    )
    categories = list(labels.category) + sorted(k for k in stats.by_category if k not in labels.category)
    table(
        "category",
        tr("export.summary.by_category"),
        count,
        [(labels.category.get(k, k), stats.by_category[k]) for k in categories if stats.by_category[k]],
    )
    engineers = sorted(stats.engineer_names, key=lambda e: (-stats.by_engineer[e], stats.engineer_names[e]))
    by_engineer = [(stats.engineer_names[e], stats.by_engineer[e]) for e in engineers]
    if stats.by_engineer[None]:
        by_engineer.append((labels.unassigned, stats.by_engineer[None]))
    table("engineer", tr("export.summary.by_engineer"), count, by_engineer)
    hours = stats.resolution_hours
    table(
        "resolution",
        tr("export.summary.resolution"),
        tr("export.summary.hours"),
        [
            (tr("export.summary.average"), cells.hours(statistics.fmean(hours) if hours else None)),
            (tr("export.summary.median"), cells.hours(statistics.median(hours) if hours else None)),
            (tr("export.summary.resolved"), len(hours)),
        ],
    )
    table(
        "age",
        tr("export.summary.open_age"),
        count,
        [(tr(key), stats.open_by_age[i]) for i, (_, key) in enumerate(AGE_BUCKETS)],
    )
    rows += satisfaction_rows(cells, labels, ratings)
    for row in rows:
        ws.append(row)

    ws.add_chart(_bar_chart(ws, tr("export.summary.chart_status"), *tables["status"], "col"), "E2")
    first, last = tables["engineer"]
    if last > first:
        chart = _bar_chart(ws, tr("export.summary.chart_engineer"), first, last, "bar")
        chart.height = max(7.5, 0.6 * (last - first) + 2)
        ws.add_chart(chart, "E19")


def satisfaction_rows(cells: CellMaker, labels: Labels, ratings: Sequence[EngineerRating]) -> list[list[Any]]:
    """Two tables like the others (label, value): the average rating (1-5) per engineer and of
    all of them, then how many ratings each average is made of."""
    tr = labels.tr
    total = sum(r.ratings for r in ratings)
    overall = round(sum(r.average * r.ratings for r in ratings) / total, 2) if total else None
    names = [cells.text(r.name if r.user_id else labels.unassigned) for r in ratings]
    everyone = cells.bold(tr("export.summary.csat_overall"))
    return [
        [],
        [cells.header(tr("export.summary.csat")), cells.header(tr("export.summary.csat_average"))],
        *([name, round(r.average, 2)] for name, r in zip(names, ratings, strict=True)),
        [everyone, overall],
        [],
        [cells.header(tr("export.summary.csat")), cells.header(tr("export.summary.csat_count"))],
        *([name, r.ratings] for name, r in zip(names, ratings, strict=True)),
        [cells.bold(tr("export.summary.csat_overall")), total],
    ]


def _bar_chart(ws: WriteOnlyWorksheet, title: str, header_row: int, last_row: int, kind: str) -> BarChart:
    chart = BarChart()
    chart.type = kind
    chart.title = title
    chart.legend = None
    chart.width = 16
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.add_data(Reference(ws, min_col=2, min_row=header_row, max_row=last_row), titles_from_data=True)
    labels = Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row)
    for series in chart.series:  # the labels are text: a string reference, not openpyxl's numeric default
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))
    return chart
