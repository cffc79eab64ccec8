"""The burst suggestion's delivery keeps the triage channel's pace: while Slack's budget for the
channel is spent (or a 429 holds it) the row is deferred, nothing posted; then it is posted once,
and later redraws update that message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import build_services, web_client
from bot.burst_suggestions import BurstSuggestions
from bot.dispatcher import Deferred
from bot.slack_pacing import Pacer, channel_budget
from storage import bursts, slack_pacing
from storage.domain import Actor
from storage.tickets import NewTicket
from tests.conftest import REPORTER, TRIAGE
from tests.storage.test_bursts import VPN


def test_the_suggestion_waits_for_the_triage_channel_then_posts_once(settings, db, fake_slack):
    services = build_services(settings, db)
    for title, description in VPN[:5]:
        services.tickets.create(Actor(REPORTER), NewTicket(title, description, "network", "high"))
    suggestion = bursts.check(db, 5, count=5, window=timedelta(minutes=15))
    now = [1_000_000.0]
    pacer = Pacer(db, clock=lambda: now[0])
    delivery = BurstSuggestions(web_client(settings, retries=False), services, settings, pacer)
    slack_pacing.hold(db, channel_budget(TRIAGE).key, now[0] + 30)  # a 429 on the channel

    with pytest.raises(Deferred) as deferred:
        delivery.sync({"suggestion_id": suggestion})
    assert 29 <= deferred.value.seconds <= 30
    assert fake_slack.calls("chat.postMessage") == []

    now[0] += 31
    delivery.sync({"suggestion_id": suggestion})
    (posted,) = fake_slack.calls("chat.postMessage")
    assert posted.params["channel"] == TRIAGE and "5 tickets look like one problem" in posted.params["text"]
    shown = bursts.burst(db, suggestion)
    assert shown.channel == TRIAGE and shown.ts

    now[0] += 5
    delivery.sync({"suggestion_id": suggestion})  # a redraw: in place
    assert len(fake_slack.calls("chat.postMessage")) == 1
    (updated,) = fake_slack.calls("chat.update")
    assert updated.params["ts"] == shown.ts


def test_bursts_off_check_nothing(settings, db, fake_slack):
    services = build_services(settings, db)  # the suite's settings: SIMILAR_BURST_COUNT=0
    assert settings.similar_burst_count == 0
    for title, description in VPN[:5]:
        services.tickets.create(Actor(REPORTER), NewTicket(title, description, "network", "high"))
    delivery = BurstSuggestions(web_client(settings, retries=False), services, settings, Pacer(db))
    delivery.check({"ticket_id": 5})
    assert bursts.burst(db, 1) is None
