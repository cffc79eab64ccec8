"""A known data set for digests, and a clock that is wherever the test says.

Shared by the digest tests of bot/, handlers/ and storage/; tests/conftest.py loads it as a
plugin for its fixtures, and each of those modules asks for ``_fresh_runs`` with
``pytestmark`` (it was an autouse fixture of their old common folder).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select, update

from storage.domain import Actor
from storage.models import ScheduledRun, Ticket
from storage.people import Profile
from storage.tickets import NewTicket
from tests.conftest import ADMIN, REPORTER, _harness
from tests.waiting import wait_until

ZONE = "America/Bogota"  # UTC-5 all year: local days differ from UTC days, no DST to blur them
BOGOTA = ZoneInfo(ZONE)
NOW = datetime(2026, 3, 10, 8, 0, tzinfo=BOGOTA).astimezone(timezone.utc)  # a Tuesday, 08:00 local
CARLOS, MARIA = "U0CARLOS", "U0MARIA"


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=BOGOTA)


@pytest.fixture
def _fresh_runs(db) -> None:
    """scheduled_runs is not among the tables conftest empties between PostgreSQL tests."""
    with db.transaction() as session:
        session.execute(delete(ScheduledRun))


@pytest.fixture
def digest_settings(settings):
    return replace(settings, timezone=ZONE)


@pytest.fixture
def dh(digest_settings, db, fake_slack) -> Iterator:
    yield from _harness(digest_settings, db, fake_slack)


# Title → (created, priority, engineer, status, closed_at, warn, due, paused)
H = timedelta(hours=1)
DATA = {
    "A VPN down": (local(9, 10), "critical", None, "open", None, NOW - 3 * H, NOW - H, None),
    "B Laptop slow": (local(9, 23, 30), "high", CARLOS, "open", None, NOW - H, NOW + 2 * H, None),
    "C New mouse": (local(10, 0, 30), "medium", CARLOS, "in_progress", None, NOW + H, NOW + 9 * H, None),
    "D Printer jam": (local(8, 9), "low", MARIA, "closed", local(9, 12), NOW + H, NOW + 9 * H, local(9, 12)),
    "E Old request": (local(1, 9), "low", MARIA, "closed", local(10, 6), NOW + H, NOW + 9 * H, local(10, 6)),
    "F Badge broken": (local(2, 9), "low", None, "on_hold", None, NOW - 50 * H, NOW - 40 * H, NOW - 39 * H),
    "G Monitor": (local(5, 9), "medium", MARIA, "on_hold", None, NOW - 5 * H, NOW + H, NOW - 6 * H),
    "H Wifi guest": (local(8, 23), "high", MARIA, "open", None, None, None, None),
}
NUMBER = {title: i + 1 for i, title in enumerate(DATA)}


def seed(h) -> None:
    """Eight tickets with known dates, owners and due times (see DATA), at the clock NOW."""
    people, tickets = h.services.people, h.services.tickets
    people.remember(Profile(REPORTER, "ana", "Ana Gómez", "ana@example.com"))
    people.remember(Profile(ADMIN, "admin", "Alex Admin", "admin@example.com"))
    people.add_engineer(Profile(CARLOS, "carlos", "Carlos Pérez", "carlos@example.com"), "Redes")
    people.add_engineer(Profile(MARIA, "maria", "María López", "maria@example.com"), "Hardware")
    for title, (created, priority, engineer, status, closed, warn, due, paused) in DATA.items():
        ticket_id = tickets.create(Actor(REPORTER), NewTicket(title, "details", "hardware", priority))[0].id
        with h.db.transaction() as session:  # the clock of the data set, not of the test run
            session.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id)
                .values(
                    created_at=created,
                    engineer_id=engineer,
                    status=status,
                    closed_at=closed,
                    resolution_warn_at=warn,
                    resolution_due_at=due,
                    sla_paused_at=paused,
                )
            )
    with_cards = select(func.count()).select_from(Ticket).where(Ticket.triage_ts.is_not(None))
    wait_until(lambda: _count(h, with_cards) == len(DATA), 10, "every triage card posted")


def _count(h, query) -> int:
    with h.db.read() as session:
        return session.scalar(query)
