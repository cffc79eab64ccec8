"""`ticketbot run` in Socket Mode, as a real process against a fake Socket Mode server: every kind of
request is acked within Slack's 3 s, and every way a connection fails ends connected again."""

from __future__ import annotations

import json
import time

import pytest

from storage.db import Database
from tests.conftest import ADMIN, REPORTER
from tests.fakes.socket_mode import FakeSocketMode
from tests.handlers.kit import card_showing, card_where, click_card, element, option_for
from tests.processes import BotProcess, bot_env
from tests.slack_requests import payload
from tests.socket_requests import SocketModeRequests

CARLOS = "U0CARLOS"
PING_SECONDS = 2  # a half-open connection is then noticed within 2 s (a ping) + 1 s (no pong) + 1 s
MAX_BACKOFF = 2


@pytest.fixture
def socket_server(fake_slack):
    with FakeSocketMode() as server:
        yield server.attach(fake_slack)


@pytest.fixture
def bot(fake_slack, database_url, tmp_path, socket_server):
    env = bot_env(
        fake_slack,
        database_url,
        SLACK_APP_TOKEN="xapp-run",
        SOCKET_MODE_PING_SECONDS=str(PING_SECONDS),
        SOCKET_MODE_MAX_BACKOFF_SECONDS=str(MAX_BACKOFF),
    )
    process = BotProcess(["run"], env, tmp_path)
    try:
        socket_server.wait_connected(timeout=60)
    except AssertionError:
        raise AssertionError("ticketbot run did not connect:\n" + process.stop()) from None
    yield process
    if process.process.poll() is None:
        process.stop()


def test_commands_modals_buttons_and_events_are_acked_and_handled(
    fake_slack, database_url, socket_server, bot
):
    slack = SocketModeRequests(socket_server, response_url=fake_slack.response_url("command"))
    db = Database.from_url(database_url)
    try:
        answer = slack.command(f"engineers add <@{CARLOS}|x> Redes y Servidores", user=ADMIN)
        assert "Adding" in answer.json()["text"]

        slack.command("")  # /ticket alone opens the new-ticket modal
        (opened,) = fake_slack.wait_for("views.open")
        assert opened.params["view"]["callback_id"] == "ticket_new"

        refused = slack.submit_new_ticket(title="   ").json()  # the modal shows the error
        assert refused["response_action"] == "errors"
        assert "This field is required." in refused["errors"]["title"]

        assert slack.submit_new_ticket(title="VPN drops every hour", category="network").body == b""
        triage = card_where(db, "triage")
        picker = element(card_showing(fake_slack, triage, "Assign")["blocks"], "ticket_assign")
        chosen = option_for(picker, CARLOS)
        click_card(slack, "ticket_assign", user=ADMIN, channel=triage[0], ts=triage[1], selected=chosen)
        mine = card_where(db, "engineer")
        start = element(card_showing(fake_slack, mine, "is assigned to you")["blocks"], "ticket_start")
        click_card(slack, "ticket_start", user=CARLOS, channel=mine[0], ts=mine[1], value=start["value"])
        card_showing(fake_slack, triage, "In progress")

        # The Home tab, then Slack redelivering that same event (retry_attempt 1): handled once.
        home = payload("app_home_opened")
        home["event_id"] = "EvHOME"
        slack.post(json.dumps(home).encode(), "application/json")
        fake_slack.wait_for("views.publish", lambda c: c.params["user_id"] == REPORTER)
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"}
        slack.post(json.dumps(home).encode(), "application/json", headers=retry)
        slack.command("help")  # a later request: by now a second publish would have happened
        assert len([c for c in fake_slack.calls("views.publish") if c.params["user_id"] == REPORTER]) == 1
    finally:
        db.dispose()
    assert max(ack.seconds for ack in slack.acks) < 3
    output = bot.stop()
    assert bot.process.returncode == 0, output
    assert "Traceback" not in output


def test_every_kind_of_failure_ends_connected_again(fake_slack, socket_server, bot):
    slack = SocketModeRequests(socket_server)
    reconnected: dict[str, float] = {}

    def recovers(name: str, since: float, within: float) -> None:
        connection = socket_server.wait_connected(after=since, timeout=within)
        reconnected[name] = connection.opened_at - since
        assert slack.command("help").status == 200  # and requests are answered on it

    assert slack.command("help").status == 200

    cut = time.monotonic()
    socket_server.drop()  # a TCP reset
    recovers("dropped", cut, 5)

    silent = time.monotonic()
    socket_server.go_silent()  # half-open: no pong comes back
    recovers("half-open", silent, 3 * PING_SECONDS + 5)

    for reason in ("refresh_requested", "warning"):
        asked = time.monotonic()
        old = socket_server.disconnect(reason)
        recovers(reason, asked, 5)
        assert socket_server.wait_closed(old, timeout=5)  # and the app let the old one go

    disabled = time.monotonic()
    socket_server.disconnect("link_disabled", close=True)
    recovers("link_disabled", disabled, 5)

    # An outage: handshakes refused for 6 s and apps.connections.open failing meanwhile.
    back = socket_server.refuse_for(6)
    fake_slack.fail("apps.connections.open", times=1, status=503)
    down = time.monotonic()
    socket_server.drop()
    connection = socket_server.wait_connected(after=down, timeout=30)
    reconnected["outage (after Slack came back)"] = connection.opened_at - back
    assert connection.opened_at >= back
    assert connection.opened_at - back <= MAX_BACKOFF + 2  # the backoff's cap, plus a reconnect
    # Backoff, not a hot loop: at most one attempt per second-ish over 6 s.
    assert 2 <= socket_server.refused <= 8
    assert slack.command("help").status == 200

    print("reconnected after (s):", {k: round(v, 2) for k, v in reconnected.items()})
    output = bot.stop()
    assert bot.process.returncode == 0, output
    assert "Traceback" not in output
    # Each lost connection is logged, and each return: the drops and the half-open one at least
    # (a disconnect switches without a gap; link_disabled's close may land on the old one).
    assert output.count("Socket Mode: connection lost") >= 3
    assert output.count("Socket Mode: connected again after") >= 3
    assert "connection was half-open" in output
    assert "link_disabled" in output
