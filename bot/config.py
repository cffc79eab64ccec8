"""Settings, read once at start from the environment and a `.env` in the working directory.

Every problem is reported as one `ConfigError` line naming the variable and what it needs,
so an operator never has to read a traceback to fix a typo in `.env`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values, find_dotenv

from bot.cron import cron_trigger
from handlers.services import Workspace
from storage.domain import LANGUAGES, Category
from storage.sla import ServiceLevels

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///ticketbot.db"
DEFAULT_CATEGORIES = ("hardware", "software", "network", "printers", "access", "other")
# Which engineer specialty fits a category (the seed's three specialties); the picker offers those first.
DEFAULT_CATEGORY_SPECIALTIES = (
    ("network", "Redes y Servidores"),
    ("hardware", "Hardware y Impresoras"),
    ("printers", "Hardware y Impresoras"),
    ("software", "Software y Bases de Datos"),
    ("access", "Software y Bases de Datos"),
)

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SLUG = re.compile(r"[^a-z0-9]+")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line meant for an operator."""


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
    timezone: str = "UTC"  # the workspace's IANA zone: dates in Excel exports are shown in it
    export_max_attempts: int = 8  # upload attempts before the requester is told the export failed
    service_levels: ServiceLevels = field(default_factory=ServiceLevels.parse)
    sla_sweep_seconds: int = 60
    unassigned_reminder_minutes: int = 30  # 0: never remind the triage channel of unassigned tickets
    digest_time: str | None = "08:00"  # daily digest to the triage channel, workspace time; None: off
    weekly_report_cron: str | None = "0 7 * * mon"  # crontab in the workspace's zone; None: off
    intake_channels: frozenset[str] = frozenset()  # where a :ticket: reaction files a ticket

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


def parse_settings(env: Mapping[str, str]) -> Settings:
    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

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
    if triage and not _CHANNEL_ID.match(triage):
        raise ConfigError(f"TRIAGE_CHANNEL_ID={triage!r} is not a channel id: {_HELP['TRIAGE_CHANNEL_ID']}")

    admins = frozenset(a.strip() for a in (get("ADMIN_USER_IDS") or "").split(",") if a.strip())
    for admin in admins:
        if not _USER_ID.match(admin):
            raise ConfigError(f"ADMIN_USER_IDS: {admin!r} is not a Slack user id like U0123ABCD")

    language = (get("BOT_LANGUAGE") or "en").lower()
    if language not in LANGUAGES:
        raise ConfigError(f"BOT_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {language!r}")

    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_app_token=app_token,
        slack_api_url=api_url,
        database_url=database_url,
        triage_channel_id=triage,
        admin_user_ids=admins,
        language=language,
        categories=_parse_categories(get("TICKET_CATEGORIES")),
        category_specialties=_parse_specialties(
            get("CATEGORY_SPECIALTIES"), _parse_categories(get("TICKET_CATEGORIES"))
        ),
        port=_int(env, "PORT", 3000, 1, 65535),
        dispatch_interval=float(_int(env, "DISPATCH_INTERVAL_SECONDS", 5, 1, 3600)),
        outbox_max_attempts=_int(env, "OUTBOX_MAX_ATTEMPTS", 43, 1, 1000),
        outbox_lease_seconds=_int(env, "OUTBOX_LEASE_SECONDS", 120, 2, 3600),
        **_mail_settings(env),
        timezone=_parse_timezone(get("TIMEZONE")),
        export_max_attempts=_int(env, "EXPORT_MAX_ATTEMPTS", 8, 1, 100),
        **_proactive_settings(env, _parse_timezone(get("TIMEZONE"))),
    )


def load_settings(environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    return parse_settings(load_environment(environ, dotenv=dotenv))


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _parse_timezone(raw: str | None) -> str:
    if not raw:
        return "UTC"
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TIMEZONE must be an IANA time zone such as Europe/Madrid or UTC, not {raw!r}"
        ) from None
    return raw


def _proactive_settings(env: Mapping[str, str], zone: str) -> dict:
    """Service levels, reminders, digests and intake channels (the scheduled side of the bot)."""

    def get(name: str) -> str | None:
        return env.get(name, "").strip() or None

    try:
        ServiceLevels.parse(get("BUSINESS_HOURS"), None, zone)
    except ValueError as error:
        raise ConfigError(f"BUSINESS_HOURS must be like 'Mon-Fri 08:00-18:00': {error}") from None
    try:
        levels = ServiceLevels.parse(get("BUSINESS_HOURS"), get("SLA_TARGETS"), zone)
    except ValueError as error:
        raise ConfigError(f"SLA_TARGETS must be like 'critical=1h/4h, high=4h/1d': {error}") from None
    digest = get("DIGEST_TIME") or "08:00"
    if digest.lower() != "off" and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", digest):
        raise ConfigError(f"DIGEST_TIME must be a time like 08:00, or off, not {digest!r}")
    weekly = get("WEEKLY_REPORT_CRON") or "0 7 * * mon"
    if weekly.lower() != "off":
        try:
            cron_trigger(weekly, zone)
        except ValueError as error:
            raise ConfigError(
                f"WEEKLY_REPORT_CRON must be a crontab like '0 7 * * mon', or off ({error})"
            ) from None
    intake = frozenset(c.strip() for c in (get("INTAKE_CHANNELS") or "").split(",") if c.strip())
    for channel in intake:
        if not _CHANNEL_ID.match(channel):
            raise ConfigError(f"INTAKE_CHANNELS: {channel!r} is not a channel id like C0123ABCD")
    return {
        "service_levels": levels,
        "sla_sweep_seconds": _int(env, "SLA_SWEEP_SECONDS", 60, 5, 3600),
        "unassigned_reminder_minutes": _int(env, "UNASSIGNED_REMINDER_MINUTES", 30, 0, 60 * 24 * 30),
        "digest_time": None if digest.lower() == "off" else digest,
        "weekly_report_cron": None if weekly.lower() == "off" else weekly,
        "intake_channels": intake,
    }


def _parse_categories(raw: str | None) -> tuple[Category, ...]:
    """`TICKET_CATEGORIES=hardware,software,VPN=VPN y acceso remoto`.

    A known key (hardware, software, network, printers, access, other) keeps its translated
    label; any other entry is `key=Label` or a bare label whose key is its slug.
    """
    if not raw:
        return tuple(Category(k) for k in DEFAULT_CATEGORIES)
    categories: list[Category] = []
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        key, _, label = entry.partition("=")
        key, label = key.strip(), label.strip()
        if not label and key.lower() in DEFAULT_CATEGORIES:
            categories.append(Category(key.lower()))
            continue
        label = label or key
        ascii_key = unicodedata.normalize("NFKD", key.lower()).encode("ascii", "ignore").decode()
        slug = _SLUG.sub("-", ascii_key).strip("-")[:40]
        if not slug or len(label) > 75:
            raise ConfigError(
                f"TICKET_CATEGORIES: {entry!r} needs a key and a label of at most 75 characters"
            )
        categories.append(Category(slug, label))
    keys = [c.key for c in categories]
    if not categories or len(set(keys)) != len(keys) or len(keys) > 100:
        raise ConfigError("TICKET_CATEGORIES must list 1 to 100 distinct categories, comma separated")
    return tuple(categories)


def _parse_specialties(raw: str | None, categories: tuple[Category, ...]) -> tuple[tuple[str, str], ...]:
    """`CATEGORY_SPECIALTIES=network=Redes y Servidores;hardware=Hardware y Impresoras`.

    Semicolons separate entries because a specialty may contain a comma. Unset: the seed's
    three specialties, for whichever of their categories are configured.
    """
    keys = {c.key for c in categories}
    if not raw:
        return tuple((k, v) for k, v in DEFAULT_CATEGORY_SPECIALTIES if k in keys)
    pairs: dict[str, str] = {}
    for entry in (e.strip() for e in raw.split(";")):
        if not entry:
            continue
        key, sep, specialty = entry.partition("=")
        key, specialty = key.strip().lower(), specialty.strip()
        if not sep or not specialty or len(specialty) > 100:
            raise ConfigError(
                f"CATEGORY_SPECIALTIES: {entry!r} must look like category=Specialty (at most 100 characters)"
            )
        if key not in keys:
            raise ConfigError(
                f"CATEGORY_SPECIALTIES: {key!r} is not a ticket category (known: {', '.join(sorted(keys))})"
            )
        pairs[key] = specialty
    return tuple(pairs.items())


_ADDRESS = re.compile(r"^[^@\s<>,;]+@[A-Za-z0-9.-]+$")
_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _mail_settings(env: Mapping[str, str]) -> dict:
    """SMTP_* and MAIL_* settings, and ADMIN_EMAILS; an unset SMTP_HOST means the console backend."""

    def get(name: str) -> str | None:
        return env.get(name, "").strip() or None

    host = get("SMTP_HOST")
    starttls, ssl = _bool(env, "SMTP_STARTTLS"), _bool(env, "SMTP_SSL")
    if starttls and ssl:
        raise ConfigError("SMTP_STARTTLS and SMTP_SSL exclude each other: STARTTLS on 587, or SSL on 465")
    username, password = get("SMTP_USERNAME"), get("SMTP_PASSWORD")
    if bool(username) != bool(password):
        raise ConfigError("SMTP_USERNAME and SMTP_PASSWORD go together: set both, or neither")

    mail_from = get("MAIL_FROM")
    if host and not mail_from:
        raise ConfigError("MAIL_FROM is not set: the sender of ticket emails, like helpdesk@example.com")
    if mail_from and not _ADDRESS.match(parseaddr(mail_from)[1]):
        raise ConfigError(f"MAIL_FROM={mail_from!r} is not an address like Helpdesk <helpdesk@example.com>")
    reply_to = get("MAIL_REPLY_TO")
    if reply_to and not _ADDRESS.match(parseaddr(reply_to)[1]):
        raise ConfigError(f"MAIL_REPLY_TO={reply_to!r} is not an address like it@example.com")
    domain = get("MAIL_DOMAIN") or (parseaddr(mail_from)[1].rpartition("@")[2] if mail_from else "localhost")
    if not _DOMAIN.match(domain):
        raise ConfigError(f"MAIL_DOMAIN={domain!r} is not a domain name like example.com")

    admin_emails = tuple(a.strip() for a in (get("ADMIN_EMAILS") or "").split(",") if a.strip())
    for address in admin_emails:
        if not _ADDRESS.match(address):
            raise ConfigError(f"ADMIN_EMAILS: {address!r} is not an email address like it@example.com")

    default_port = 465 if ssl else 587 if starttls else 25
    return {
        "admin_emails": admin_emails,
        "smtp_host": host,
        "smtp_port": _int(env, "SMTP_PORT", default_port, 1, 65535),
        "smtp_username": username,
        "smtp_password": password,
        "smtp_starttls": starttls,
        "smtp_ssl": ssl,
        "smtp_timeout": _int(env, "SMTP_TIMEOUT", 10, 1, 300),
        "mail_from": mail_from or f"ticketbot@{domain}",
        "mail_reply_to": reply_to,
        "mail_domain": domain,
    }


def _bool(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw not in _TRUE + _FALSE:
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    return raw in _TRUE
