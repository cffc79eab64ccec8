"""`ticketbot digest --now` / `ticketbot report --now` queue the rows; a second run finds them sent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.cli import main
from storage import outbox
from storage.domain import Actor
from storage.models import OutboxRow
from storage.tickets import NewTicket
from tests.conftest import TRIAGE

# Every digest test starts without scheduled runs, and so runs once per database backend.
pytestmark = pytest.mark.usefixtures("_fresh_runs")


def kinds(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(OutboxRow.kind).order_by(OutboxRow.id)))


def test_digest_and_report_now(cli_env, monkeypatch, db, capsys):
    monkeypatch.setenv("TRIAGE_CHANNEL_ID", TRIAGE)
    assert main(["digest"]) == 0 and "scheduled: 08:00 (UTC)" in capsys.readouterr().out
    assert main(["digest", "--now"]) == 0
    assert "daily digest queued" in capsys.readouterr().out
    assert main(["digest", "--now"]) == 0
    assert "already sent today" in capsys.readouterr().out
    assert kinds(db).count(outbox.SLACK_DIGEST) == 1

    assert main(["report", "--now"]) == 0 and "no tickets" in capsys.readouterr().out
    from bot.app import build_services
    from bot.config import load_settings

    build_services(load_settings(), db).tickets.create(
        Actor("U0REPORTER"), NewTicket("VPN", "x", "network", "high")
    )
    assert main(["report", "--now"]) == 0 and "weekly report queued" in capsys.readouterr().out
    assert kinds(db).count(outbox.SLACK_EXPORT) == 1
