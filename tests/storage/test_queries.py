"""The shared ticket filter: statuses, priorities, scope, text (number, reporter, words), paging."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from handlers.filters import FilterError, parse_filter
from storage.domain import Actor
from storage.people import People, Profile
from storage.queries import QUEUE, TicketFilter, count, search, stream
from storage.roles import Roles
from storage.tickets import NewTicket, TicketService


@pytest.fixture
def filled(db):
    people = People(db)
    people.remember(Profile("U0REPORTER", "ana", "Ana Gómez"))
    people.remember(Profile("U0BEN", "ben", "Ben Ortiz"))
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez"), "Redes y Servidores")
    service = TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=("hardware", "software", "other"))
    specs = [
        ("U0REPORTER", "Printer 100% jammed", "hardware", "low"),
        ("U0REPORTER", "VPN drops", "software", "critical"),
        ("U0BEN", "Monitor flickers", "hardware", "high"),
        ("U0BEN", "Need Excel licence", "software", "medium"),
    ]
    ids = [service.create(Actor(r), NewTicket(t, f"about {t.lower()}", c, p))[0].id for r, t, c, p in specs]
    service.assign(ids[1], "U0CARLOS", Actor("U0ADMIN"))
    return service, ids


def titles(db, flt, **kw):
    with db.read() as s:
        return [t.title for t in search(s, flt, **kw)]


def test_filters_combine(db, filled):
    assert titles(db, TicketFilter()) == [
        "Need Excel licence",
        "Monitor flickers",
        "VPN drops",
        "Printer 100% jammed",
    ]
    assert titles(db, TicketFilter(priorities=("critical", "high"))) == ["Monitor flickers", "VPN drops"]
    assert titles(db, TicketFilter(reporter_id="U0BEN", statuses=("open",))) == [
        "Need Excel licence",
        "Monitor flickers",
    ]
    assert titles(db, TicketFilter(engineer_id="U0CARLOS")) == ["VPN drops"]
    assert len(titles(db, TicketFilter(unassigned=True))) == 3
    assert titles(db, TicketFilter(), order=QUEUE)[0] == "VPN drops"
    assert titles(db, TicketFilter(), offset=1, limit=2) == ["Monitor flickers", "VPN drops"]


def test_text_search_by_number_reporter_and_words(db, filled):
    assert titles(db, TicketFilter(text="TKT-000003")) == ["Monitor flickers"]
    assert titles(db, TicketFilter(text="ben")) == ["Need Excel licence", "Monitor flickers"]
    assert titles(db, TicketFilter(text="gómez vpn")) == ["VPN drops"]
    assert titles(db, TicketFilter(text="100%")) == ["Printer 100% jammed"]
    assert titles(db, TicketFilter(text="_")) == []  # LIKE wildcards are literal
    with db.read() as s:
        assert count(s, TicketFilter(text="excel")) == 1
        assert next(t.title for t in stream(s, TicketFilter(), chunk=3)) == "Printer 100% jammed"
        assert len(list(stream(s, TicketFilter(), chunk=3))) == 4


def test_parse_filter_in_both_languages():
    f = parse_filter("abierto Alta vpn since:2026-01-02")
    assert f.statuses == ("open",) and f.priorities == ("high",) and f.text == "vpn"
    assert f.since == datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert parse_filter("en espera crítica").statuses == ("on_hold",)
    assert parse_filter("en espera crítica").priorities == ("critical",)
    assert parse_filter("in progress status:closed").statuses == ("in_progress", "closed")
    assert parse_filter("prioridad:baja estado:cerrado").priorities == ("low",)
    base = TicketFilter(reporter_id="U1")
    assert parse_filter("printer", base).reporter_id == "U1"
    for bad in ("status:nope", "priority:p9", "since:yesterday"):
        with pytest.raises(FilterError):
            parse_filter(bad)
