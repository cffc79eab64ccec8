"""The `ticketbot` command line: engineers, migrations, start-up errors, and a real HTTP run."""

from __future__ import annotations

import json
import logging

import pytest

from bot.cli import main
from storage.db import Database
from storage.people import People
from tests.processes import BotProcess, bot_env
from tests.slack_requests import SlackRequests


def engineers(database_url):
    db = Database.from_url(database_url)
    try:
        return [(e.user_id, e.display, e.email, e.specialty, e.phone) for e in People(db).engineers()]
    finally:
        db.dispose()


def test_engineers_add_list_remove(cli_env, database_url, capsys):
    assert (
        main(["engineers", "add", "U0CARLOS", "--specialty", "Redes y Servidores", "--phone", "+57 300"]) == 0
    )
    assert main(["engineers", "add", "<@U0MARIA|maria>", "--specialty", "Hardware y Impresoras"]) == 0
    assert "added engineer Carlos Pérez (U0CARLOS)" in capsys.readouterr().out
    assert engineers(database_url) == [
        ("U0CARLOS", "Carlos Pérez", "carlos@example.com", "Redes y Servidores", "+57 300"),
        ("U0MARIA", "María López", "maria@example.com", "Hardware y Impresoras", None),
    ]
    assert main(["engineers", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Carlos Pérez" in listing and "Redes y Servidores" in listing and "yes" in listing
    assert main(["engineers", "remove", "U0CARLOS"]) == 0
    assert [e[0] for e in engineers(database_url)] == ["U0MARIA"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["engineers", "add", "carlos", "--specialty", "Redes"], "is not a Slack user id"),
        (["engineers", "add", "U0GHOST", "--specialty", "Redes"], "Slack has no user U0GHOST"),
        (["engineers", "add", "U0CARLOS", "--specialty", "   "], "--specialty"),
        (["engineers", "remove", "U0NOBODY"], "U0NOBODY is not an engineer"),
    ],
)
def test_bad_engineer_commands_fail_with_one_clear_line(cli_env, database_url, capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert engineers(database_url) == []


def test_missing_settings_stop_start_up_with_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "TRIAGE_CHANNEL_ID", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["run"]) == 2
    assert capsys.readouterr().err == (
        "ticketbot: SLACK_BOT_TOKEN is not set: the app's Bot User OAuth Token, starting with xoxb-\n"
    )
    monkeypatch.setenv("BOT_LANGUAGE", "klingon")
    assert main(["db", "upgrade"]) == 2
    assert "BOT_LANGUAGE must be one of en, es" in capsys.readouterr().err


def test_run_http_serves_slack_and_health_then_stops_on_sigterm(fake_slack, tmp_path):
    db_path = tmp_path / "run.db"
    bot = BotProcess(
        ["run", "--http", "--host", "127.0.0.1"], bot_env(fake_slack, f"sqlite:///{db_path}"), tmp_path
    )
    try:
        bot.wait_ready()
        slack = SlackRequests(bot.base + "/slack/events", "run-secret", fake_slack.response_url("run"))
        assert slack.command("help").json()["response_type"] == "ephemeral"
        assert slack.submit_new_ticket(title="From a real process").status == 200
        card = fake_slack.wait_for(
            "chat.postMessage", lambda c: c.params["channel"] == "C0TRIAGE", timeout=10
        )[0]
        assert "From a real process" in json.dumps(card.params["blocks"])
    finally:
        output = bot.stop()
    assert bot.process.returncode == 0, output
    assert "Traceback" not in output and db_path.exists()


@pytest.mark.parametrize(
    ("argv", "shown"), [(["engineers", "list"], False), (["-v", "engineers", "list"], True)]
)
def test_scheduler_chatter_stays_out_of_the_log_unless_verbose(cli_env, caplog, argv, shown):
    """APScheduler's two INFO lines per job run (the outbox sweep runs every 5 s) are hidden;
    its warnings are not, and `-v` shows everything."""
    caplog.set_level(logging.INFO)  # the root level `main` sets outside pytest (basicConfig)
    try:
        assert main(argv) == 0
        logging.getLogger("apscheduler.executors.default").info("Job executed successfully")
        logging.getLogger("apscheduler.scheduler").warning("Run time of job was missed")
        messages = [record.getMessage() for record in caplog.records]
        assert ("Job executed successfully" in messages) is shown
        assert "Run time of job was missed" in messages
    finally:
        logging.getLogger("apscheduler").setLevel(logging.NOTSET)


def test_a_start_logs_no_false_alarm_about_the_token(settings, monkeypatch, caplog):
    """Bolt warns "`token` will be unused" when SLACK_BOT_TOKEN is set and a client is given;
    ticketbot's client is built from that token, so the warning is dropped — and only that one."""
    from bot.app import build

    monkeypatch.setenv("SLACK_BOT_TOKEN", settings.slack_bot_token)
    caplog.set_level(logging.WARNING)
    runtime = build(settings)
    try:
        logging.getLogger("slack_bolt.App").warning("another warning")
        messages = [record.getMessage() for record in caplog.records]
        assert not any("will be unused" in message for message in messages), messages
        assert "another warning" in messages
    finally:
        runtime.db.dispose()
