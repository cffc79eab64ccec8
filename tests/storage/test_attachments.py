"""Ticket attachments (storage.attachments): the API mail-in and the listeners use, and the
History sheet's Files column, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from exports.scope import ExportScope
from exports.workbook import ExportJob, write_workbook
from handlers.i18n import Translator
from storage.attachments import MB, Attachments
from storage.domain import Actor, Visibility
from storage.errors import FileTooLarge, InvalidInput
from storage.models import TicketAttachment, TicketEvent
from storage.people import People, Profile
from storage.queries import TicketFilter
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService
from tests.exports.readback import read_back
from tests.exports.test_workbook import CATEGORIES

ANA, CARLOS, ADMIN = Actor("U0REPORTER"), Actor("U0CARLOS"), Actor("U0ADMIN")


@pytest.fixture
def ticket(db) -> tuple[TicketService, int]:
    people = People(db)
    people.remember(Profile("U0REPORTER", "ana", "Ana Gómez", "ana@example.com"))
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    service = TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=[c.key for c in CATEGORIES])
    number = service.create(ANA, NewTicket("VPN drops", "Since this morning", "network", "high"))[0].id
    service.assign(number, "U0CARLOS", ADMIN)
    service.add_note(number, CARLOS, "Send me the log", Visibility.PUBLIC)
    service.add_note(number, CARLOS, "Their firewall is odd", Visibility.INTERNAL)
    return service, number


def notes(db, number: int) -> list[TicketEvent]:
    with db.read() as s:
        query = select(TicketEvent).where(TicketEvent.ticket_id == number, TicketEvent.kind == "note")
        return list(s.scalars(query.order_by(TicketEvent.id)))


def test_add_keeps_the_bytes_with_the_event_and_its_visibility(db, ticket):
    _, number = ticket
    public, internal = notes(db, number)
    files = Attachments(db)
    shown = files.add(number, public.id, "vpn.log", "text/plain", b"line 1\n")
    hidden = files.add(number, internal.id, "../../etc/fw rules.txt", "nonsense", b"\x00\x01")
    got = files.get(shown)
    assert (got.filename, got.mimetype, got.size, got.data, got.state) == (
        "vpn.log",
        "text/plain",
        7,
        b"line 1\n",
        "stored",
    )
    assert (got.actor_id, got.visibility, got.event_id) == ("U0CARLOS", "public", public.id)
    other = files.get(hidden)
    assert other.internal and other.filename == ".._.._etc_fw rules.txt"
    assert other.mimetype == "application/octet-stream"
    assert [f.id for f in files.for_ticket(number, include_internal=True)] == [shown, hidden]
    assert [f.id for f in files.for_ticket(number, include_internal=False)] == [shown]
    assert files.get(10_000) is None


def test_add_refuses_too_large_files_and_other_tickets_events(db, ticket):
    service, number = ticket
    public, _ = notes(db, number)
    files = Attachments(db, max_bytes=1 * MB)
    with pytest.raises(FileTooLarge):
        files.add(number, public.id, "big.bin", None, b"\0" * (MB + 1))
    other = service.create(ANA, NewTicket("Printer", "Jams", "printers", "low"))[0].id
    with pytest.raises(InvalidInput):
        files.add(other, public.id, "x.txt", "text/plain", b"x")
    with pytest.raises(InvalidInput):
        files.add(number, public.id, "   ", "text/plain", b"x")
    with db.read() as s:
        assert s.scalars(select(TicketAttachment)).all() == []


def test_the_history_sheet_names_the_files_each_reader_may_see(db, ticket, tmp_path):
    _, number = ticket
    public, internal = notes(db, number)
    files = Attachments(db)
    files.add(number, public.id, "=cmd.exe.log", "text/plain", b"a")
    files.add(number, public.id, "screen.png", "image/png", b"b")
    files.add(number, internal.id, "firewall.txt", "text/plain", b"c")

    def history(scope: str) -> dict[str, str]:
        job = ExportJob(ExportScope.parse(scope), TicketFilter(), Translator("en"), "UTC", CATEGORIES)
        (tmp_path / scope.replace(":", "_")).mkdir()
        result = write_workbook(db, job, tmp_path / scope.replace(":", "_") / "x.xlsx")
        return {r["Note"]: r["Files"] for r in read_back(result.path).records("History") if r["Note"]}

    everything = history("all")
    assert everything["Send me the log"] == "=cmd.exe.log, screen.png"  # kept as text, never a formula
    assert everything["Their firewall is odd"] == "firewall.txt"
    reporters = history("reporter:U0REPORTER")
    assert reporters["Send me the log"] == "=cmd.exe.log, screen.png"
    assert "firewall.txt" not in reporters.values() and "Their firewall is odd" not in reporters
