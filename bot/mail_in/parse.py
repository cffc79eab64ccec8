"""One RFC 5322 message as the helpdesk needs it: who sent it, what it answers, the new text,
its attachments, and whether a robot sent it. Pure functions, no Slack and no database.

Hostile mail is the normal case: malformed MIME, charsets that lie or do not exist, headers
that break the parser, subjects carrying CR/LF (raw or inside encoded-words). Nothing here
raises but `NotAnEmail`, for bytes that are not a message at all.
"""

from __future__ import annotations

import email.policy
import re
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

from bot.mail_in.body import BROKEN, body_text

FILENAME_MAX = 255
_MSG_ID = re.compile(r"<[^<>\s]{1,998}>")
_SPACES = re.compile(r"\s+")


class NotAnEmail(ValueError):
    """No header block, no sender: bytes an MTA should never have handed over (EX_DATAERR)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    data: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str | None  # "<…>" as it came, or None
    sender: str  # the From address, lower case
    sender_name: str
    subject: str  # one line: every control character (CR, LF, tab…) became a space
    text: str  # the new text only: no quoted history, no signature; plain text
    references: tuple[str, ...]  # In-Reply-To first, then References, last first
    headers: dict[str, tuple[str, ...]]  # lower-case name → raw values (loops, Authentication-Results)
    content_type: str
    attachments: tuple[Attachment, ...] = ()
    # One address in From:. "ceo@corp.com <attacker@evil.com>" reads as two, and which one a
    # receiving server checked for DMARC is not ours to guess: such a message is refused.
    sender_clear: bool = True

    def header(self, name: str) -> tuple[str, ...]:
        return self.headers.get(name.lower(), ())

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]


def parse(raw: bytes) -> ParsedMail:
    if not raw.strip() or b"\x00" in raw[:4096]:
        raise NotAnEmail("empty, or binary data")
    message = BytesParser(policy=email.policy.default).parsebytes(raw)
    headers: dict[str, list[str]] = {}
    for name, value in message.raw_items():  # raw: a header the policy cannot parse is still read
        headers.setdefault(name.strip().lower(), []).append(str(value))
    if not headers or "from" not in headers:
        raise NotAnEmail("no header block with a From:")
    name, sender = _sender(headers["from"][0])
    addresses = [a for _, a in _safe(lambda: getaddresses(headers["from"]), []) if "@" in a]
    if "@" not in sender:
        raise NotAnEmail("the From: header has no address")
    return ParsedMail(
        message_id=_first_id(headers.get("message-id", [])),
        sender=sender,
        sender_name=name,
        subject=one_line(_decoded(message, "subject")),
        text=body_text(message),
        references=_references(headers),
        headers={k: tuple(v) for k, v in headers.items()},
        content_type=_safe(message.get_content_type, "text/plain"),
        attachments=tuple(attachments(message)),
        sender_clear=len(addresses) == 1 and len(headers["from"]) == 1,
    )


def one_line(text: str) -> str:
    """A header value safe to show anywhere: control and separator characters (CR, LF, U+2028…)
    become spaces, spaces are collapsed."""
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    return _SPACES.sub(" ", cleaned).strip()


def _safe(call, default):
    try:
        return call()
    except BROKEN:  # the email package raises many kinds on broken input: any means "unreadable"
        return default


def _decoded(message: EmailMessage, name: str) -> str:
    """The header with its encoded-words decoded; the raw value when they cannot be."""
    value = _safe(lambda: message.get(name), None)
    if value is None:
        raw = next((v for k, v in message.raw_items() if k.lower() == name), "")
        return str(raw)
    return _safe(lambda: str(value), "")


def _sender(raw_from: str) -> tuple[str, str]:
    pairs = _safe(lambda: getaddresses([raw_from]), [])
    for name, address in pairs:
        if "@" in address:
            decoded = _safe(lambda n=name: str(email.policy.default.header_factory("x", n)), name)
            return one_line(decoded), one_line(address).lower()
    return "", ""


def _first_id(values: list[str]) -> str | None:
    for value in values:
        found = _MSG_ID.search(value)
        if found:
            return found.group(0)
    return None


def _references(headers: dict[str, list[str]]) -> tuple[str, ...]:
    ids: list[str] = []
    for value in headers.get("in-reply-to", []):
        ids += _MSG_ID.findall(value)
    for value in headers.get("references", []):
        ids += reversed(_MSG_ID.findall(value))  # the newest, the one answered, is last
    return tuple(dict.fromkeys(ids))


def attachments(message: EmailMessage) -> list[Attachment]:
    """Every part that is a file (a disposition of attachment, or a name), decoded."""
    found = []
    for part in _safe(lambda: list(message.walk()), [message]):
        if part is message or part.is_multipart():
            continue
        disposition = _safe(part.get_content_disposition, None)
        filename = _safe(part.get_filename, None)
        if disposition != "attachment" and not filename:
            continue
        data = _safe(lambda p=part: p.get_payload(decode=True), b"") or b""
        mimetype = _safe(part.get_content_type, "application/octet-stream")
        found.append(Attachment(_filename(filename, mimetype), mimetype, data))
    return found


def _filename(name: str | None, mimetype: str) -> str:
    name = one_line(name or "").replace("\\", "/").rsplit("/", 1)[-1].strip(". ")
    return name[:FILENAME_MAX] or "attachment." + (mimetype.rpartition("/")[2] or "bin")[:20]
