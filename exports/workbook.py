"""Write an export: tickets and their history streamed from the database into an .xlsx file.

One code path for Slack (the export worker) and the command line. Memory stays flat: tickets
are read in keyset-paged chunks, each chunk's history with one query, and openpyxl's write-only
sheets stream rows to temporary files; only the summary's figures grow with the data.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from exports import Translate
from exports.cells import CellMaker, typed_rows
from exports.describe import describe_filter, describe_scope
from exports.incidents import incident_columns, write_incidents
from exports.rows import Labels, RowMaker, history_columns, ticket_columns
from exports.scope import REPORTER, ExportScope
from exports.sheets import EXCEL_MAX_ROWS, TableSheet
from exports.summary import Stats, write_summary
from storage.db import Database
from storage.domain import Category
from storage.incident_lists import incident_rows
from storage.models import utcnow
from storage.queries import TicketFilter, count
from storage.reports import events_of, files_of, ticket_chunks, user_name
from storage.satisfaction import ratings_by_engineer

log = logging.getLogger("ticketbot.exports")

Progress = Callable[[int, int], None]  # (tickets written, tickets expected); may raise to abort
SAMPLE_ROWS = 200  # rows read to size the columns


@dataclass(frozen=True)
class ExportJob:
    scope: ExportScope
    flt: TicketFilter  # what the user chose; the scope is applied on top
    tr: Translate  # the words of the export's language
    timezone: str = "UTC"
    categories: Sequence[Category] = ()


@dataclass(frozen=True)
class ExportResult:
    path: Path
    tickets: int
    events: int
    generated_at: datetime
    scope_text: str
    filter_text: str


def write_workbook(
    db: Database,
    job: ExportJob,
    path: str | Path,
    *,
    progress: Progress | None = None,
    chunk: int = 1000,
    max_rows: int = EXCEL_MAX_ROWS,
) -> ExportResult:
    path = Path(path)
    tr, zone = job.tr, ZoneInfo(job.timezone)
    labels = Labels(tr, job.categories)
    generated_at = utcnow()
    flt = job.scope.narrow(job.flt)
    wb = Workbook(write_only=True)
    cells = CellMaker(wb.create_sheet(tr("export.sheet.tickets")), tr("export.date_format"), zone)
    tickets = TableSheet(
        wb, wb.worksheets[0], ticket_columns(tr, job.scope.include_internal), cells, max_rows=max_rows
    )
    history = TableSheet(
        wb, wb.create_sheet(tr("export.sheet.history")), history_columns(tr), cells, max_rows=max_rows
    )
    maker = RowMaker(labels, tickets, history, zone, job.scope.include_internal, generated_at)
    stats = Stats(now=generated_at)
    partial = path.with_name(path.name + ".part")
    try:
        with db.read() as session:
            name = user_name(session, job.scope.user_id) if job.scope.user_id else ""
            expected = count(session, flt)
            if progress:
                progress(0, expected)
            for batch in ticket_chunks(session, flt, chunk=chunk):
                events = events_of(
                    session, [t.id for t in batch], include_internal=job.scope.include_internal
                )
                files = files_of(session, [t.id for t in batch], include_internal=job.scope.include_internal)
                by_ticket = {k: list(g) for k, g in itertools.groupby(events, key=lambda e: e.ticket_id)}
                if tickets.widths is None:
                    sample = batch[:SAMPLE_ROWS]
                    tickets.size_columns([maker.ticket_row(t, by_ticket.get(t.id, ())) for t in sample])
                    history.size_columns(
                        [maker.history_row(e, files.get(e.id, ())) for e in events[:SAMPLE_ROWS]]
                    )
                for t in batch:
                    tickets.append(maker.ticket_row(t, by_ticket.get(t.id, ())))
                    stats.add(t)
                for event in events:
                    history.append(maker.history_row(event, files.get(event.id, ())))
                if progress:
                    progress(tickets.rows_written, expected)
            ratings = ratings_by_engineer(session, flt)  # a small query of its own for the Summary
            # Staff exports: every incident; a reporter's: none (their tickets name their own).
            incidents = incident_rows(session) if job.scope.kind != REPORTER else None
        tickets.close()
        history.close()
        extra = []
        if incidents is not None:
            sheet = TableSheet(wb, wb.create_sheet(tr("export.sheet.incidents")), incident_columns(tr), cells)
            write_incidents(sheet, tr, incidents)
            extra = sheet.sheets
        scope_text, filter_text = describe_scope(tr, job.scope, name), describe_filter(tr, job.flt)
        summary = typed_rows(wb.create_sheet(tr("export.sheet.summary")))
        facts = [
            (tr("export.summary.scope"), cells.text(scope_text)),
            (tr("export.summary.filter"), cells.text(filter_text)),
            (tr("export.summary.generated"), cells.date(generated_at)),
            (tr("export.summary.timezone"), job.timezone),
            (tr("export.summary.tickets"), stats.total),
        ]
        write_summary(summary, cells, labels, stats, facts, ratings)
        _order(wb, [*tickets.sheets, *history.sheets, *extra, summary])
        wb.save(partial)
        os.replace(partial, path)
    except BaseException:
        _discard(wb)
        with suppress(OSError):
            partial.unlink()
        raise
    return ExportResult(path, stats.total, history.rows_written, generated_at, scope_text, filter_text)


def _order(wb: Workbook, sheets: list) -> None:
    """Continuation sheets are created when they fill up; show each table's sheets together."""
    for index, sheet in enumerate(sheets):
        wb.move_sheet(sheet.title, index - wb.index(sheet))


def _discard(wb: Workbook) -> None:
    """An aborted export leaves no temporary sheet files behind."""
    for ws in wb.worksheets:
        with suppress(Exception):
            if not ws.closed:
                ws.close()
        with suppress(Exception):
            ws._writer.cleanup()
