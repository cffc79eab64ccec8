"""`ticketbot export`: the same workbook from the command line, with a progress bar on stderr."""

from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.cli_export import ProgressBar
from storage.domain import Actor
from storage.people import People, Profile
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService
from tests.exports.readback import read_back


@pytest.fixture
def filled(db, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TIMEZONE", "Europe/Madrid")
    monkeypatch.delenv("BOT_LANGUAGE", raising=False)
    People(db).add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes")
    service = TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=("hardware", "software", "other"))
    for i, (reporter, priority) in enumerate([("U0ANA", "high"), ("U0ANA", "low"), ("U0BEN", "high")]):
        ticket = service.create(Actor(reporter), NewTicket(f"Problem {i}", "d", "other", priority))[0]
        if reporter == "U0BEN":
            service.assign(ticket.id, "U0CARLOS", Actor("U0ADMIN"))


def test_export_writes_the_workbook_with_a_progress_bar(filled, tmp_path, capsys):
    out = tmp_path / "all.xlsx"
    assert (
        main(["export", "--scope", "all", "--priority", "high", "--status", "open", "--out", str(out)]) == 0
    )
    captured = capsys.readouterr()
    assert "wrote 2 tickets and 3 history rows" in captured.out
    assert "exporting [" in captured.err and "100% 2/2 tickets" in captured.err
    book = read_back(out)
    assert [t["Title"] for t in book.records("Tickets")] == ["Problem 0", "Problem 2"]
    summary = {row[0]: row[1] for row in book.rows("Summary") if row and row[0]}
    assert summary["Time zone"] == "Europe/Madrid" and summary["Filter"] == "Open, High"


def test_engineer_and_reporter_scopes(filled, tmp_path, capsys):
    out = tmp_path / "carlos.xlsx"
    assert main(["export", "--scope", "engineer:<@U0CARLOS>", "--out", str(out)]) == 0
    assert [t["Title"] for t in read_back(out).records("Tickets")] == ["Problem 2"]
    assert main(["export", "--scope", "reporter:U0ANA", "--since", "2020-01-01", "--out", str(out)]) == 0
    book = read_back(out)
    assert [t["Title"] for t in book.records("Tickets")] == ["Problem 0", "Problem 1"]
    assert "Internal notes" not in book.rows("Tickets")[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "everyone"], "--scope: 'everyone' is not all, engineer:<user id> or reporter:<user id>"),
        (["--scope", "engineer:carlos"], "--scope: 'carlos' is not a Slack user id"),
        (
            ["--scope", "all", "--status", "done"],
            "--status 'done' is not open, in_progress, on_hold or closed",
        ),
        (["--scope", "all", "--priority", "p1"], "--priority 'p1' is not low, medium, high or critical"),
        (["--scope", "all", "--since", "yesterday"], "--since 'yesterday' is not a date like 2026-01-31"),
    ],
)
def test_bad_arguments_are_one_line_and_write_nothing(filled, tmp_path, capsys, args, message):
    out = tmp_path / "x.xlsx"
    assert main(["export", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ticketbot: {message}") and err.count("\n") == 1
    assert not out.exists()


def test_the_progress_bar_redraws_on_a_terminal_and_prints_tenths_elsewhere():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        bar = ProgressBar(stream, width=10)
        for done in (0, 5, 5, 50, 95, 100):
            bar(done, 100)
        bar.finish()
    assert terminal.getvalue().count("\r") == 5 and terminal.getvalue().endswith("100% 100/100 tickets\n")
    assert pipe.getvalue().splitlines() == [
        "exporting [..........]   0% 0/100 tickets",
        "exporting [#####.....]  50% 50/100 tickets",
        "exporting [#########.]  95% 95/100 tickets",
        "exporting [##########] 100% 100/100 tickets",
    ]
