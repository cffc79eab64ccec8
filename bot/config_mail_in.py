"""MAIL_MAX_BYTES, MAIL_TRUSTED_AUTHSERV_ID, MAIL_ACCEPT_UNKNOWN: how email is taken in
(`ticketbot mail-in`, bot/mail_in)."""

from __future__ import annotations

import re

from bot.config_env import ConfigError, Env

# Gmail's and Microsoft 365's own limit on a message: base64 makes an attachment a third bigger,
# so the largest attachment that fits is about 18 MB.
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
_AUTHSERV_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")


def mail_in_settings(env: Env) -> dict:
    listed = (env.get("MAIL_TRUSTED_AUTHSERV_ID") or "").split(",")
    ids = tuple(i.strip().lower() for i in listed if i.strip())
    for authserv_id in ids:
        if not _AUTHSERV_ID.match(authserv_id):
            raise ConfigError(
                f"MAIL_TRUSTED_AUTHSERV_ID: {authserv_id!r} is not a host name like mx.example.com "
                "(the authserv-id your receiving server writes in Authentication-Results)"
            )
    return {
        "mail_max_bytes": env.number("MAIL_MAX_BYTES", DEFAULT_MAX_BYTES, 10_000, 1024 * 1024 * 1024),
        "mail_trusted_authserv_ids": ids,
        "mail_accept_unknown": env.flag("MAIL_ACCEPT_UNKNOWN"),
    }
