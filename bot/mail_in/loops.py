"""Mail no person wrote: auto-replies, bounces, lists, and our own notifications coming back.
Answering any of them could start a loop (RFC 3834); they are ignored, each with its reason."""

from __future__ import annotations

from collections.abc import Iterable

from bot.mail_in.parse import ParsedMail

BULK = frozenset({"bulk", "junk", "list"})
DAEMONS = frozenset({"mailer-daemon", "postmaster", "mailer_daemon", "mail-daemon"})
AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder")


def automatic(mail: ParsedMail, own_addresses: Iterable[str]) -> str | None:
    """Why this message is one to ignore, or None when a person wrote it."""
    for value in mail.header("auto-submitted"):
        token = value.split(";")[0].strip().lower()
        if token and token != "no":
            return f"Auto-Submitted: {token}"
    for value in mail.header("precedence"):
        if value.strip().lower() in BULK:
            return f"Precedence: {value.strip().lower()}"
    for name in AUTO_HEADERS:
        if mail.header(name):
            return f"{name} header"
    local = mail.sender.partition("@")[0]
    if local in DAEMONS:
        return f"sent by {local}"
    if mail.content_type == "multipart/report":
        return "a delivery or read report"
    if mail.sender in {a.lower() for a in own_addresses if a}:
        return "sent by ticketbot itself"
    return None
