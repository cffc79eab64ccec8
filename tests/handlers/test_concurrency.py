"""Two people clicking at once, as real concurrent HTTP requests: one consistent result, and the
one who lost the race is told so (optimistic locking on the ticket's version)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import pytest

from tests.conftest import ADMIN, TRIAGE, _harness
from tests.handlers.kit import (
    CARLOS,
    MARIA,
    assigned,
    card_where,
    click_card,
    element,
    events,
    filed,
    fresh_card,
    option_for,
    poll,
    staff,
    submit_view,
    text_value,
    ticket,
)

SECOND_ADMIN = "U0ADMIN2"
STALE = "This ticket changed meanwhile; here is its current state."


def at_once(*requests: Callable[[], object]) -> list:
    """Send every request at the same moment, each from its own thread."""
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def send(i: int) -> None:
        barrier.wait()
        answers[i] = requests[i]()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    return answers


@pytest.fixture
def two_admins(settings, db, fake_slack):
    fake_slack.add_user(SECOND_ADMIN, "sam", "Sam Admin")
    yield from _harness(replace(settings, admin_user_ids=frozenset({ADMIN, SECOND_ADMIN})), db, fake_slack)


def test_two_admins_assigning_at_once(two_admins):
    h = two_admins
    staff(h)
    filed(h)
    triage = card_where(h.db, "triage")
    picker = element(fresh_card(h, triage, "Assign")["blocks"], "ticket_assign")
    choices = {ADMIN: CARLOS, SECOND_ADMIN: MARIA}
    at_once(
        *(
            lambda admin=admin, engineer=engineer: click_card(
                h.slack,
                "ticket_assign",
                user=admin,
                channel=TRIAGE,
                ts=triage[1],
                selected=option_for(picker, engineer),
            )
            for admin, engineer in choices.items()
        )
    )
    loser_call = h.fake.wait_for("chat.postEphemeral", lambda c: c.params["text"] == STALE)[0]
    loser = loser_call.params["user"]
    winner = next(a for a in choices if a != loser)
    assigned_events = [e for e in events(h.db) if e.kind == "assigned"]
    assert [(e.actor_id, e.new_value) for e in assigned_events] == [(winner, choices[winner])]
    assert ticket(h.db).engineer_id == choices[winner]
    # The loser is shown who won, and the card is redrawn with it.
    assert f"<@{choices[winner]}>" in str(loser_call.params["blocks"])
    fresh_card(h, triage, f"<@{choices[winner]}>")
    poll(lambda: len(h.fake.calls("chat.postEphemeral")) == 1, what="only the loser told")


def test_an_engineer_double_clicking_in_progress(harness):
    h = harness
    staff(h)
    assigned(h)
    mine = card_where(h.db, "engineer")
    start = element(fresh_card(h, mine)["blocks"], "ticket_start")["value"]
    click = lambda: click_card(h.slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=start)  # noqa: E731
    answers = at_once(click, click)
    assert [a.status for a in answers] == [200, 200]
    told = h.fake.wait_for("chat.postEphemeral")[0].params["text"]
    assert told == STALE
    assert [e.new_value for e in events(h.db) if e.kind == "status"] == ["in_progress"]


def test_an_engineer_double_submitting_close(harness):
    h = harness
    staff(h)
    assigned(h)
    mine = card_where(h.db, "engineer")
    close = element(fresh_card(h, mine)["blocks"], "ticket_close")["value"]
    click_card(h.slack, "ticket_close", user=CARLOS, channel=mine[0], ts=mine[1], value=close)
    view = h.fake.wait_for("views.open")[0].params["view"]
    submit = lambda: submit_view(h.slack, view, CARLOS, text_value("note", "note_value", "Swapped the cable"))  # noqa: E731
    answers = at_once(submit, submit)
    bodies = sorted((a.json() or {} for a in answers), key=len)
    assert bodies[0] == {}  # the winner's modal closes
    assert bodies[1]["response_action"] == "update" and STALE in str(bodies[1]["view"])
    assert ":white_check_mark: Closed" in str(bodies[1]["view"])
    assert [e.kind for e in events(h.db)].count("closed") == 1 and ticket(h.db).status == "closed"
