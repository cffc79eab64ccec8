"""`ticketbot check`: is this installation ready? One line per check, non-zero exit on a failure."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.config import ConfigError, Settings
from storage.errors import DatabaseError

# Exactly the bot scopes the app uses; manifest.yml declares the same (a test keeps them equal).
REQUIRED_SCOPES = frozenset(
    {
        "commands",  # /ticket
        "chat:write",  # cards, DMs, thread replies
        "im:write",  # DMs with reporters and engineers
        "users:read",  # names, time zones
        "users:read.email",  # the email mirror
        "files:write",  # Excel exports
        "channels:read",  # is the bot in the triage channel (or where an export was asked for)?
        "groups:read",  # the same for private channels
        "im:read",  # the same for a DM (`/ticket export all` typed in one)
        "mpim:read",  # the same for a group DM
        "reactions:read",  # :ticket: reactions in INTAKE_CHANNELS
        "channels:history",  # read the message reacted to
        "groups:history",  # the same in private channels; messages in triage card threads
        "im:history",  # messages in the threads of DM cards, and plain DMs to the bot
        "reactions:write",  # ✅ on a thread message once relayed
        "files:read",  # download the files shared in card threads (url_private_download)
    }
)
# Needed only for :ticket: reaction intake: an install without INTAKE_CHANNELS may lack it. (The
# channels' and groups' history are read for the triage card's thread too: always needed.)
INTAKE_SCOPES = frozenset({"reactions:read"})


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'✔' if self.ok else '✘'} {self.name}: {self.detail}"


Check = Callable[[Settings, dict], Iterator[Result]]


def check_configuration(settings: Settings, state: dict) -> Iterator[Result]:
    try:
        settings.require("SLACK_BOT_TOKEN", "TRIAGE_CHANNEL_ID")
        if not (settings.slack_app_token or settings.slack_signing_secret):
            raise ConfigError("set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
    except ConfigError as error:
        yield Result("configuration", False, str(error))
        return
    mode = "Socket Mode" if settings.slack_app_token else "HTTP mode"
    yield Result(
        "configuration",
        True,
        f"{mode}, language {settings.language}, {len(settings.admin_user_ids)} admin(s)",
    )


def check_database(settings: Settings, state: dict) -> Iterator[Result]:
    from storage.db import Database
    from storage.migrate import current_revision, head_revision

    db = Database.from_url(settings.database_url)
    try:
        db.ping()
        yield Result("database", True, f"{db.engine.dialect.name} reachable")
        current, head = current_revision(db.engine), head_revision()
        if current == head:
            yield Result("migrations", True, f"at {head} (latest)")
        else:
            yield Result(
                "migrations", False, f"at {current or 'none'}, latest is {head}: run `ticketbot db upgrade`"
            )
    except DatabaseError as error:
        yield Result("database", False, f"unreachable ({getattr(error, 'orig', error)}); check DATABASE_URL")
    finally:
        db.dispose()


def check_slack(settings: Settings, state: dict) -> Iterator[Result]:
    from bot.app import web_client

    if not settings.slack_bot_token:
        return
    client = web_client(settings, retries=True)
    try:
        who = client.auth_test()
    except SlackApiError as error:
        yield Result("Slack token", False, f"refused: {error.response.get('error')}")
        return
    except OSError as error:
        yield Result("Slack token", False, f"cannot reach {settings.slack_api_url}: {error}")
        return
    yield Result("Slack token", True, f"bot @{who.get('user')} in {who.get('team')}")
    header = next((v for k, v in who.headers.items() if k.lower() == "x-oauth-scopes"), "")
    granted = {s.strip() for s in header.split(",") if s.strip()}
    needed = REQUIRED_SCOPES if settings.intake_channels else REQUIRED_SCOPES - INTAKE_SCOPES
    missing = sorted(needed - granted)
    if missing:
        yield Result("scopes", False, f"missing {', '.join(missing)}: add them (manifest.yml) and reinstall")
    else:
        yield Result("scopes", True, "all granted")
    if settings.triage_channel_id:
        yield _triage_membership(client, settings.triage_channel_id)
    for channel in sorted(settings.intake_channels):  # a :ticket: there needs the bot to read it
        yield _triage_membership(client, channel, what="intake channel")


def check_socket_mode(settings: Settings, state: dict) -> Iterator[Result]:
    """What `ticketbot run` asks first: a connection URL for the app token (no token: HTTP mode)."""
    from slack_sdk import WebClient

    if not settings.slack_app_token:
        return
    client = WebClient(base_url=settings.slack_api_url, timeout=10)
    try:
        client.apps_connections_open(app_token=settings.slack_app_token)
    except SlackApiError as error:
        reason = error.response.get("error")
        yield Result(
            "Socket Mode",
            False,
            f"apps.connections.open refused the app token: {reason}; SLACK_APP_TOKEN must be an "
            "app-level token with connections:write, and Socket Mode on in the app's settings",
        )
        return
    except OSError as error:
        yield Result("Socket Mode", False, f"cannot reach {settings.slack_api_url}: {error}")
        return
    yield Result("Socket Mode", True, "apps.connections.open gives this app token a connection")


def _triage_membership(client, channel: str, what: str = "triage channel") -> Result:
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as error:
        return Result(what, False, f"{channel}: {error.response.get('error')}")
    if not info.get("is_member"):
        return Result(what, False, f"the bot is not in #{info.get('name', channel)}: /invite it there")
    return Result(what, True, f"the bot is in #{info.get('name', channel)}")


def check_email(settings: Settings, state: dict) -> Iterator[Result]:
    from bot.dispatcher import Permanent, Retry
    from bot.email.smtp import SmtpSender

    if not settings.smtp_host:
        yield Result("email", True, "console backend (SMTP_HOST is unset): emails are written to the log")
        return
    sender = SmtpSender.from_settings(settings)
    try:
        sender.verify()
    except (Retry, Permanent) as error:
        yield Result("email", False, f"{sender.description}: {error}; check SMTP_* settings")
        return
    yield Result("email", True, f"{sender.description} accepts us; emails come from {settings.mail_from}")


def check_mailbox(settings: Settings, state: dict) -> Iterator[Result]:
    """Email in by IMAP: can we log in and open IMAP_FOLDER (read-only: nothing is taken)?"""
    from bot.imap_poll import ImapPoller

    if settings.imap is None:
        return
    ok, line = ImapPoller(settings.imap, lambda raw: "tempfail").probe()
    yield Result("IMAP mailbox", ok, line)


CHECKS: list[Check] = [
    check_configuration,
    check_database,
    check_slack,
    check_socket_mode,
    check_email,
    check_mailbox,
]


def run_checks(settings: Settings, checks: list[Check] | None = None) -> list[Result]:
    state: dict = {}
    return [result for check in (checks or CHECKS) for result in check(settings, state)]
