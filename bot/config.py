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

from dotenv import dotenv_values, find_dotenv

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///ticketbot.db"
DEFAULT_CATEGORIES = ("hardware", "software", "network", "printers", "access", "other")
LANGUAGES = ("en", "es")

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SLUG = re.compile(r"[^a-z0-9]+")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line meant for an operator."""


@dataclass(frozen=True)
class Category:
    key: str
    label: str | None = None  # None: take the label from the language catalog


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
    port: int = 3000
    dispatch_interval: float = 5.0
    outbox_max_attempts: int = 20
    outbox_lease_seconds: int = 120
    extra: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def category_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.categories)

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admin_user_ids

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
        port=_int(env, "PORT", 3000, 1, 65535),
        dispatch_interval=float(_int(env, "DISPATCH_INTERVAL_SECONDS", 5, 1, 3600)),
        outbox_max_attempts=_int(env, "OUTBOX_MAX_ATTEMPTS", 20, 1, 1000),
        outbox_lease_seconds=_int(env, "OUTBOX_LEASE_SECONDS", 120, 2, 3600),
        extra=dict(env),
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
