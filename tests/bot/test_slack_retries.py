"""The listeners' client waits out a 429 except on a trigger-bound call, which a wait would kill."""

from __future__ import annotations

import time

import pytest
from slack_sdk.errors import SlackApiError

from bot.app import web_client

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "New ticket"}, "blocks": [SECTION]}


def test_views_open_is_not_retried_after_a_429_and_at_once_after_a_5xx(settings, fake_slack):
    client = web_client(settings, retries=True)
    fake_slack.fail("views.open", times=1, status=429, retry_after=5)
    started = time.monotonic()
    with pytest.raises(SlackApiError, match="ratelimited"):
        client.views_open(trigger_id="1.2.x", view=MODAL)
    assert time.monotonic() - started < 1 and len(fake_slack.calls("views.open")) == 1

    fake_slack.fail("views.push", times=1, status=503)
    assert client.views_push(trigger_id="1.2.x", view=MODAL)["ok"]
    assert len(fake_slack.calls("views.push")) == 2
    retried = fake_slack.calls("views.push")
    assert retried[1].at - retried[0].at < 0.3  # no backoff sleep


def test_other_calls_still_wait_out_a_429(settings, fake_slack):
    client = web_client(settings, retries=True)
    fake_slack.fail("views.publish", times=1, status=429, retry_after=1)
    assert client.views_publish(user_id="U1", view={"type": "home", "blocks": [SECTION]})["ok"]
    first, second = fake_slack.calls("views.publish")
    assert first.status == 429 and second.at - first.at >= 1
