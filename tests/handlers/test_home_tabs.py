"""The Home tab by role, drawn over HTTP: counters, filters, search, paging (500 tickets), the
assign picker on unassigned results, the engineer's queue with its buttons, Export buttons."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import timedelta

from storage.domain import Priority, Status
from storage.models import Ticket, utcnow
from storage.people import Profile
from tests.conftest import ADMIN, REPORTER
from tests.handlers.kit import (
    CARLOS,
    MARIA,
    click_home,
    events,
    option_for,
    staff,
    submit_view,
    text_value,
    ticket,
)

STATUSES = [s.value for s in Status]
PRIORITIES = [p.value for p in Priority]


def mix(count: int) -> list[tuple[str, str]]:
    """(status, priority) of each bulk ticket: every combination in turn."""
    return list(itertools.islice(itertools.cycle(itertools.product(STATUSES, PRIORITIES)), count))


def bulk(h, count: int, engineer: str | None = None, status: str | None = None) -> None:
    """Tickets straight into the database (no cards to deliver): the Home tab only reads them.
    Ticket i was filed `count - i` hours ago; without `engineer`, only open ones are unassigned."""
    h.services.people.remember(Profile(REPORTER, "ana", "Ana Gómez"))
    now = utcnow()
    with h.db.transaction() as session:
        for i, (st, pr) in enumerate(mix(count)):
            st = status or st
            filed_at = now - timedelta(hours=count - i)
            session.add(
                Ticket(
                    reporter_id=REPORTER,
                    engineer_id=engineer or (None if st == "open" else CARLOS),
                    title="Broken projector" if i == 7 else f"Issue {i}",
                    description="details",
                    category="hardware",
                    priority=pr,
                    status=st,
                    created_at=filed_at,
                    updated_at=filed_at,
                    closed_at=now if st == "closed" else None,
                )
            )


def published(h, user: str, count: int) -> dict:
    call = h.fake.wait_for("views.publish", lambda c: c.params["user_id"] == user, count=count)[-1]
    view = call.params["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def texts(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False)


def export_filter(view: dict) -> dict:
    button = next(
        e
        for block in view["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
        if e["action_id"] == "export_excel"
    )
    return json.loads(button["value"])


def counter(label: str, figure: object) -> str:
    return json.dumps(f"*{label}*\n{figure}", ensure_ascii=False)[1:-1]


def test_admin_home_with_500_tickets_pages_filters_and_searches(harness):
    h = harness
    staff(h)
    bulk(h, 500)
    h.slack.home_opened(ADMIN)
    view = published(h, ADMIN, 1)
    shown = texts(view)
    by_status = Counter(st for st, _ in mix(500))
    not_closed = Counter(pr for st, pr in mix(500) if st != "closed")
    assert counter("Open", by_status["open"]) in shown
    assert counter("In progress", by_status["in_progress"]) in shown
    assert counter("On hold", by_status["on_hold"]) in shown
    assert counter("Closed today", by_status["closed"]) in shown
    assert counter("Unassigned", by_status["open"]) in shown
    assert f":red_circle: Critical: *{not_closed['critical']}*" in shown
    assert "Showing 1–20 of 500" in shown and "home_next" in shown and "home_previous" not in shown
    assert json.loads(view["private_metadata"]) == {"s": "", "p": "", "q": "", "n": 0}
    assert export_filter(view) == {"scope": "all"}

    click_home(h.slack, "home_next", user=ADMIN, metadata=view["private_metadata"], value="next")
    view = published(h, ADMIN, 2)
    assert "Showing 21–40 of 500" in texts(view) and "home_previous" in texts(view)

    click_home(h.slack, "home_status", user=ADMIN, metadata=view["private_metadata"], selected="on_hold")
    view = published(h, ADMIN, 3)
    assert f"Showing 1–20 of {by_status['on_hold']}" in texts(view)
    assert json.loads(view["private_metadata"])["s"] == "on_hold"
    assert export_filter(view) == {"statuses": ["on_hold"], "scope": "all"}

    click_home(h.slack, "home_priority", user=ADMIN, metadata=view["private_metadata"], selected="critical")
    view = published(h, ADMIN, 4)
    assert f"Showing 1–20 of {mix(500).count(('on_hold', 'critical'))}" in texts(view)

    click_home(h.slack, "home_search", user=ADMIN, metadata="{}", typed="projector")
    view = published(h, ADMIN, 5)
    assert "Showing 1–1 of 1" in texts(view) and "Broken projector" in texts(view)
    assert export_filter(view) == {"text": "projector", "scope": "all"}
    click_home(h.slack, "home_search", user=ADMIN, metadata="{}", typed="TKT-000042")
    assert "Issue 41" in texts(published(h, ADMIN, 6))

    # Way past the last page (tickets closed meanwhile): the last page, not an empty one.
    click_home(h.slack, "home_next", user=ADMIN, metadata=json.dumps({"n": 40}), value="next")
    view = published(h, ADMIN, 7)
    assert "Showing 481–500 of 500" in texts(view) and "home_next" not in texts(view)
    click_home(h.slack, "home_clear", user=ADMIN, metadata=view["private_metadata"], value="clear")
    assert "Showing 1–20 of 500" in texts(published(h, ADMIN, 8))


def test_admin_assigns_from_the_home_tab(harness):
    h = harness
    staff(h)
    bulk(h, 8, status="open")
    h.slack.home_opened(ADMIN)
    view = published(h, ADMIN, 1)
    pickers = [
        b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == "ticket_assign"
    ]
    assert len(pickers) == 8  # every result is unassigned
    # Hardware tickets: the hardware specialist first.
    assert pickers[0]["options"][0]["text"]["text"].startswith("María López — Hardware y Impresoras")
    value = option_for(pickers[0], CARLOS)
    ticket_id = int(value.split(":")[0])
    click_home(h.slack, "ticket_assign", user=ADMIN, metadata=view["private_metadata"], selected=value)
    view = published(h, ADMIN, 2)
    assert ticket(h.db, ticket_id).engineer_id == CARLOS
    assert sum(1 for b in view["blocks"] if b.get("accessory")) == 7

    # A non-admin's pick from a Home tab gets the refusal in a modal.
    click_home(h.slack, "ticket_assign", user=MARIA, metadata="", selected=value.replace(CARLOS, MARIA))
    notice = h.fake.wait_for("views.open")[0].params["view"]
    assert "Only admins can assign tickets" in texts(notice)
    assert ticket(h.db, ticket_id).engineer_id == CARLOS


def test_engineer_home_is_a_queue_by_priority_then_age_with_buttons(harness):
    h = harness
    staff(h)
    bulk(h, 120, engineer=CARLOS)
    h.slack.home_opened(CARLOS)
    view = published(h, CARLOS, 1)
    shown = texts(view)
    by_status = Counter(st for st, _ in mix(120))
    assert counter("Open", by_status["open"]) in shown
    assert counter("In progress", by_status["in_progress"]) in shown
    assert counter("On hold", by_status["on_hold"]) in shown
    assert counter("Closed this week", by_status["closed"]) in shown
    assert counter("Oldest open", "5 days") in shown  # ticket 0, filed 120 hours ago
    assert f"Showing 1–20 of {120 - by_status['closed']}" in shown  # closed ones are not in the queue
    assert export_filter(view) == {"statuses": ["open", "in_progress", "on_hold"], "scope": "assigned"}

    lines = [b["text"]["text"] for b in view["blocks"] if b.get("block_id", "").startswith("t")]
    assert all(":red_circle: Critical" in line for line in lines)  # over 20 critical: page 1 is all critical
    assert lines[0].startswith("`TKT-000004` Issue 3")  # the oldest critical one first
    buttons = [b["elements"] for b in view["blocks"] if b.get("block_id", "").startswith("w")]
    assert len(buttons) == 20
    assert [e["action_id"] for e in buttons[0]] == [
        "ticket_start",
        "ticket_hold",
        "ticket_close",
        "ticket_note",
    ]
    held = next(
        b for b in buttons if b[0]["action_id"] == "ticket_start" and b[1]["action_id"] == "ticket_close"
    )
    assert [e["action_id"] for e in held] == ["ticket_start", "ticket_close", "ticket_note"]  # on hold

    start = buttons[0][0]["value"]
    ticket_id = int(start.split(":")[0])
    click_home(h.slack, "ticket_start", user=CARLOS, metadata=view["private_metadata"], value=start)
    published(h, CARLOS, 2)  # the tab is redrawn after the change
    assert ticket(h.db, ticket_id).status == "in_progress"
    assert [e.kind for e in events(h.db, ticket_id)] == ["status"]

    # "On hold" from the tab opens its modal, which remembers the tab to redraw it after.
    hold = buttons[1][1]["value"]
    click_home(h.slack, "ticket_hold", user=CARLOS, metadata=view["private_metadata"], value=hold)
    modal = h.fake.wait_for("views.open")[0].params["view"]
    assert json.loads(modal["private_metadata"])["home"] == view["private_metadata"]
    submit_view(h.slack, modal, CARLOS, text_value("note", "note_value", "Waiting for a part"))
    view = published(h, CARLOS, 3)
    assert ticket(h.db, int(hold.split(":")[0])).status == "on_hold"


def test_reporter_home_has_its_export_button(harness):
    h = harness
    h.slack.submit_new_ticket()
    h.slack.home_opened(REPORTER)
    view = published(h, REPORTER, 1)
    assert export_filter(view) == {"scope": "mine"} and "TKT-000001" in texts(view)
