"""Email in: the app wired to a real SMTP server (tests/bot/email's fixtures) and the fake Slack,
delivering only when a test drains it; mail fixtures from tests/data/mail."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import web_client
from bot.mail_in import MailIn
from tests.bot.email.conftest import mail_settings, runtime  # noqa: F401 (fixtures)

MAIL = Path(__file__).resolve().parents[2] / "data" / "mail"


def fixture(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def slack_of(settings):
    """What MailIn is given to ask Slack (`users.lookupByEmail`): a client of the fake Slack."""
    return lambda: web_client(settings, retries=False)


@pytest.fixture
def mail_in(runtime):  # noqa: F811 (the fixture imported above)
    return MailIn(runtime.services, runtime.settings, slack_of(runtime.settings))
