"""Satisfaction in the exports: the Summary sheet's average rating per engineer, read back with
calamine; the reporter's comment in the History sheet, as text."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from exports.scope import ExportScope
from exports.workbook import ExportJob, write_workbook
from handlers.i18n import Translator
from storage.domain import Actor
from storage.people import People, Profile
from storage.queries import TicketFilter
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService
from tests.exports.readback import read_back

CATEGORIES = load_settings({}, dotenv=False).categories
ANA, ADMIN = Actor("U0REPORTER", "ana"), Actor("U0ADMIN", "admin")
CARLOS, MARIA = Actor("U0CARLOS", "carlos"), Actor("U0MARIA", "maria")
FORMULA = '=HYPERLINK("http://evil","5 stars")'


@pytest.fixture
def service(db) -> TicketService:
    people = People(db)
    people.remember(Profile("U0REPORTER", "ana", "Ana Gómez", "ana@example.com"))
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    people.add_engineer(Profile("U0MARIA", "maria", "María López"), "Hardware")
    return TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=[c.key for c in CATEGORIES])


def rated(service: TicketService, engineer: Actor, rating: int | None, comment: str | None = None) -> int:
    ticket, _ = service.create(ANA, NewTicket("Printer jams", "Paper jam", "printers", "high"))
    service.assign(ticket.id, engineer.user_id, ADMIN)
    service.close(ticket.id, engineer, "Cleaned the rollers")
    if rating is not None:
        service.solved(ticket.id, ANA)
        service.rate(ticket.id, ANA, rating, comment)
    return ticket.id


def export(db, tmp_path, language="en", scope="all"):
    job = ExportJob(ExportScope.parse(scope), TicketFilter(), Translator(language), "UTC", CATEGORIES)
    result = write_workbook(db, job, tmp_path / "export.xlsx")
    return read_back(result.path)


def table(rows: list[list], header: list[str]) -> list[list]:
    start = rows.index(header) + 1
    end = next((i for i in range(start, len(rows)) if not any(rows[i])), len(rows))
    return [row[:2] for row in rows[start:end]]


def test_summary_has_the_average_rating_per_engineer_and_overall(db, tmp_path, service):
    rated(service, CARLOS, 5, FORMULA)
    rated(service, CARLOS, 4)
    rated(service, MARIA, 2)
    rated(service, MARIA, None)  # closed, not answered: not a rating
    book = export(db, tmp_path)
    rows = book.rows("Summary")
    assert table(rows, ["Satisfaction (1-5 stars)", "Average rating"]) == [
        ["Carlos Pérez", 4.5],
        ["María López", 2.0],
        ["All engineers", pytest.approx(11 / 3, abs=0.01)],
    ]
    assert table(rows, ["Satisfaction (1-5 stars)", "Ratings"]) == [
        ["Carlos Pérez", 2],
        ["María López", 1],
        ["All engineers", 3],
    ]
    # The comment is in the history as text, never a formula.
    feedback = [r for r in book.records("History") if r["Event"] == "Satisfaction answer"]
    assert [r["Note"] for r in feedback if r["Note"]] == [FORMULA]
    cell = next(c for row in book.book["History"].iter_rows() for c in row if c.value == FORMULA)
    assert cell.data_type == "s"


def test_summary_ratings_follow_the_export_scope_and_language(db, tmp_path, service):
    rated(service, CARLOS, 5)
    rated(service, MARIA, 1)
    book = export(db, tmp_path, "es", scope="engineer:U0MARIA")  # María's own export
    rows = book.rows("Resumen")
    assert table(rows, ["Satisfacción (1 a 5 estrellas)", "Calificación promedio"]) == [
        ["María López", 1.0],
        ["Todos los ingenieros", 1.0],
    ]


def test_no_ratings_yet(db, tmp_path, service):
    rated(service, CARLOS, None)
    rows = export(db, tmp_path).rows("Summary")
    assert table(rows, ["Satisfaction (1-5 stars)", "Ratings"]) == [["All engineers", 0]]
