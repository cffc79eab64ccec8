"""IMAP_*: the helpdesk mailbox the delivery process reads (email in by IMAP, bot.imap_poll)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from bot.config_env import ConfigError, Env

_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.:-]*[A-Za-z0-9])?$")  # a name, IPv4 or IPv6
_OTHERS = (
    "IMAP_PORT",
    "IMAP_USERNAME",
    "IMAP_PASSWORD",
    "IMAP_FOLDER",
    "IMAP_STARTTLS",
    "IMAP_POLL_SECONDS",
    "IMAP_DONE_FOLDER",
    "IMAP_FAILED_FOLDER",
    "IMAP_MAX_ATTEMPTS",
    "IMAP_CA_FILE",
    "IMAP_OAUTH2_CLIENT_ID",
    "IMAP_OAUTH2_CLIENT_SECRET",
    "IMAP_OAUTH2_TENANT",
    "IMAP_OAUTH2_TOKEN_URL",
    "IMAP_OAUTH2_SCOPE",
)
MICROSOFT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
MICROSOFT_SCOPE = "https://outlook.office365.com/.default"
_TENANT = re.compile(r"^[A-Za-z0-9.-]+$")  # a tenant id (a GUID) or domain, like contoso.onmicrosoft.com
_LOOPBACK = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\])[:/]")


@dataclass(frozen=True)
class OAuthClient:
    """An app that logs in with an OAuth 2.0 token of its own (client credentials; bot.imap_oauth)."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: str = MICROSOFT_SCOPE


@dataclass(frozen=True)
class ImapSettings:
    host: str
    username: str
    password: str = field(repr=False)
    port: int = 993
    starttls: bool = False  # False: TLS from the first byte (IMAPS); True: STARTTLS, never plain text
    folder: str = "INBOX"
    done_folder: str | None = None  # None: a handled message is flagged \Seen (and a keyword) instead
    poll_seconds: int = 60
    failed_folder: str = "Ticketbot/Failed"  # where a message is moved after max_attempts failed tries
    max_attempts: int = 10  # failed tries (a bug, not an outage) before a message is given up on
    ca_file: str | None = None  # None: the system's trusted certificates
    oauth: OAuthClient | None = None  # set: XOAUTH2 with a token of this app's, and no password

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def _folder(env: Env, name: str, default: str | None) -> str | None:
    value = env.get(name) or default
    if value is not None and any(ch in value for ch in '\r\n\0"\\'):
        raise ConfigError(f"{name}={value!r} is not a folder name like INBOX or Helpdesk/Done")
    return value


def imap_settings(env: Env) -> dict:
    """The Settings field `imap`: None unless IMAP_HOST is set."""
    host = env.get("IMAP_HOST")
    if host is None:
        stray = [name for name in _OTHERS if env.get(name) is not None]
        if stray:
            raise ConfigError(f"{stray[0]} is set but IMAP_HOST is not: set IMAP_HOST to read a mailbox")
        return {"imap": None}
    if not _HOST.match(host):
        raise ConfigError(f"IMAP_HOST={host!r} must be a host name like outlook.office365.com, not a URL")
    username, password = env.get("IMAP_USERNAME"), env.values.get("IMAP_PASSWORD", "")
    if not username:
        raise ConfigError("IMAP_USERNAME is not set: the mailbox's login, like helpdesk@example.com")
    oauth = _oauth(env)
    if oauth and password.strip():
        raise ConfigError(
            "IMAP_PASSWORD and IMAP_OAUTH2_CLIENT_ID exclude each other: a password, or a token"
        )
    if not oauth and not password.strip():
        raise ConfigError(
            "IMAP_PASSWORD is not set: the mailbox's password (or app password), or IMAP_OAUTH2_* for a token"
        )
    starttls = env.flag("IMAP_STARTTLS")
    folder = _folder(env, "IMAP_FOLDER", "INBOX")
    done = _folder(env, "IMAP_DONE_FOLDER", None)
    if done is not None and done.casefold() == folder.casefold():
        raise ConfigError(
            "IMAP_DONE_FOLDER must differ from IMAP_FOLDER: what is moved there would be read again"
        )
    failed = _folder(env, "IMAP_FAILED_FOLDER", "Ticketbot/Failed")
    if failed.casefold() == folder.casefold():
        raise ConfigError(
            "IMAP_FAILED_FOLDER must differ from IMAP_FOLDER: what is given up on would be read again"
        )
    ca_file = env.get("IMAP_CA_FILE")
    if ca_file and not os.path.isfile(ca_file):
        raise ConfigError(f"IMAP_CA_FILE={ca_file!r} is not a file: a PEM file of CA certificates")
    return {
        "imap": ImapSettings(
            host=host,
            username=username,
            password=password,  # as written: a password may begin or end with a space
            port=env.number("IMAP_PORT", 143 if starttls else 993, 1, 65535),
            starttls=starttls,
            folder=folder,
            done_folder=done,
            poll_seconds=env.number("IMAP_POLL_SECONDS", 60, 5, 3600),
            failed_folder=failed,
            max_attempts=env.number("IMAP_MAX_ATTEMPTS", 10, 1, 20),
            ca_file=ca_file,
            oauth=oauth,
        )
    }


def _oauth(env: Env) -> OAuthClient | None:
    client_id, secret = env.get("IMAP_OAUTH2_CLIENT_ID"), env.get("IMAP_OAUTH2_CLIENT_SECRET")
    tenant, token_url = env.get("IMAP_OAUTH2_TENANT"), env.get("IMAP_OAUTH2_TOKEN_URL")
    if not (client_id or secret or tenant or token_url or env.get("IMAP_OAUTH2_SCOPE")):
        return None
    if not client_id or not secret:
        raise ConfigError(
            "IMAP_OAUTH2_CLIENT_ID and IMAP_OAUTH2_CLIENT_SECRET go together: the app's id and secret"
        )
    if tenant and token_url:
        raise ConfigError(
            "IMAP_OAUTH2_TENANT and IMAP_OAUTH2_TOKEN_URL exclude each other: one names the other"
        )
    if tenant:
        if not _TENANT.match(tenant):
            raise ConfigError(
                f"IMAP_OAUTH2_TENANT={tenant!r} is not a tenant id or domain like contoso.onmicrosoft.com"
            )
        token_url = MICROSOFT_TOKEN_URL.format(tenant=tenant)
    if not token_url:
        raise ConfigError("IMAP_OAUTH2_TENANT is not set: the Microsoft 365 tenant (id or domain)")
    if not (token_url.startswith("https://") or _LOOPBACK.match(token_url)):
        raise ConfigError("IMAP_OAUTH2_TOKEN_URL must be an https:// URL: the app's secret travels on it")
    return OAuthClient(token_url, client_id, secret, env.get("IMAP_OAUTH2_SCOPE") or MICROSOFT_SCOPE)
