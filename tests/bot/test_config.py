"""Configuration: defaults, validation with one clear line, and `.env` from the working directory."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def settings(**env):
    return load_settings(env, dotenv=False)


def test_defaults():
    s = settings()
    assert s.database_url == "sqlite:///ticketbot.db" and s.language == "en"
    assert s.slack_api_url == "https://slack.com/api/" and s.port == 3000
    assert s.category_keys == ("hardware", "software", "network", "printers", "access", "other")
    assert (s.similar_burst_count, s.similar_burst_minutes) == (5, 15)
    assert settings(SIMILAR_BURST_COUNT="0", SIMILAR_BURST_MINUTES="60").similar_burst_count == 0


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({"TRIAGE_CHANNEL_ID": "#it-triage"}, "TRIAGE_CHANNEL_ID"),
        ({"ADMIN_USER_IDS": "U0ADMIN,carlos"}, "ADMIN_USER_IDS"),
        ({"BOT_LANGUAGE": "fr"}, "BOT_LANGUAGE"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"),
        ({"TICKET_CATEGORIES": ",,"}, "TICKET_CATEGORIES"),
        ({"SOCKET_MODE_PING_SECONDS": "1"}, "SOCKET_MODE_PING_SECONDS"),
        ({"SOCKET_MODE_MAX_BACKOFF_SECONDS": "soon"}, "SOCKET_MODE_MAX_BACKOFF_SECONDS"),
        ({"SIMILAR_BURST_COUNT": "1"}, "SIMILAR_BURST_COUNT"),
        ({"SIMILAR_BURST_COUNT": "many"}, "SIMILAR_BURST_COUNT"),
        ({"SIMILAR_BURST_MINUTES": "0"}, "SIMILAR_BURST_MINUTES"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(env, names):
    with pytest.raises(ConfigError) as raised:
        settings(**env)
    message = str(raised.value)
    assert names in message and "\n" not in message


def test_require_names_the_missing_variable():
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
        settings().require("SLACK_SIGNING_SECRET")


def test_admins_language_and_postgres_driver():
    s = settings(ADMIN_USER_IDS=" U0A1 , W0B2 ", BOT_LANGUAGE="ES", DATABASE_URL="postgresql://u@h/db")
    assert s.admin_user_ids == {"U0A1", "W0B2"} and "U0X" not in s.admin_user_ids
    assert s.language == "es" and s.database_url == "postgresql+psycopg://u@h/db"


def test_categories_override_keeps_known_translations():
    s = settings(TICKET_CATEGORIES="hardware, VPN=VPN y acceso remoto, Telefonía")
    assert [(c.key, c.label) for c in s.categories] == [
        ("hardware", None),
        ("vpn", "VPN y acceso remoto"),
        ("telefonia", "Telefonía"),
    ]


def test_dotenv_is_read_from_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("TRIAGE_CHANNEL_ID=C0FROMFILE\nBOT_LANGUAGE=es\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRIAGE_CHANNEL_ID", raising=False)
    monkeypatch.setenv("BOT_LANGUAGE", "en")  # the process environment wins over the file
    s = load_settings()
    assert s.triage_channel_id == "C0FROMFILE" and s.language == "en"


def test_category_specialties_default_to_the_seeds_three():
    s = settings().workspace
    assert s.specialty_for("network") == "Redes y Servidores"
    assert s.specialty_for("printers") == s.specialty_for("hardware") == "Hardware y Impresoras"
    assert s.specialty_for("access") == s.specialty_for("software") == "Software y Bases de Datos"
    assert s.specialty_for("other") is None
    custom = settings(TICKET_CATEGORIES="network,VPN=VPN y acceso remoto")
    assert custom.category_specialties == (("network", "Redes y Servidores"),)


def test_category_specialties_can_be_configured():
    s = settings(CATEGORY_SPECIALTIES="Network = Redes, Servidores y Nube ; other=Mesa de ayuda;").workspace
    assert s.specialty_for("network") == "Redes, Servidores y Nube"
    assert s.specialty_for("other") == "Mesa de ayuda" and s.specialty_for("hardware") is None


@pytest.mark.parametrize("raw", ["network", "coffee=Baristas", "network=", "network=" + "x" * 101])
def test_bad_category_specialties_are_named_in_one_line(raw):
    with pytest.raises(ConfigError) as raised:
        settings(CATEGORY_SPECIALTIES=raw)
    assert str(raised.value).startswith("CATEGORY_SPECIALTIES") and "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"SMTP_PORT": "smtp"}, "SMTP_PORT"),
        ({"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS"),
        ({"SMTP_STARTTLS": "true", "SMTP_SSL": "true"}, "SMTP_SSL"),
        ({"SMTP_USERNAME": "bot"}, "SMTP_PASSWORD"),
        ({"SMTP_TIMEOUT": "0"}, "SMTP_TIMEOUT"),
        ({"SMTP_HOST": "mail.example.com"}, "MAIL_FROM"),
        ({"MAIL_FROM": "helpdesk at example"}, "MAIL_FROM"),
        ({"MAIL_REPLY_TO": "nobody"}, "MAIL_REPLY_TO"),
        ({"MAIL_DOMAIN": "bad domain"}, "MAIL_DOMAIN"),
        ({"ADMIN_EMAILS": "it@example.com, boss"}, "ADMIN_EMAILS"),
    ],
)
def test_a_bad_mail_setting_is_named_in_one_line(env, name):
    with pytest.raises(ConfigError) as raised:
        settings(**env)
    assert name in str(raised.value) and "\n" not in str(raised.value)


def test_mail_defaults_log_emails_and_derive_the_domain():
    s = settings()
    assert s.smtp_host is None and s.mail_from == "ticketbot@localhost" and s.mail_domain == "localhost"
    s = settings(
        SMTP_HOST="mail.example.com",
        SMTP_STARTTLS="yes",
        SMTP_USERNAME="bot",
        SMTP_PASSWORD="pa55-w0rd-xyz",
        MAIL_FROM="IT Helpdesk <helpdesk@corp.example.com>",
        ADMIN_EMAILS="it@corp.example.com , boss@corp.example.com",
    )
    assert (s.smtp_port, s.smtp_starttls, s.smtp_ssl, s.smtp_timeout) == (587, True, False, 10)
    assert s.mail_domain == "corp.example.com"
    assert s.admin_emails == ("it@corp.example.com", "boss@corp.example.com")
    assert "pa55-w0rd-xyz" not in repr(s)
    assert settings(SMTP_HOST="h", SMTP_SSL="1", MAIL_FROM="a@b.example").smtp_port == 465
    assert settings(SMTP_HOST="h", SMTP_PORT="2525", MAIL_FROM="a@b.example").smtp_port == 2525


def test_the_default_retry_budget_is_about_a_day():
    from storage.outbox import retry_span

    hours = retry_span(settings().outbox_max_attempts).total_seconds() / 3600
    assert 23 <= hours <= 25


def test_weekly_report_cron_reads_weekdays_as_crontab_does():
    from datetime import datetime, timedelta, timezone

    from bot.cron import cron_trigger

    thursday = datetime(2026, 11, 26, 12, tzinfo=timezone.utc)

    def days(line: str) -> list[str]:
        trigger, moment, found = cron_trigger(line, "UTC"), thursday, []
        for _ in range(7):
            moment = trigger.get_next_fire_time(None, moment)
            found.append(moment.strftime("%a"))
            moment += timedelta(minutes=1)
        return found

    assert set(days("0 7 * * 1")) == {"Mon"}  # Monday, as in cron (APScheduler alone says Tuesday)
    assert set(days("0 7 * * mon")) == {"Mon"}
    assert set(days("0 7 * * 0")) == set(days("0 7 * * 7")) == {"Sun"}
    assert set(days("0 7 * * 1-5")) == {"Mon", "Tue", "Wed", "Thu", "Fri"}
    assert set(days("0 7 * * 0-2")) == {"Sun", "Mon", "Tue"}
    for bad in ("0 7 * *", "0 7 * * 8", "61 7 * * 1"):
        with pytest.raises(ConfigError):
            load_settings({"WEEKLY_REPORT_CRON": bad}, dotenv=False)


def test_mail_in_settings_and_their_defaults():
    default = load_settings({}, dotenv=False)
    assert (default.mail_max_bytes, default.mail_trusted_authserv_ids, default.mail_accept_unknown) == (
        25 * 1024 * 1024,
        (),
        False,
    )
    chosen = load_settings(
        {
            "MAIL_MAX_BYTES": "1000000",
            "MAIL_TRUSTED_AUTHSERV_ID": "MX.example.com, mx2.example.com",
            "MAIL_ACCEPT_UNKNOWN": "true",
        },
        dotenv=False,
    )
    assert chosen.mail_max_bytes == 1_000_000 and chosen.mail_accept_unknown
    assert chosen.mail_trusted_authserv_ids == ("mx.example.com", "mx2.example.com")


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"MAIL_MAX_BYTES": "12"}, "MAIL_MAX_BYTES"),
        ({"MAIL_MAX_BYTES": "big"}, "MAIL_MAX_BYTES"),
        ({"MAIL_TRUSTED_AUTHSERV_ID": "mx.example.com; dmarc=pass"}, "MAIL_TRUSTED_AUTHSERV_ID"),
        ({"MAIL_ACCEPT_UNKNOWN": "perhaps"}, "MAIL_ACCEPT_UNKNOWN"),
    ],
)
def test_a_bad_mail_in_setting_is_named_in_one_line(env, name):
    with pytest.raises(ConfigError, match=name) as raised:
        load_settings(env, dotenv=False)
    assert "\n" not in str(raised.value)
