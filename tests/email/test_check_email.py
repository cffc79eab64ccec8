"""`ticketbot check` says which email backend is active, and whether the SMTP server answers."""

from __future__ import annotations

from bot.check import check_email
from bot.config import load_settings
from tests.fakes.smtp import FakeSMTP
from tests.processes import free_port


def test_console_backend_when_smtp_host_is_unset():
    (result,) = check_email(load_settings({}, dotenv=False), {})
    assert result.ok and "console backend" in result.line()


def test_smtp_server_that_answers_and_one_that_is_down(smtp: FakeSMTP):
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "MAIL_FROM": "helpdesk@example.com"}
    (up,) = check_email(load_settings(env, dotenv=False), {})
    assert up.ok and f"127.0.0.1:{smtp.port} answers" in up.line()
    env["SMTP_PORT"] = str(free_port())  # nothing listens there
    (down,) = check_email(load_settings(env, dotenv=False), {})
    assert not down.ok and down.line().startswith("✘ email: SMTP at 127.0.0.1:")
