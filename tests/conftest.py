"""Fixtures that play Slack: real databases, a fake Slack Web API over HTTP, signed requests."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.app import Runtime, build
from bot.config import load_settings
from bot.http import make_http_server
from storage.db import Database
from storage.migrate import upgrade
from tests.fakes.dovecot import Dovecot, dovecot_binary
from tests.fakes.slack_api import FakeSlack
from tests.fakes.smtp import FakeSMTP
from tests.slack_requests import SlackRequests

# The digest data set's fixtures, for the digest tests that now sit in bot/, handlers/ and storage/.
pytest_plugins = ["tests.digest_data"]

SIGNING_SECRET = "test-signing-secret"
TRIAGE = "C0TRIAGE"
ADMIN = "U0ADMIN"
REPORTER = "U0REPORTER"
TABLES = (
    "ticket_attachments",
    "inbound_mail",
    "incident_exclusions",
    "known_fixes",
    "burst_suggestions",
    "relayed_messages",
    "incident_events",
    "ticket_events",
    "outbox",
    "tickets",
    "incidents",
    "engineers",
    "users",
    "slack_pace",
    "triage_listings",
)
PG_URL = os.environ.get("TEST_DATABASE_URL")


def _pg_url() -> str:
    url = PG_URL or ""
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@pytest.fixture(autouse=True, scope="session")
def _no_proxy() -> Iterator[None]:
    """slack_sdk sends even 127.0.0.1 traffic through HTTP(S)_PROXY when set: drop it."""
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.lower() in ("http_proxy", "https_proxy")}
    yield
    os.environ.update(saved)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """Migrated once per test process; each test gets a copy (fast, and isolated)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database.from_url(f"sqlite:///{path}")
    upgrade(db.engine)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database(worker_id: str) -> Iterator[str]:
    """One database per xdist worker, migrated once; tables are emptied before each test."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    base = _pg_url()
    # One name per checkout and worker: two checkouts testing at once must not share a database.
    checkout = hashlib.sha1(str(Path(__file__).resolve()).encode()).hexdigest()[:8]
    name = f"ticketbot_test_{checkout}_{worker_id}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    db = Database.from_url(url)
    upgrade(db.engine)
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "ticketbot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.from_url(database_url)
    yield database
    database.dispose()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    fake.start()
    fake.add_user(REPORTER, "ana", "Ana Gómez", email="ana@example.com")
    fake.add_user(ADMIN, "admin", "Alex Admin", email="admin@example.com")
    fake.add_user("U0CARLOS", "carlos", "Carlos Pérez", email="carlos@example.com")
    fake.add_user("U0MARIA", "maria", "María López", email="maria@example.com")
    fake.add_user("U0JORGE", "jorge", "Jorge Ruiz", email=None)
    yield fake
    fake.stop()
    assert fake.violations == [], "the app sent Slack something Slack would reject"


@pytest.fixture
def smtp() -> Iterator[FakeSMTP]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it is sent."""
    server = FakeSMTP()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """A real IMAP server (a private Dovecot on 127.0.0.1, IMAPS and STARTTLS) with one mailbox."""
    if dovecot_binary() is None:
        pytest.skip("dovecot is not installed (Debian: apt-get install dovecot-imapd): IMAP tests skipped")
    server = Dovecot()
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def language() -> str:
    return "en"


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str, language: str):
    return load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake_slack.base_url,
            "DATABASE_URL": database_url,
            "SLACK_PACING": "false",  # fast: tests of pacing turn it on (tests/bot/pacing)
            # Many tests file a run of look-alike tickets ("t0", "t1"…): no burst suggestion
            # among their messages. Tests of bursts turn it on (tests/handlers/test_bursts.py).
            "SIMILAR_BURST_COUNT": "0",
            "TRIAGE_CHANNEL_ID": TRIAGE,
            "ADMIN_USER_IDS": ADMIN,
            "BOT_LANGUAGE": language,
        },
        dotenv=False,
    )


@pytest.fixture
def cli_env(monkeypatch, tmp_path, fake_slack, database_url):
    """The environment `ticketbot` commands see: a clean working directory, the fake Slack."""
    monkeypatch.chdir(tmp_path)  # no stray .env from the checkout
    for name in list(os.environ):
        if name.startswith(("SLACK_", "TRIAGE_", "ADMIN_", "BOT_", "DATABASE_", "SMTP_", "MAIL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-cli")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.base_url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_PACING", "false")
    monkeypatch.setenv("SIMILAR_BURST_COUNT", "0")
    return tmp_path


@dataclass
class Harness:
    """The running app as Slack sees it, and what tests need to look behind it."""

    runtime: Runtime
    fake: FakeSlack
    slack: SlackRequests
    url: str

    @property
    def services(self):
        return self.runtime.services

    @property
    def db(self) -> Database:
        return self.runtime.db


@pytest.fixture
def harness(settings, db: Database, fake_slack: FakeSlack) -> Iterator[Harness]:
    yield from _harness(settings, db, fake_slack)


def _harness(settings, db: Database, fake_slack: FakeSlack) -> Iterator[Harness]:
    runtime = build(settings, db)
    runtime.start_background()
    server = make_http_server(runtime, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    slack = SlackRequests(
        f"{base}/slack/events", SIGNING_SECRET, fake_slack.response_url("command"), fake_slack.issue_trigger
    )
    try:
        yield Harness(runtime, fake_slack, slack, base)
    finally:
        server.shutdown()
        server.server_close()
        runtime.stop()


@pytest.fixture
def harness_es(settings, db: Database, fake_slack: FakeSlack) -> Iterator[Harness]:
    yield from _harness(replace(settings, language="es"), db, fake_slack)
