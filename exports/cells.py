"""Safe, cheap cells for openpyxl's write-only sheets.

Safety: user text never becomes a formula. openpyxl turns any string starting with `=` into one,
and a spreadsheet program may evaluate text starting with `+ - @`, a tab or a carriage return
once someone edits the cell; so such text is written as a string cell (`t="inlineStr"`) with
Excel's quote prefix (the stored equivalent of typing a leading apostrophe). Characters XML 1.0
forbids are removed: they would make openpyxl raise, or Excel refuse the file.

Speed: a styled cell is a `Cell` given a ready-made style array (shared, never copied) instead
of setting font, fill and format attribute by attribute; plain values stay plain.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_CELL_TEXT = 32_767  # Excel's limit per cell

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")


class ReadyCell(Cell):
    """A finished cell for `append`. Write-only `append` first tries each value as a plain value
    and, for a cell, builds (then drops) an error message holding its repr: keep that repr cheap."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<ReadyCell>"


def clean_text(text: str) -> str:
    """Without XML-illegal characters, line ends as `\n` (what any XML reader turns a carriage
    return into anyway), and short enough for one Excel cell."""
    text = ILLEGAL_XML.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) or text in ERROR_CODES


class CellMaker:
    """Cells of one sheet in its few fixed styles."""

    def __init__(self, ws: WriteOnlyWorksheet, date_format: str, zone: tzinfo) -> None:
        self.ws = ws
        self.zone = zone
        self._utc = zone == timezone.utc or getattr(zone, "key", None) in ("UTC", "Etc/UTC")
        self._header = self._style(font=HEADER_FONT, fill=HEADER_FILL, alignment=Alignment(vertical="center"))
        self._date = self._style(number_format=date_format)
        self._hours = self._style(number_format="0.0")
        self._bold = self._style(font=Font(bold=True))
        wrap = Alignment(wrap_text=True, vertical="top")
        self._text = {
            (False, True): self._style(alignment=wrap),
            (True, False): self._style(quotePrefix=True),
            (True, True): self._style(alignment=wrap, quotePrefix=True),
        }

    def _style(self, **attributes):
        cell = WriteOnlyCell(self.ws)
        for name, value in attributes.items():
            setattr(cell, name, value)
        return cell._style

    def _cell(self, style, value, data_type: str) -> Cell:
        cell = ReadyCell(self.ws, row=1, column=1)  # append sets the real row and column
        # One style array shared by every cell of a style: writing only reads it (no copy per cell).
        cell._style, cell._value, cell.data_type = style, value, data_type
        return cell

    def header(self, text: str) -> Cell:
        return self._cell(self._header, clean_text(text), "s")

    def bold(self, text: str) -> Cell:
        return self._cell(self._bold, clean_text(text), "s")

    def text(self, value: str | None, wrap_over: int | None = None) -> str | Cell | None:
        """User text: plain when harmless; a string cell (quote prefix) when it looks like a
        formula; wrapped when longer than `wrap_over` characters or on several lines."""
        if not value:
            return None
        value = clean_text(value)
        risky = looks_like_formula(value)
        wrap = wrap_over is not None and (len(value) > wrap_over or "\n" in value)
        if not (risky or wrap):
            return value
        return self._cell(self._text[(risky, wrap)], value, "s")

    def date(self, moment: datetime | None) -> Cell | None:
        """A real Excel date-time in the workspace zone (Excel keeps no zone: it is dropped)."""
        if moment is None:
            return None
        local = moment if self._utc else moment.astimezone(self.zone)
        return self._cell(self._date, local.replace(tzinfo=None), "d")

    def hours(self, value: float | None) -> Cell | None:
        return None if value is None else self._cell(self._hours, value, "n")
