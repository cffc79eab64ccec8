"""`ticketbot outbox list [--dead]` and `ticketbot outbox retry <id>… | --all-dead`."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from bot.cli import main
from storage import outbox
from storage.models import OutboxRow
from tests.processes import ROOT


@pytest.fixture
def cli(cli_env, capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def dead_rows(db, count: int) -> list[int]:
    ids = []
    with db.transaction() as session:
        for n in range(count):
            payload = {"ticket_id": 42, "template": "new_ticket", "to": {"address": f"it{n}@example.com"}}
            row = outbox.enqueue(session, "email.message", payload, f"email:42:{n}")
            session.flush()
            ids.append(row.id)
    for row_id in ids:
        (claimed,) = [c for c in outbox.claim(db, "w", limit=1) if c.id == row_id]
        outbox.fail(
            db,
            claimed.id,
            "w",
            "permanent: recipient refused: 550 no such user",
            max_attempts=43,
            permanent=True,
        )
    return ids


def test_list_shows_dead_rows_with_their_reason(cli, db):
    first, second = dead_rows(db, 2)
    code, out, _ = cli("outbox", "list", "--dead")
    assert code == 0 and "about 24.1 h of retries" in out
    line = next(line for line in out.splitlines() if line.strip().startswith(str(first)))
    for part in ("email.message", "dead", "TKT-000042 new_ticket → it0@example.com", "550 no such user"):
        assert part in line
    assert str(second) in out


def test_retry_one_row_then_all_dead(cli, db):
    first, *_ = dead_rows(db, 3)
    code, out, _ = cli("outbox", "retry", str(first))
    assert code == 0 and "requeued 1 row(s)" in out
    with db.read() as s:
        row = s.get(OutboxRow, first)
        assert (row.state, row.attempts) == ("pending", 0)
    code, out, _ = cli("outbox", "retry", "--all-dead")
    assert code == 0 and "requeued 2 dead row(s)" in out
    assert cli("outbox", "list", "--dead")[1].endswith("no dead rows\n")


def test_retry_refuses_rows_that_are_not_dead_in_one_line(cli, db):
    (dead,) = dead_rows(db, 1)
    code, _, err = cli("outbox", "retry", str(dead), "999999")
    assert code == 2 and err.startswith("ticketbot: requeued 1 of 2 row(s)") and err.count("\n") == 1
    code, _, err = cli("outbox", "retry")
    assert code == 2 and "--all-dead" in err


def test_retry_under_python_dash_m_is_one_line_too(cli_env, database_url):
    """`python -m bot.cli` runs cli.py as `__main__`: the command modules must raise the very
    CliError class its `main` catches, not one of a second copy of `bot.cli`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "outbox", "retry", "999999"],
        cwd=cli_env,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    # Alembic's INFO lines (migrations at start) are log records; whatever else is the error.
    said = [line for line in done.stderr.splitlines() if not re.match(r"\d{4}-\d\d-\d\d \d\d:", line)]
    assert len(said) == 1 and said[0].startswith("ticketbot: requeued 0 of 1 row(s)"), done.stderr
