"""The safety layer of every cell: text never becomes a formula, XML never breaks."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles.cell_style import StyleArray

from exports.cells import MAX_CELL_TEXT, CellMaker, clean_text, looks_like_formula, ready_cell, typed_rows
from tests.exports.readback import read_back


def maker(zone="UTC") -> CellMaker:
    return CellMaker(Workbook(write_only=True).create_sheet("x"), "yyyy-mm-dd hh:mm", ZoneInfo(zone))


def test_clean_text_drops_what_xml_forbids_and_keeps_the_rest():
    assert clean_text("a\x00b\x01c\x08d\x0be\x0cf\x0eg\x1fh") == "abcdefgh"
    assert clean_text("lone \ud800 surrogate and \ufffe\uffff") == "lone  surrogate and "
    assert clean_text("tab\tnewline\nñandú 😀") == "tab\tnewline\nñandú 😀"
    assert clean_text("windows\r\nmac\rend") == "windows\nmac\nend"
    long = clean_text("x" * 40_000)
    assert len(long) == MAX_CELL_TEXT and long.endswith("…")


def test_what_looks_like_a_formula():
    for risky in ("=1+1", "+1", "-1", "@SUM(1)", "\tx", "\rx", "\nx", "#N/A", "#DIV/0!"):
        assert looks_like_formula(risky), risky
    for plain in ("1+1", "a=b", "TKT-000001", "ana@example.com", "#42", "", "  =x"):
        assert not looks_like_formula(plain), plain


def test_text_cells_are_plain_unless_risky_or_long():
    cells = maker()
    assert (
        cells.text("Printer jams") == "Printer jams" and cells.text("") is None and cells.text(None) is None
    )
    risky = cells.text("=HYPERLINK(1)")
    assert (risky.value, risky.data_type, risky.quotePrefix) == ("=HYPERLINK(1)", "s", True)
    wrapped = cells.text("word " * 20, wrap_over=30)
    assert wrapped.alignment.wrap_text and not wrapped.quotePrefix
    assert cells.text("short", wrap_over=30) == "short"
    assert cells.text("two\nlines", wrap_over=30).alignment.wrap_text


def test_dates_are_naive_local_times_with_the_date_format():
    moment = datetime(2026, 3, 1, 15, 30, tzinfo=timezone.utc)
    cell = maker("America/Bogota").date(moment)
    assert cell.value == datetime(2026, 3, 1, 10, 30) and cell.number_format == "yyyy-mm-dd hh:mm"
    assert maker("UTC").date(moment).value == datetime(2026, 3, 1, 15, 30)
    assert maker().date(None) is None


def test_typed_rows_write_each_value_as_its_type_and_text_never_as_a_formula(tmp_path):
    wb = Workbook(write_only=True)
    ws = typed_rows(wb.create_sheet("x"))
    cells = CellMaker(ws, "yyyy-mm-dd hh:mm", ZoneInfo("UTC"))
    moment = datetime(2026, 3, 1, 15, 30, tzinfo=timezone.utc)
    ws.append([cells.header("Head"), "plain", "=1+1", 42, 2.5, True, None, datetime(2026, 1, 2, 3, 4)])
    ws.append([cells.text("=HYPERLINK(1)"), cells.text("#N/A"), cells.date(moment), cells.hours(1.25), ""])
    path = tmp_path / "typed.xlsx"
    wb.save(path)

    book = read_back(path)
    first, second = book.book["x"][1], book.book["x"][2]
    assert [c.value for c in first] == [
        "Head",
        "plain",
        "=1+1",
        42,
        2.5,
        True,
        None,
        datetime(2026, 1, 2, 3, 4),
    ]
    assert [c.data_type for c in first] == ["s", "s", "s", "n", "n", "b", "n", "d"]
    assert first[0].font.b and not first[1].has_style and first[7].is_date
    assert [c.value for c in second[:4]] == ["=HYPERLINK(1)", "#N/A", datetime(2026, 3, 1, 15, 30), 1.25]
    assert second[0].quotePrefix and second[1].quotePrefix and second[1].data_type == "s"
    assert second[2].number_format == "yyyy-mm-dd hh:mm" and second[3].number_format == "0.0"
    assert book.rows("x")[0][:3] == ["Head", "plain", "=1+1"]  # calamine: text, not a formula
    sheet_xml = book.part("xl/worksheets/sheet1.xml")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_ready_cells_share_their_style_and_carry_no_stray_state():
    ws = Workbook(write_only=True).create_sheet("x")
    style = maker().date(datetime(2026, 1, 1, tzinfo=timezone.utc))._style
    cell = ready_cell(ws, style, "v", "s")
    assert (cell.value, cell.data_type, cell.parent) == ("v", "s", ws)
    assert cell._style is style and cell.hyperlink is None and cell.comment is None
    assert cell.has_style and cell.style_id == ws.parent._cell_styles.add(style) > 0
    assert not ready_cell(ws, StyleArray(), "v", "s").has_style  # the workbook's default style
