"""SMTP_*, MAIL_* and ADMIN_EMAILS: how ticket emails and the weekly report are sent."""

from __future__ import annotations

import re
from email.utils import parseaddr

from bot.config_env import ConfigError, Env

_ADDRESS = re.compile(r"^[^@\s<>,;]+@[A-Za-z0-9.-]+$")
_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def mail_settings(env: Env) -> dict:
    """The Settings fields for mail; an unset SMTP_HOST means the console backend."""
    get = env.get
    host = get("SMTP_HOST")
    starttls, ssl = env.flag("SMTP_STARTTLS"), env.flag("SMTP_SSL")
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
        "smtp_port": env.number("SMTP_PORT", default_port, 1, 65535),
        "smtp_username": username,
        "smtp_password": password,
        "smtp_starttls": starttls,
        "smtp_ssl": ssl,
        "smtp_timeout": env.number("SMTP_TIMEOUT", 10, 1, 300),
        "mail_from": mail_from or f"ticketbot@{domain}",
        "mail_reply_to": reply_to,
        "mail_domain": domain,
    }
