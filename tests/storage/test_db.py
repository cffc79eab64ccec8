"""The PostgreSQL pool: a connection the server ended is replaced before use; a healthy one is used
without a round trip first."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, text

from storage import db as storage_db
from storage.db import Database


@pytest.fixture
def pg(database_url: str):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's pool only (SQLite has no server to lose)")
    db = Database.from_url(database_url, pool_size=1, max_overflow=0)
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    yield db, admin
    db.dispose()
    admin.dispose()


def sent_over_the_wire(db: Database, folder, work: Callable[[], None]) -> list[str]:
    """The queries `work()` sends on the pool's one connection, from libpq's protocol trace."""
    with db.engine.connect() as conn:
        wire = conn.connection.dbapi_connection.pgconn
    with (folder / "trace").open("w+b") as trace:
        wire.trace(trace.fileno())
        work()
        wire.untrace()
        trace.seek(0)
        lines = trace.read().decode().splitlines()
    return [line.split("\t")[4].strip() for line in lines if line.split("\t")[1:2] == ["F"]]


def run(db: Database, statement: str) -> None:
    with db.transaction() as session:
        session.execute(text(statement))


def backend(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(text("SELECT pg_backend_pid()"))


def test_a_connection_the_server_ended_is_replaced_unnoticed(pg):
    db, admin = pg
    first = backend(db)
    with admin.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        deadline = time.monotonic() + 10
        gone = "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"
        while conn.scalar(text(gone), {"pid": first}):
            assert time.monotonic() < deadline, "the backend did not end"
            time.sleep(0.02)
    second = backend(db)  # no error: the pool saw the dead connection and made a new one
    assert second != first
    assert backend(db) == second  # and keeps it


def test_a_healthy_connection_is_used_without_a_ping_first(pg, tmp_path):
    """Each transaction goes over the wire as it is, with nothing before it."""
    db, _ = pg
    backend(db)  # the pool's one connection, used just now

    def twice() -> None:
        run(db, "SELECT 42")
        run(db, "SELECT 42")

    assert sent_over_the_wire(db, tmp_path, twice) == ['"BEGIN"', '"SELECT 42"', '"COMMIT"'] * 2


def test_a_single_statement_goes_alone(pg, tmp_path):
    """No BEGIN or COMMIT around a write that is atomic by itself (storing a card's ts)."""
    db, _ = pg
    update = "UPDATE users SET name = name WHERE slack_id = 'nobody'"

    def work() -> None:
        with db.single_statement() as connection:
            connection.execute(text(update))
        run(db, "SELECT 42")  # and the next transaction is a transaction again

    sent = sent_over_the_wire(db, tmp_path, work)
    assert sent[0] == f'"{update}"'
    assert sent[1].startswith('"BEGIN') and sent[2:] == ['"SELECT 42"', '"COMMIT"']


def test_a_connection_idle_for_long_is_pinged_first(pg, tmp_path, monkeypatch):
    """A firewall may drop an idle connection without a word: past the idle limit, ping it."""
    db, _ = pg
    backend(db)
    monkeypatch.setattr(storage_db, "PING_IDLE_SECONDS", 0.0)
    sent = sent_over_the_wire(db, tmp_path, lambda: run(db, "SELECT 42"))
    assert sent[-3:] == ['"BEGIN"', '"SELECT 42"', '"COMMIT"']
    assert '"SELECT 1"' in sent[:-3]
