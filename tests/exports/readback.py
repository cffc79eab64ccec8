"""Reading a generated workbook back, with two independent readers: python-calamine and openpyxl."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from python_calamine import CalamineWorkbook


@dataclass
class ReadBack:
    raw: bytes
    sheets: dict[str, list[list[Any]]]  # calamine's view: every sheet's rows, by name
    book: openpyxl.Workbook  # openpyxl's view: data types, styles, charts, frozen panes

    def rows(self, sheet: str) -> list[list[Any]]:
        return self.sheets[sheet]

    def records(self, sheet: str) -> list[dict[str, Any]]:
        """Data rows as {header: value}, calamine's empty cells as None."""
        header, *rows = self.sheets[sheet]
        return [{h: (v if v != "" else None) for h, v in zip(header, row, strict=False)} for row in rows]

    def part(self, name: str) -> str:
        with zipfile.ZipFile(io.BytesIO(self.raw)) as archive:
            return archive.read(name).decode("utf-8")

    def parts(self) -> list[str]:
        with zipfile.ZipFile(io.BytesIO(self.raw)) as archive:
            return archive.namelist()

    def all_text(self) -> str:
        return "\n".join(str(v) for rows in self.sheets.values() for row in rows for v in row)


def read_back(source: bytes | str | Path) -> ReadBack:
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    sheets = {name: calamine.get_sheet_by_name(name).to_python() for name in calamine.sheet_names}
    return ReadBack(raw, sheets, openpyxl.load_workbook(io.BytesIO(raw)))
