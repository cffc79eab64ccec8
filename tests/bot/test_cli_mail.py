"""`ticketbot mail-in` as an MTA pipe runs it: a real process, the email on standard input, the
answer in its exit status (sysexits) and never a traceback."""

from __future__ import annotations

import email.policy
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_services
from bot.config_mail_in import DEFAULT_MAX_BYTES
from storage.models import TicketEvent
from tests.bot.email.conftest import ANA, new_ticket
from tests.bot.mail_in.conftest import fixture
from tests.processes import bot_env

TICKETBOT = Path(sys.executable).with_name("ticketbot")
DOWN = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2"  # nothing listens on 9


def mail_in(env: dict[str, str], raw: bytes, tmp_path) -> subprocess.CompletedProcess:
    command = [str(TICKETBOT)] if TICKETBOT.exists() else [sys.executable, "-m", "bot.cli"]
    return subprocess.run(
        [*command, "mail-in"], input=raw, env=env, cwd=tmp_path, capture_output=True, timeout=60, check=False
    )


@pytest.fixture
def tickets(settings, db):
    return build_services(settings, db).tickets


@pytest.fixture
def env(fake_slack, database_url) -> dict[str, str]:
    return bot_env(fake_slack, database_url, MAIL_FROM="helpdesk@example.com", MAIL_DOMAIN="example.com")


def comments(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(TicketEvent.note).where(TicketEvent.kind == "note")))


def test_a_reply_is_taken_once_and_exits_0(tickets, db, env, tmp_path):
    tickets.create(ANA, new_ticket("VPN drops"))
    done = mail_in(env, fixture("outlook_reply_en.eml"), tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert "taken: a comment on TKT-000001" in done.stderr.decode()
    again = mail_in(env, fixture("outlook_reply_en.eml"), tmp_path)
    assert again.returncode == 0 and "taken before" in again.stderr.decode()
    assert comments(db) == ["Hi Carlos,\n\nThe asset tag is LAP-4411. It’s the grey Dell on my desk."]


def test_robots_and_refusals_exit_0_and_are_logged(tickets, db, env, tmp_path):
    tickets.create(ANA, new_ticket("VPN drops"))
    robot = mail_in(env, fixture("auto_reply_ooo.eml"), tmp_path)
    assert robot.returncode == 0 and "ignored: Auto-Submitted: auto-replied" in robot.stderr.decode()
    big = mail_in({**env, "MAIL_MAX_BYTES": "10000"}, fixture("outlook_reply_en.eml") * 10, tmp_path)
    assert big.returncode == 0 and "over MAIL_MAX_BYTES" in big.stderr.decode()
    assert comments(db) == []


@pytest.mark.parametrize("name", ["garbage.eml"])
def test_what_is_not_an_email_exits_65(env, tmp_path, name):
    for raw in (fixture(name), b"no headers here, only words\n"):
        done = mail_in(env, raw, tmp_path)
        assert done.returncode == 65
        assert "not an email" in done.stderr.decode() and "Traceback" not in done.stderr.decode()


def test_a_database_that_cannot_be_reached_exits_75_so_the_mta_retries(env, tmp_path):
    done = mail_in({**env, "DATABASE_URL": DOWN}, fixture("outlook_reply_en.eml"), tmp_path)
    assert done.returncode == 75, done.stderr.decode()
    err = done.stderr.decode()
    assert "the database cannot be used" in err and "Traceback" not in err


def test_a_wrong_setting_exits_75_not_a_bounce(env, tmp_path):
    done = mail_in({**env, "MAIL_MAX_BYTES": "lots"}, fixture("outlook_reply_en.eml"), tmp_path)
    assert done.returncode == 75
    assert done.stderr.decode() == "ticketbot: MAIL_MAX_BYTES must be a whole number, not 'lots'\n"


def reply_with(attachment: bytes, filename: str, message_id: str) -> bytes:
    """Ana's reply to TKT-000001 with one file attached, as a mail client sends it (base64)."""
    message = EmailMessage()
    message["From"] = "Ana Gomez <ana@example.com>"
    message["To"] = "it@example.com"
    message["Subject"] = "Re: [TKT-000001] VPN drops - the full log"
    message["Message-ID"] = message_id
    message.set_content("The whole client log is attached.\n")
    message.add_attachment(attachment, maintype="application", subtype="octet-stream", filename=filename)
    return message.as_bytes(policy=email.policy.SMTP)


def test_a_25_mb_attachment_is_refused_cleanly_and_a_5_mb_one_is_kept(tickets, settings, db, env, tmp_path):
    ticket, _ = tickets.create(ANA, new_ticket("VPN drops"))
    attachments = build_services(settings, db).attachments
    log = bytes(range(256)) * 4096  # 1 MiB, not compressible to nothing
    huge = reply_with(log * 25, "vpnclient-full.log", "<huge-25mb@mail.example.com>")
    assert len(huge) > DEFAULT_MAX_BYTES  # base64 makes 25 MiB a third bigger
    done = mail_in(env, huge, tmp_path)  # MAIL_MAX_BYTES and FILE_MAX_MB as they come
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "mail refused" in err and "over MAIL_MAX_BYTES" in err and "Traceback" not in err
    assert comments(db) == [] and attachments.for_ticket(ticket.id, include_internal=True) == []

    done = mail_in(env, reply_with(log * 5, "vpnclient.log", "<five-mb@mail.example.com>"), tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert "taken: a comment on TKT-000001" in done.stderr.decode()
    assert comments(db) == ["The whole client log is attached."]
    [kept] = attachments.for_ticket(ticket.id, include_internal=True)
    assert (kept.filename, kept.size) == ("vpnclient.log", 5 * 1024 * 1024)
    assert attachments.data_of([kept.id])[kept.id] == log * 5
