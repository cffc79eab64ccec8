"""A table sheet written in streaming mode: header, widths, frozen header row, autofilter.

Write-only sheets take their column widths before the first row, so widths come from a bounded
sample of the first rows (typical length, not the longest). A sheet holds at most Excel's
1,048,576 rows; a longer table continues on "History (2)" and so on, with the same header.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.cells import CellMaker, typed_rows

EXCEL_MAX_ROWS = 1_048_576
DATE_WIDTH = 17


@dataclass(frozen=True)
class Column:
    header: str
    max_width: int = 40
    wrap: bool = False  # long text wraps inside the column instead of spilling over


class TableSheet:
    """One logical table, spread over as many sheets as Excel's row limit needs.

    Widths and the header of the `first` sheet wait for the first row (and `size_columns`).
    """

    def __init__(
        self,
        workbook: Workbook,
        first: WriteOnlyWorksheet,
        columns: Sequence[Column],
        cells: CellMaker,
        *,
        max_rows: int = EXCEL_MAX_ROWS,
    ) -> None:
        self.workbook = workbook
        self.title = first.title
        self.columns = list(columns)
        self.cells = cells
        self.max_rows = max_rows
        self.widths: list[int] | None = None
        self.sheets = [typed_rows(first)]
        self.rows_written = 0
        self._rows_here = 0  # 0: the current sheet has no header yet

    def size_columns(self, sample: Sequence[Sequence[Any]]) -> None:
        """Widths from the sample's typical (90th percentile) length, header included, bounded."""
        widths = []
        for index, column in enumerate(self.columns):
            lengths = sorted(_length(row[index]) for row in sample) or [0]
            typical = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]
            widths.append(max(8, min(column.max_width, max(typical, len(column.header)) + 2)))
        self.widths = widths

    def wrap_limit(self, index: int) -> int | None:
        """Wrap text longer than its column is wide (only in wrapping columns)."""
        if not self.columns[index].wrap:
            return None
        return self.widths[index] if self.widths else self.columns[index].max_width

    def append(self, row: list[Any]) -> None:
        if self._rows_here >= self.max_rows:
            self._finish_sheet()
            number = len(self.sheets) + 1
            self.sheets.append(typed_rows(self.workbook.create_sheet(f"{self.title} ({number})")))
            self._rows_here = 0
        if self._rows_here == 0:
            self._start_sheet()
        self.sheets[-1].append(row)
        self._rows_here += 1
        self.rows_written += 1

    def _start_sheet(self) -> None:
        ws = self.sheets[-1]
        for index, width in enumerate(self.widths or [c.max_width for c in self.columns], 1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        ws.append([self.cells.header(c.header) for c in self.columns])
        self._rows_here = 1

    def _finish_sheet(self) -> None:
        last = get_column_letter(len(self.columns))
        self.sheets[-1].auto_filter.ref = f"A1:{last}{self._rows_here}"

    def close(self) -> None:
        if self._rows_here == 0:
            self._start_sheet()  # an empty export still shows its header
        self._finish_sheet()


def _length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, Cell):
        value = value._value
    if isinstance(value, datetime):
        return DATE_WIDTH
    if isinstance(value, float):
        return len(f"{value:.1f}")
    return max((len(line) for line in str(value).splitlines()), default=0)
