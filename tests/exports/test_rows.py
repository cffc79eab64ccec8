"""Rows of the Tickets and History sheets: our words for stored keys, cleaned text otherwise."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from bot.config import load_settings
from exports.cells import CellMaker
from exports.rows import Labels, RowMaker, history_columns, ticket_columns
from exports.sheets import TableSheet
from handlers.i18n import Translator
from storage.reports import EventRow, TicketRow

WHEN = datetime(2026, 3, 1, 15, 30, tzinfo=timezone.utc)


def row_maker() -> RowMaker:
    tr, zone = Translator("en"), ZoneInfo("UTC")
    wb = Workbook(write_only=True)
    cells = CellMaker(wb.create_sheet("Tickets"), "yyyy-mm-dd hh:mm", zone)
    tickets = TableSheet(wb, wb.worksheets[0], ticket_columns(tr, True), cells)
    history = TableSheet(wb, wb.create_sheet("History"), history_columns(tr), cells)
    return RowMaker(Labels(tr, load_settings({}, dotenv=False).categories), tickets, history, zone, True)


def event(ticket_id: int, kind: str, old: str | None, new: str | None) -> EventRow:
    return EventRow(
        ticket_id, WHEN, "U1", "Ana", "ana", kind, old, new, None, None, None, None, None, "public"
    )


def test_known_keys_become_words_and_unknown_ones_clean_text_never_formulas():
    rows = row_maker()
    known = rows.history_row(event(7, "status", "open", "closed"))
    assert known[0] == "TKT-000007" and known[2:6] == ["Ana", "Status changed", "Open", "Closed"]
    odd = rows.history_row(event(8, "=odd\x07", "-1", "weird\x00"))
    assert odd[0] == "TKT-000008"
    assert (odd[3].value, odd[3].quotePrefix) == ("=odd", True)
    assert (odd[4].value, odd[4].quotePrefix) == ("-1", True)
    assert odd[5] == "weird"


def test_a_ticket_row_with_an_unknown_priority_status_and_category():
    rows = row_maker()
    ticket = TicketRow(
        3,
        "Title",
        "Body",
        "=cat",
        "@prio",
        "limbo\x01",
        WHEN,
        WHEN,
        None,
        None,
        "U1",
        "Ana",
        "ana",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )
    row = rows.ticket_row(ticket, ())
    assert row[0] == "TKT-000003" and row[3] == "Ana" and row[5] is None
    assert [row[6].value, row[7].value, row[8]] == ["=cat", "@prio", "limbo"]
    assert row[6].quotePrefix and row[7].quotePrefix
