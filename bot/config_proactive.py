"""TIMEZONE, BUSINESS_HOURS, SLA_TARGETS, reminders, digests and intake channels: the scheduled
side of the bot, all in the workspace's zone."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config_env import CHANNEL_ID, ConfigError, Env
from bot.cron import cron_trigger
from storage.sla import DEFAULT_BUSINESS_HOURS, BusinessHours, ServiceLevels


def parse_timezone(raw: str | None) -> str:
    if not raw:
        return "UTC"
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TIMEZONE must be an IANA time zone such as Europe/Madrid or UTC, not {raw!r}"
        ) from None
    return raw


def proactive_settings(env: Env, zone: str) -> dict:
    """The Settings fields for service levels, reminders, digests and intake channels."""
    get = env.get
    # Hours first, then targets on them: each error names the variable that is wrong.
    try:
        hours = BusinessHours.parse(get("BUSINESS_HOURS") or DEFAULT_BUSINESS_HOURS, zone)
    except ValueError as error:
        raise ConfigError(f"BUSINESS_HOURS must be like 'Mon-Fri 08:00-18:00': {error}") from None
    try:
        levels = ServiceLevels.for_hours(hours, get("SLA_TARGETS"))
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
        if not CHANNEL_ID.match(channel):
            raise ConfigError(f"INTAKE_CHANNELS: {channel!r} is not a channel id like C0123ABCD")
    return {
        "service_levels": levels,
        "sla_sweep_seconds": env.number("SLA_SWEEP_SECONDS", 60, 5, 3600),
        "unassigned_reminder_minutes": env.number("UNASSIGNED_REMINDER_MINUTES", 30, 0, 60 * 24 * 30),
        "digest_time": None if digest.lower() == "off" else digest,
        "weekly_report_cron": None if weekly.lower() == "off" else weekly,
        "intake_channels": intake,
        # A reporter's reply this many days after a close reopens the ticket; later, a new one.
        "reopen_window_days": env.number("REOPEN_WINDOW_DAYS", 7, 0, 365),
        # A file shared in a card's thread is kept with the ticket up to this size (each row holds it).
        "file_max_mb": env.number("FILE_MAX_MB", 20, 1, 200),
        # A resembling ticket closed within this many days is "Solved before" on staff cards.
        "known_fix_days": env.number("KNOWN_FIX_DAYS", 90, 1, 3650),
    }
