"""The pure builders behind cards, modals and Home tabs, pushed to Block Kit's limits."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from handlers.blocks.actions import card_actions, engineer_label, rank_engineers, work_buttons
from handlers.blocks.detail import ticket_detail
from handlers.blocks.staff_home import admin_home, engineer_home
from handlers.blocks.work_modals import close_view, hold_view, note_view, notice_view
from handlers.home_state import HomeState
from handlers.i18n import Translator
from handlers.refs import TicketRef, parse_assign, parse_ref
from storage.dashboards import AdminCounters, EngineerCounters, Page
from storage.domain import Category
from storage.models import Ticket, TicketEvent
from storage.people import EngineerLoad
from tests.fakes.slack_api import block_problems, view_problems

NOW = datetime(2026, 3, 11, 12, tzinfo=timezone.utc)
CATEGORIES = (Category("network"), Category("other"))


def a_ticket(i: int = 1, status: str = "open", engineer: str | None = None, title: str = "VPN") -> Ticket:
    return Ticket(
        id=i,
        version=3,
        reporter_id="U0ANA",
        engineer_id=engineer,
        title=title,
        description="<!channel> " + "d" * 3000,
        category="network",
        priority="high",
        status=status,
        created_at=NOW,
        updated_at=NOW,
        closed_at=NOW if status == "closed" else None,
    )


def an_engineer(i: int, specialty: str = "Hardware", load: int = 0, available: bool = True) -> EngineerLoad:
    return EngineerLoad(
        f"U{i:04d}X", f"Engineer {i} " + "n" * 40, None, specialty, None, available, NOW, load
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_builder_stays_inside_block_kit_limits(language):
    tr = Translator(language)
    engineers = [an_engineer(i, "x" * 100, i) for i in range(150)]
    for status in ("open", "in_progress", "on_hold", "closed"):
        for audience in ("triage", "engineer", "reporter"):
            blocks = [b.to_dict() for b in card_actions(tr, a_ticket(status=status), audience, engineers)]
            assert block_problems(blocks, audience, 50) == []
    picker = card_actions(tr, a_ticket(), "triage", engineers)[0].to_dict()["elements"][0]
    assert len(picker["options"]) == 100
    long_title = a_ticket(title="t" * 150)
    for view in (
        hold_view(tr, long_title, "{}"),
        close_view(tr, long_title, "{}"),
        note_view(tr, long_title, "{}"),
        notice_view(tr, "x" * 2900),
    ):
        assert view_problems("views.open", view.to_dict()) == []

    notes = [
        TicketEvent(
            id=n,
            ticket_id=1,
            actor_id="U0C",
            kind="note",
            note="n" * 3000,
            visibility="internal",
            created_at=NOW,
        )
        for n in range(80)
    ]
    detail = ticket_detail(tr, a_ticket(status="closed", engineer="U0C"), notes, CATEGORIES)
    assert block_problems([b.to_dict() for b in detail.blocks], "detail", 50) == []

    page = Page([a_ticket(i, title="t" * 150) for i in range(1, 21)], 500, 3, 20)
    counters = AdminCounters(
        {"open": 1, "in_progress": 2, "on_hold": 3, "closed": 4},
        5,
        6,
        dict.fromkeys(("low", "medium", "high", "critical"), 7),
    )
    state = HomeState(status="open", priority="high", text="s" * 200, page=3)
    home = admin_home(tr, counters, page, state, engineers, lambda c: "x" * 100, '{"scope":"all"}').to_dict()
    assert view_problems("views.publish", home) == [] and len(home["blocks"]) <= 100
    mine = EngineerCounters(
        {"open": 1, "in_progress": 2, "on_hold": 3, "closed": 4},
        dict.fromkeys(("low", "medium", "high", "critical"), 1),
        NOW - timedelta(days=3),
        2,
    )
    queue = Page([a_ticket(i, status="on_hold", engineer="U0C") for i in range(1, 21)], 45, 0, 20)
    home = engineer_home(tr, mine, queue, HomeState(), '{"scope":"assigned"}', NOW).to_dict()
    assert view_problems("views.publish", home) == [] and len(home["blocks"]) <= 100


def test_the_matching_specialty_comes_first_then_the_least_loaded():
    engineers = [
        an_engineer(1, "Hardware y Impresoras", 0),
        an_engineer(2, "redes y servidores", 5),
        an_engineer(3, "Redes y Servidores", 2),
        an_engineer(4, "Redes y Servidores", 0, available=False),
    ]
    ranked = rank_engineers(engineers, "Redes y Servidores")
    assert [e.user_id for e in ranked] == ["U0003X", "U0002X", "U0001X"]  # the away one is left out
    assert rank_engineers(engineers, None)[0].user_id == "U0001X"


def test_picker_labels_read_like_the_seed():
    tr = Translator("en")
    carlos = EngineerLoad("U0C", "Carlos Pérez", None, "Redes y Servidores", None, True, NOW, 3)
    assert engineer_label(tr, carlos) == "Carlos Pérez — Redes y Servidores · 3 open"
    long = engineer_label(tr, an_engineer(1, "s" * 100, 12))
    assert len(long) <= 75 and long.endswith("… · 12 open")


def test_only_legal_moves_are_offered():
    tr = Translator("en")
    offered = {
        s: [b.action_id for b in work_buttons(tr, a_ticket(status=s))]
        for s in ("open", "in_progress", "on_hold", "closed")
    }
    assert offered == {
        "open": ["ticket_start", "ticket_hold", "ticket_close", "ticket_note"],
        "in_progress": ["ticket_hold", "ticket_close", "ticket_note"],
        "on_hold": ["ticket_start", "ticket_close", "ticket_note"],
        "closed": ["ticket_note"],
    }
    assert {b.value for b in work_buttons(tr, a_ticket())} == {"1:3"}


def test_values_round_trip_and_forgeries_are_refused():
    assert parse_ref("42:7") == TicketRef(42, 7) and TicketRef(42, 7).value == "42:7"
    assert parse_assign("42:7:U0CARLOS") == (TicketRef(42, 7), "U0CARLOS")
    for forged in (None, "", "42", "42:", ":7", "x:7", "42:7:8", "1" * 13 + ":1"):
        assert parse_ref(forged) is None, forged
    for forged in ("42:7", "42:7:<@U1>", "42:x:U1", "42:7:" + "U" * 40):
        assert parse_assign(forged) is None, forged


def test_home_state_survives_slack_and_rejects_nonsense():
    state = HomeState(status="on_hold", priority="low", text="vpn", page=2)
    assert HomeState.from_metadata(state.metadata()) == state
    assert HomeState.from_metadata('{"s": "deleted", "p": "p0", "n": -4, "q": 5}') == HomeState(text="5")
    assert HomeState.from_metadata("not json") == HomeState() == HomeState.from_metadata(None)
    assert HomeState.from_metadata('{"n": "x"}') == HomeState()
