"""Safe, cheap cells for openpyxl's write-only sheets.

Safety: user text never becomes a formula. openpyxl turns any string starting with `=` into one,
and a spreadsheet program may evaluate text starting with `+ - @`, a tab or a carriage return
once someone edits the cell; so such text is written as a string cell (`t="inlineStr"`) with
Excel's quote prefix (the stored equivalent of typing a leading apostrophe). Characters XML 1.0
forbids are removed: they would make openpyxl raise, or Excel refuse the file.

Speed: a styled cell is a `Cell` given a ready-made style array (shared, never copied) instead
of setting font, fill and format attribute by attribute; plain values stay plain. Sheets written
through `typed_rows` skip openpyxl's per-value type guessing and string checks: every value of a
row has been made here already (a clean string, a number, a `ReadyCell`).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from types import MethodType

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
ERROR_TEXTS = frozenset(ERROR_CODES)
MAX_CELL_TEXT = 32_767  # Excel's limit per cell

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")


class ReadyCell(Cell):
    """A finished cell for `append`: value, data type and (shared) style set by `ready_cell`.

    Sheets without `typed_rows` take it the long way: write-only `append` first tries it as a
    plain value and builds (then drops) an error message holding its repr: keep that repr cheap."""

    __slots__ = ("_style_id",)

    def __repr__(self) -> str:
        return "<ReadyCell>"

    # The writer asks each cell twice whether it has a style and once for its id: answered from
    # the id registered with the workbook once per style (0 is the workbook's default style).
    @property
    def has_style(self) -> bool:
        return self._style_id != 0

    @property
    def style_id(self) -> int:
        return self._style_id


def ready_cell(
    ws: WriteOnlyWorksheet, style, value, data_type: str, style_id: int | None = None
) -> ReadyCell:
    """`Cell.__init__` without its work: `append` sets the real row and column, and one style
    array is shared by every cell of a style (writing only reads it; nothing copies it).
    `style_id`: the style's id in `ws`'s workbook, when the caller has it already."""
    cell = ReadyCell.__new__(ReadyCell)
    cell.parent, cell._style, cell._value, cell.data_type = ws, style, value, data_type
    cell._style_id = ws.parent._cell_styles.add(style) if style_id is None else style_id
    cell.row = cell.column = 1
    cell._hyperlink = cell._comment = None
    return cell


def typed_rows(ws: WriteOnlyWorksheet) -> WriteOnlyWorksheet:
    """Let `ws.append` take rows made by `CellMaker` as they are: a `str` is written as a string
    (clean already: never a formula), an int or float as a number, a `ReadyCell` as itself;
    anything else gets openpyxl's own treatment. Returns `ws`."""
    ws._values_to_row = MethodType(_typed_values_to_row, ws)
    return ws


def _typed_values_to_row(self: WriteOnlyWorksheet, values, row_idx: int):
    """openpyxl's `_values_to_row` (one reused plain cell; a new one after a styled value),
    with the value's type decided by its Python type instead of `Cell.value`'s checks, and
    `ReadyCell`s taken without the failed assignment and exception of the general path."""
    plain = WriteOnlyCell(self)
    column = 0
    for value in values:
        column += 1
        if value is None:
            continue
        kind = type(value)
        if kind is str:
            cell = plain
            cell._value, cell.data_type = value, "s"
        elif kind is ReadyCell:
            cell = value
        elif kind is int or kind is float:
            cell = plain
            cell._value, cell.data_type = value, "n"
        elif isinstance(value, Cell):
            cell = value
        else:
            cell = plain
            cell.value = value  # openpyxl's rules (a bool, a date given plainly …)
        cell.column, cell.row = column, row_idx
        if cell._hyperlink is not None:
            cell._hyperlink.ref = cell.coordinate
        yield cell
        if cell is plain and (plain._style is not None or plain._hyperlink is not None):
            plain = WriteOnlyCell(self)


def clean_text(text: str) -> str:
    """Without XML-illegal characters, line ends as `\n` (what any XML reader turns a carriage
    return into anyway), and short enough for one Excel cell."""
    if text.isprintable():  # the usual case: no control characters, surrogates or non-characters
        return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"
    text = ILLEGAL_XML.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) or text in ERROR_TEXTS


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
        """A style array and its id in the workbook (registered once, here)."""
        cell = WriteOnlyCell(self.ws)
        for name, value in attributes.items():
            setattr(cell, name, value)
        return cell._style, self.ws.parent._cell_styles.add(cell._style)

    def _cell(self, style, value, data_type: str) -> Cell:
        return ready_cell(self.ws, style[0], value, data_type, style[1])

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
