"""`ticketbot check` tells an operator what is wrong, one line each, and exits non-zero."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.check import REQUIRED_SCOPES
from bot.cli import main
from handlers import ids

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def test_manifest_declares_exactly_the_scopes_the_app_uses():
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == REQUIRED_SCOPES
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["slash_commands"][0]["command"] == "/ticket"
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "reaction_added",
        "message.im",  # thread sync (handlers/conversation.py): DM card threads, plain DMs
        "message.channels",  # the triage card's thread
        "message.groups",
    ]
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False
    (shortcut,) = manifest["features"]["shortcuts"]
    assert shortcut["type"] == "message" and shortcut["callback_id"] == ids.MESSAGE_SHORTCUT


def test_everything_ready(cli_env, monkeypatch, capsys):
    monkeypatch.setenv("TRIAGE_CHANNEL_ID", "C0TRIAGE")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert main(["db", "upgrade"]) == 0
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    for line in (
        "✔ configuration: Socket Mode",
        "✔ database:",
        "✔ migrations: at",
        "✔ Slack token: bot @",
        "✔ scopes: all granted",
        "✔ triage channel: the bot is in",
        "ready",
    ):
        assert line in out


def test_problems_are_each_named(cli_env, monkeypatch, capsys, fake_slack):
    monkeypatch.setenv("TRIAGE_CHANNEL_ID", "C0TRIAGE")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{cli_env / 'never-migrated.db'}")
    fake_slack.not_member_channels.add("C0TRIAGE")
    fake_slack.scopes.remove("files:write")
    assert main(["check"]) == 1  # and the database was never migrated
    out = capsys.readouterr().out
    assert "✘ configuration: set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET" in out
    assert "✘ migrations: at none, latest is" in out and "ticketbot db upgrade" in out
    assert "✘ scopes: missing files:write" in out
    assert "✘ triage channel: the bot is not in" in out
    assert "Traceback" not in out


def test_unreachable_database_and_refused_token(cli_env, monkeypatch, capsys, fake_slack):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    fake_slack.fail("auth.test", error="invalid_auth")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "✘ database: unreachable" in out and "✘ Slack token: refused: invalid_auth" in out


def test_intake_channels_the_bot_is_not_in_are_named(cli_env, monkeypatch, capsys, fake_slack):
    monkeypatch.setenv("TRIAGE_CHANNEL_ID", "C0TRIAGE")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    monkeypatch.setenv("INTAKE_CHANNELS", "C0HELP,C0OPS")
    fake_slack.not_member_channels.add("C0OPS")
    assert main(["db", "upgrade"]) == 0
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "✔ intake channel: the bot is in #c0help" in out
    assert "✘ intake channel: the bot is not in #c0ops: /invite it there" in out


def test_socket_mode_is_checked_with_the_app_token(cli_env, monkeypatch, capsys, fake_slack):
    monkeypatch.setenv("TRIAGE_CHANNEL_ID", "C0TRIAGE")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-check")
    assert main(["db", "upgrade"]) == 0
    assert main(["check"]) == 0
    assert "✔ Socket Mode: apps.connections.open gives this app token a connection" in capsys.readouterr().out
    (call,) = fake_slack.calls("apps.connections.open")
    assert call.headers["authorization"] == "Bearer xapp-1-check"  # the app token, not the bot's

    fake_slack.fail("apps.connections.open", error="invalid_auth")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "✘ Socket Mode: apps.connections.open refused the app token: invalid_auth" in out
    assert "connections:write" in out


def test_http_mode_has_no_socket_mode_check(cli_env, monkeypatch, capsys, fake_slack):
    monkeypatch.setenv("TRIAGE_CHANNEL_ID", "C0TRIAGE")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    assert main(["db", "upgrade"]) == 0
    assert main(["check"]) == 0
    assert "Socket Mode" not in capsys.readouterr().out
    assert fake_slack.calls("apps.connections.open") == []
