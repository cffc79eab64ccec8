"""Incidents in exports, read back: staff exports have an Incidents sheet (number, title, owner,
status, created, resolved, linked tickets, resolution) and every export an Incident column on
Tickets; a reporter's export names only their own tickets' incident and has no Incidents sheet."""

from __future__ import annotations

from datetime import datetime

import pytest

from storage.domain import Actor
from storage.incidents import IncidentService
from storage.people import People, Profile
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService
from tests.exports.test_workbook import CATEGORIES, export

ADMIN, ANA, BEN = Actor("U0ADMIN", "admin"), Actor("U0REPORTER", "ana"), Actor("U0BEN", "ben")
FORMULA = '=HYPERLINK("http://evil.example","VPN")'


@pytest.fixture
def outage(db) -> IncidentService:
    people = People(db)
    people.remember(Profile("U0ADMIN", "admin", "Alex Admin"))
    people.remember(Profile("U0REPORTER", "ana", "Ana Gómez"))
    people.remember(Profile("U0BEN", "ben", "Ben Ortiz"))
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    tickets = TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=[c.key for c in CATEGORIES])
    incidents = IncidentService(tickets)
    for actor, title in ((ANA, "VPN drops"), (BEN, "VPN down too"), (BEN, "Printer jam")):
        tickets.create(actor, NewTicket(title, "details", "network", "high"))
    vpn = incidents.declare(ADMIN, FORMULA)
    incidents.link(ADMIN, 1, vpn.id)
    incidents.link(ADMIN, 2, vpn.id)
    mail = incidents.declare(ADMIN, "Mail outage")
    incidents.link(ADMIN, 3, mail.id)
    incidents.resolve(ADMIN, mail.id, "+SUM(A1:A9) restarted the relay")
    return incidents


def test_an_admin_export_has_the_incidents_sheet_and_column(db, tmp_path, outage):
    _, book = export(db, tmp_path)
    assert list(book.sheets) == ["Tickets", "History", "Incidents", "Summary"]
    assert book.rows("Incidents")[0] == [
        "Number",
        "Title",
        "Owner",
        "Status",
        "Created",
        "Resolved",
        "Linked tickets",
        "Resolution",
    ]
    vpn, mail = book.records("Incidents")
    assert (vpn["Number"], vpn["Title"], vpn["Owner"], vpn["Status"]) == (
        "INC-1",
        FORMULA,
        "Alex Admin",
        "Investigating",
    )
    assert (vpn["Linked tickets"], vpn["Resolved"], vpn["Resolution"]) == (2, None, None)
    assert (mail["Status"], mail["Linked tickets"], mail["Resolution"]) == (
        "Resolved",
        1,
        "+SUM(A1:A9) restarted the relay",
    )
    assert isinstance(mail["Created"], datetime) and isinstance(mail["Resolved"], datetime)
    # Text that looks like a formula stays text (exports.cells): no formula in the file.
    sheet = book.book["Incidents"]
    assert sheet["B2"].data_type == "s" and sheet["H3"].data_type == "s"
    assert "<f>" not in book.part("xl/worksheets/sheet3.xml")
    incidents = [t["Incident"] for t in book.records("Tickets")]
    assert incidents == [f"INC-1 — {FORMULA}", f"INC-1 — {FORMULA}", "INC-2 — Mail outage"]


def test_linked_counts_and_spanish_headers(db, tmp_path, outage):
    outage.unlink(ADMIN, 2)
    _, book = export(db, tmp_path, language="es")
    assert list(book.sheets) == ["Tickets", "Historial", "Incidentes", "Resumen"]
    assert book.rows("Incidentes")[0] == [
        "Número",
        "Título",
        "Responsable",
        "Estado",
        "Creado",
        "Resuelto",
        "Tickets vinculados",
        "Resolución",
    ]
    assert [r["Tickets vinculados"] for r in book.records("Incidentes")] == [1, 1]
    assert [r["Estado"] for r in book.records("Incidentes")] == ["Investigando", "Resuelto"]
    assert book.rows("Tickets")[0][8:10] == ["Estado", "Incidente"]


def test_a_reporters_export_names_only_their_tickets_incident(db, tmp_path, outage):
    _, book = export(db, tmp_path, "reporter:U0REPORTER")
    assert list(book.sheets) == ["Tickets", "History", "Summary"]
    (mine,) = book.records("Tickets")
    assert mine["Incident"] == f"INC-1 — {FORMULA}"
    assert "Mail outage" not in book.all_text() and "restarted" not in book.all_text()
    _, engineer = export(db, tmp_path, "engineer:U0CARLOS")
    assert "Incidents" in engineer.sheets and len(engineer.records("Incidents")) == 2
