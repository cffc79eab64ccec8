"""`ticketbot check` says which email backend is active, and whether the mail server answers."""

from __future__ import annotations

import socket

from bot.cli import main


def email_line(capsys) -> str:
    return next(line for line in capsys.readouterr().out.splitlines() if " email: " in line)


def test_without_smtp_host_the_console_backend_is_reported(cli_env, capsys):
    main(["check"])
    assert email_line(capsys).startswith("✔ email: console backend (SMTP_HOST is unset)")


def test_a_mail_server_that_answers_is_reported_with_the_sender(cli_env, smtp, monkeypatch, capsys):
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("MAIL_FROM", "IT Helpdesk <helpdesk@example.com>")
    main(["check"])
    line = email_line(capsys)
    assert line.startswith(f"✔ email: SMTP 127.0.0.1:{smtp.port} accepts us")
    assert line.endswith("emails come from IT Helpdesk <helpdesk@example.com>")
    assert smtp.received == []  # greeted and logged in, sent nothing


def test_an_unreachable_mail_server_fails_the_check(cli_env, monkeypatch, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("MAIL_FROM", "helpdesk@example.com")
    assert main(["check"]) == 1
    line = email_line(capsys)
    assert line.startswith(f"✘ email: SMTP 127.0.0.1:{port}: cannot reach the mail server")
