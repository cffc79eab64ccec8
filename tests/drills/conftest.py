"""Drills run only when asked: `TICKETBOT_DRILLS=1 pytest tests/drills -n 0 -s`."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from storage.db import Database
from storage.migrate import upgrade

DRILLS = os.environ.get("TICKETBOT_DRILLS") == "1"
# Every drill module: `pytestmark = only_as_a_drill` (the default suite and CI skip them).
only_as_a_drill = pytest.mark.skipif(
    not DRILLS, reason="a drill: set TICKETBOT_DRILLS=1 to run it (minutes; it disturbs shared services)"
)


def fresh_postgres_database(base_url: str, name: str) -> Iterator[str]:
    """A database of the drill's own (created, migrated, dropped), next to TEST_DATABASE_URL's."""
    # pre_ping: a drill may restart the server between setup and teardown.
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base_url.rsplit("/", 1)[0] + "/" + name
    db = Database.from_url(url)
    upgrade(db.engine)
    db.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
