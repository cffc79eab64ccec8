"""Settings, read once at start from the environment and a `.env` in the working directory.

Every problem is reported as one `ConfigError` line naming the variable and what it needs,
so an operator never has to read a traceback to fix a typo in `.env`. The Slack, database and
outbox variables are read here; categories, mail and the scheduled side each in a bot.config_*
module, all through one `Env` (bot.config_env).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from dotenv import dotenv_values, find_dotenv

from bot.config_categories import (
    DEFAULT_CATEGORIES,
    DEFAULT_CATEGORY_SPECIALTIES,
    parse_categories,
    parse_specialties,
)
from bot.config_env import CHANNEL_ID, ConfigError, Env
from bot.config_imap import ImapSettings, imap_settings
from bot.config_mail import mail_settings
from bot.config_mail_in import DEFAULT_MAX_BYTES, mail_in_settings
from bot.config_proactive import parse_timezone, proactive_settings
from handlers.services import Workspace
from storage.domain import LANGUAGES, Category
from storage.sla import ServiceLevels

__all__ = ["ConfigError", "Settings", "load_environment", "load_settings", "parse_settings"]

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///ticketbot.db"

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    triage_channel_id: str | None = None
    admin_user_ids: frozenset[str] = frozenset()
    language: str = "en"
    categories: tuple[Category, ...] = tuple(Category(k) for k in DEFAULT_CATEGORIES)
    category_specialties: tuple[tuple[str, str], ...] = DEFAULT_CATEGORY_SPECIALTIES
    port: int = 3000
    dispatch_interval: float = 5.0
    # 43 attempts ≈ 24 h of retries with storage.outbox's backoff (see outbox.retry_span).
    outbox_max_attempts: int = 43
    outbox_lease_seconds: int = 120
    # Delivery paces itself within Slack's rate limits (bot.slack_pacing); off: every call is
    # made at once and a 429 is an ordinary retry (the test suite's fast default).
    slack_pacing: bool = True
    admin_emails: tuple[str, ...] = ()
    smtp_host: str | None = None  # None: emails are written to the log (console backend)
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout: int = 10
    mail_from: str = "ticketbot@localhost"
    mail_reply_to: str | None = None
    mail_domain: str = "localhost"
    # Email in (bot/mail_in): the largest message taken, the receiving servers whose
    # Authentication-Results are believed, and whether strangers' mail files tickets.
    mail_max_bytes: int = DEFAULT_MAX_BYTES
    mail_trusted_authserv_ids: tuple[str, ...] = ()
    mail_accept_unknown: bool = False
    timezone: str = "UTC"  # the workspace's IANA zone: dates in Excel exports are shown in it
    export_max_attempts: int = 8  # upload attempts before the requester is told the export failed
    service_levels: ServiceLevels = field(default_factory=ServiceLevels.parse)
    sla_sweep_seconds: int = 60
    unassigned_reminder_minutes: int = 30  # 0: never remind the triage channel of unassigned tickets
    digest_time: str | None = "08:00"  # daily digest to the triage channel, workspace time; None: off
    weekly_report_cron: str | None = "0 7 * * mon"  # crontab in the workspace's zone; None: off
    intake_channels: frozenset[str] = frozenset()  # where a :ticket: reaction files a ticket
    reopen_window_days: int = 7  # a reporter's reply this soon after a close reopens the ticket
    file_max_mb: int = 20  # a file shared in a card's thread (or mailed in) is kept up to this size
    known_fix_days: int = 90  # a ticket closed this recently is offered to staff as "Solved before"
    similar_burst_count: int = 5  # similar tickets within similar_burst_minutes: one suggestion; 0: off
    similar_burst_minutes: int = 15
    socket_ping_seconds: int = 10  # Socket Mode: a ping this often; no pong in half of it: reconnect
    socket_max_backoff_seconds: int = 30  # Socket Mode: the longest wait between reconnect attempts
    imap: ImapSettings | None = None  # the helpdesk mailbox read by IMAP (bot.imap_poll); None: not read

    @property
    def category_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.categories)

    @property
    def workspace(self) -> Workspace:
        """The part the Slack listeners and cards read (handlers.services)."""
        return Workspace(
            categories=self.categories,
            category_specialties=self.category_specialties,
            intake_channels=self.intake_channels,
            digest_time=self.digest_time,
        )

    def require(self, *names: str) -> None:
        """Fail with one line for the first of `names` (env variable names) that is unset."""
        for name in names:
            if not getattr(self, _ATTR_BY_ENV[name]):
                raise ConfigError(f"{name} is not set: {_HELP[name]}")


_ATTR_BY_ENV = {
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "SLACK_APP_TOKEN": "slack_app_token",
    "TRIAGE_CHANNEL_ID": "triage_channel_id",
    "DATABASE_URL": "database_url",
}
_HELP = {
    "SLACK_BOT_TOKEN": "the app's Bot User OAuth Token, starting with xoxb-",
    "SLACK_SIGNING_SECRET": "the app's Signing Secret (Basic Information page)",
    "SLACK_APP_TOKEN": "an app-level token with connections:write, starting with xapp- (Socket Mode)",
    "TRIAGE_CHANNEL_ID": "the id of the channel where admins triage tickets, like C0123ABCD",
    "DATABASE_URL": "a SQLAlchemy URL such as sqlite:///ticketbot.db or postgresql+psycopg://…",
}


def load_environment(environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> dict[str, str]:
    """The process environment over the `.env` found from the working directory.

    `load_dotenv()` alone searches from the calling file's folder, which is the installed
    package, not the operator's directory: `usecwd=True` is what makes `.env` work.
    """
    values: dict[str, str] = {}
    if dotenv:
        path = find_dotenv(usecwd=True)
        if path:
            values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return values


def parse_settings(values: Mapping[str, str]) -> Settings:
    env = Env(values)
    get = env.get
    bot_token = get("SLACK_BOT_TOKEN")
    if bot_token and not bot_token.startswith("xoxb-"):
        raise ConfigError(f"SLACK_BOT_TOKEN must start with xoxb- ({_HELP['SLACK_BOT_TOKEN']})")
    app_token = get("SLACK_APP_TOKEN")
    if app_token and not app_token.startswith("xapp-"):
        raise ConfigError(f"SLACK_APP_TOKEN must start with xapp- ({_HELP['SLACK_APP_TOKEN']})")

    api_url = get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not re.match(r"^https?://", api_url):
        raise ConfigError("SLACK_API_URL must be an http(s) URL such as https://slack.com/api/")
    if not api_url.endswith("/"):
        api_url += "/"

    database_url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", database_url):
        raise ConfigError("DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL")
    if database_url.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we ship; SQLAlchemy's default for the bare scheme is psycopg2.
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]

    triage = get("TRIAGE_CHANNEL_ID")
    if triage and not CHANNEL_ID.match(triage):
        raise ConfigError(f"TRIAGE_CHANNEL_ID={triage!r} is not a channel id: {_HELP['TRIAGE_CHANNEL_ID']}")

    admins = frozenset(a.strip() for a in (get("ADMIN_USER_IDS") or "").split(",") if a.strip())
    for admin in admins:
        if not _USER_ID.match(admin):
            raise ConfigError(f"ADMIN_USER_IDS: {admin!r} is not a Slack user id like U0123ABCD")

    language = (get("BOT_LANGUAGE") or "en").lower()
    if language not in LANGUAGES:
        raise ConfigError(f"BOT_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {language!r}")

    # Read in this order, so that of two wrong variables the same one is reported as before.
    categories = parse_categories(get("TICKET_CATEGORIES"))
    specialties = parse_specialties(get("CATEGORY_SPECIALTIES"), categories)
    port = env.number("PORT", 3000, 1, 65535)
    dispatch_interval = float(env.number("DISPATCH_INTERVAL_SECONDS", 5, 1, 3600))
    outbox_max_attempts = env.number("OUTBOX_MAX_ATTEMPTS", 43, 1, 1000)
    outbox_lease_seconds = env.number("OUTBOX_LEASE_SECONDS", 120, 2, 3600)
    slack_pacing = get("SLACK_PACING") is None or env.flag("SLACK_PACING")
    mail = mail_settings(env)
    imap = imap_settings(env)
    zone = parse_timezone(get("TIMEZONE"))
    export_max_attempts = env.number("EXPORT_MAX_ATTEMPTS", 8, 1, 100)
    burst_count = env.number("SIMILAR_BURST_COUNT", 5, 0, 1000)
    if burst_count == 1:
        raise ConfigError("SIMILAR_BURST_COUNT must be 0 (off) or at least 2: one ticket is no burst")
    burst_minutes = env.number("SIMILAR_BURST_MINUTES", 15, 1, 24 * 60)
    socket_ping_seconds = env.number("SOCKET_MODE_PING_SECONDS", 10, 2, 300)
    socket_max_backoff_seconds = env.number("SOCKET_MODE_MAX_BACKOFF_SECONDS", 30, 1, 600)
    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_app_token=app_token,
        slack_api_url=api_url,
        database_url=database_url,
        triage_channel_id=triage,
        admin_user_ids=admins,
        language=language,
        categories=categories,
        category_specialties=specialties,
        port=port,
        dispatch_interval=dispatch_interval,
        outbox_max_attempts=outbox_max_attempts,
        outbox_lease_seconds=outbox_lease_seconds,
        slack_pacing=slack_pacing,
        **mail,
        **mail_in_settings(env),
        **imap,
        timezone=zone,
        export_max_attempts=export_max_attempts,
        similar_burst_count=burst_count,
        similar_burst_minutes=burst_minutes,
        socket_ping_seconds=socket_ping_seconds,
        socket_max_backoff_seconds=socket_max_backoff_seconds,
        **proactive_settings(env, zone),
    )


def load_settings(environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    return parse_settings(load_environment(environ, dotenv=dotenv))
