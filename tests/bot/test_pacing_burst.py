"""Delivery that paces itself, against a fake Slack enforcing Slack's documented rate limits.

An outage morning in small: 30 tickets filed from 6 clients within 5 s. Every ticket is visible
in the triage channel (its card, or a "new tickets" list) within 15 s of the last filing, every
reporter's confirmation arrives within 10 s of its ack, no call is made before a Retry-After
Slack gave has passed, and nothing is lost or doubled.
"""

from __future__ import annotations

import time

import pytest

from bot.dispatcher import Deferred
from bot.slack_pacing import Pacer, channel_budget
from storage import slack_pacing
from tests import burst_load
from tests.conftest import TRIAGE
from tests.slack_streams import expected, received


def test_thirty_tickets_in_five_seconds_reach_the_triage_channel_and_their_reporters_in_time(
    fake_slack, settings, db
):
    figures = burst_load.run(fake_slack, settings, db, tickets=30, seconds=5.0)
    print("\n" + "\n".join(figures.lines()))
    assert figures.tickets == 30
    assert figures.lost == [] and figures.doubled == [] and figures.not_done == 0
    assert figures.early_calls == 0
    assert figures.visible_after_last_filing <= 15.0
    assert figures.worst_confirmation <= 10.0
    assert received(fake_slack, db, TRIAGE) == expected(db)  # every card and reply, once, in order


def test_a_429_holds_the_method_and_channel_for_every_process(db):
    """Two pacers (two delivery processes) share the hold through the database; other channels
    keep flowing."""
    now = time.time()
    first, second = Pacer(db, clock=lambda: now), Pacer(db, clock=lambda: now)
    slack_pacing.hold(db, channel_budget(TRIAGE).key, now + 30)
    with pytest.raises(Deferred) as deferred:
        second.admit("chat.postMessage", TRIAGE)
    assert 29 <= deferred.value.seconds <= 30
    first.admit("chat.postMessage", "U0SOMEONE")  # a DM: not held
    with pytest.raises(Deferred):
        first.admit("chat.postMessage", TRIAGE)


def test_budgets_let_a_short_burst_through_then_space_the_calls(db):
    now = [1_000_000.0]
    pacer = Pacer(db, clock=lambda: now[0])
    pacer.admit("chat.postMessage", TRIAGE)
    pacer.admit("chat.postMessage", TRIAGE)  # a burst of two
    with pytest.raises(Deferred) as third:
        pacer.admit("chat.postMessage", TRIAGE)
    with pytest.raises(Deferred) as fourth:
        pacer.admit("chat.postMessage", TRIAGE)
    # Waiting rows are given due times a budget interval apart, in the order they asked.
    assert 0 < third.value.seconds < fourth.value.seconds
    now[0] += third.value.seconds
    pacer.admit("chat.postMessage", TRIAGE)
