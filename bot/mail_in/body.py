"""The new text of an email: the body as plain text, without the quoted history or signature.

HTML-only mail is converted with inscriptis (scripts and styles are dropped, never run: it is
text from here on). Quoted history and signatures are cut by mail-parser-reply, which knows the
English and Spanish quote headers of Outlook ("From: … Sent: …", "De: … Enviado: …"), Gmail
and Apple Mail ("On … wrote:"); what it misses in real mail is cut after it (`_cut_more`).
"""

from __future__ import annotations

import re
from email.errors import MessageError
from email.message import EmailMessage, Message

from inscriptis import get_text
from mailparser_reply.parser import EmailMessage as ReplyParser

LANGUAGES = ["en", "es"]
# What the email package, inscriptis and a reply regex raise on broken input: "unreadable".
BROKEN = (ArithmeticError, AssertionError, AttributeError, LookupError, TypeError, ValueError, MessageError)
# Gmail's Spanish attribution has one space before "escribió:", where the library wants two;
# a long attribution is wrapped over two lines by most clients.
_ATTRIBUTION = re.compile(r"^(?:>\s*)*(?:On|El)\s.{4,400}?\s(?:wrote|escribió|escribio):\s*$", re.I | re.S)
_SENT_FROM = re.compile(
    r"^(?:Sent from my|Sent from Outlook|Get Outlook for|Enviado desde mi|Obtener Outlook)\b", re.I
)
_SIGNATURE = re.compile(r"^-- ?$")


def body_text(message: EmailMessage) -> str:
    """The new text, plain, '\\n' line ends; '' when the message has no text part."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except BROKEN:  # a broken MIME tree: read what the top says
        part = message if message.get_content_maintype() == "text" else None
    if part is None:
        return ""
    text = _content(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return new_text(text)


def html_to_text(html: str) -> str:
    try:
        return get_text(html)
    except (*BROKEN, RecursionError):  # inscriptis on a broken document: its tags, crudely removed
        return re.sub(r"<[^>]*>", " ", re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html))


def new_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        replies = ReplyParser(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read().replies
        latest = replies[0].body if replies else text
    except (*BROKEN, RecursionError):  # a regex of the library tripping on odd input: keep the text whole
        latest = text
    return _cut_more(latest or "").strip()


def _cut_more(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        pair = line + ("\n" + lines[i + 1] if i + 1 < len(lines) else "")
        if _SIGNATURE.match(line) or _ATTRIBUTION.match(line.strip()) or _ATTRIBUTION.match(pair.strip()):
            lines = lines[:i]
            break
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()  # a quote left at the end, with nobody's attribution over it
    if lines and _SENT_FROM.match(lines[-1].strip()):
        lines.pop()
    return "\n".join(lines)


def _content(part: Message) -> str:
    """The part's text, whatever its charset claims: an unknown or lying one reads as UTF-8,
    else Latin-1, never failing."""
    try:
        return part.get_content()
    except BROKEN:
        pass
    data = part.get_payload(decode=True) or b""
    if isinstance(data, str):
        return data
    for charset in (part.get_content_charset() or "utf-8", "utf-8"):
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")
