"""Slack message markup → plain text, for tickets filed from a message.

A message's `text` arrives in Slack's markup: `<@U123>`, `<#C123|general>`, `<!channel>`,
`<https://x|label>`, `&lt;` entities and *bold*/_italic_/~strike~/`code` marks. A ticket stores
plain words; wherever the bot shows them again they are escaped (handlers/text.py), so nothing a
message said can ping anyone or become a link from the bot's mouth.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# <…> tokens: mentions, channels, special mentions, links (label after the first "|").
_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_SPECIAL = {"channel", "here", "everyone"}
# Formatting marks around a run of text, only at word edges (snake_case and 2*3*4 stay as they are).
_MARKS = [
    re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"),
    re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])"),
]
_CODE_BLOCK = re.compile(r"```\n?(.*?)\n?```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_QUOTE = re.compile(r"^(?:&gt;|>)\s?", re.MULTILINE)
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))  # &amp; last: "&amp;lt;" is "&lt;"
_SPACES = re.compile(r"[ \t\u00a0]+")

NameOf = Callable[[str], str | None]


def plain_text(markup: str, name_of: NameOf = lambda user_id: None) -> str:
    """The message as a person reads it: `<@U1>` → `@ana` (`name_of`, else `@U1`), links → their
    label, entities unescaped, formatting marks dropped."""

    def token(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            user_id = target[1:]
            return "@" + (label or name_of(user_id) or user_id)
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            word = target[1:].split("^", 1)
            if word[0] in _SPECIAL:
                return "@" + word[0]
            if word[0] == "subteam":
                return label if label and label.startswith("@") else "@" + (label or word[-1])
            return label or word[0]  # <!date^…|fallback>
        if label:
            return label
        return target.removeprefix("mailto:")

    text = _TOKEN.sub(token, markup)
    text = _QUOTE.sub("", text)
    text = _CODE_BLOCK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    for marks in _MARKS:
        text = marks.sub(r"\1", text)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text.strip()


def first_line(text: str) -> str:
    """The first line with words in it, spaces collapsed."""
    for line in text.splitlines():
        line = _SPACES.sub(" ", line).strip()
        if line:
            return line
    return ""


def clip_words(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis when too long."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a word boundary not too far back; else cut inside the long word
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def mentioned_users(markup: str) -> list[str]:
    """User ids mentioned without a label (`<@U1>`), in order, once each."""
    found: list[str] = []
    for match in _TOKEN.finditer(markup):
        target, label = match.group(1), match.group(2)
        if target.startswith("@") and not label and target[1:] not in found:
            found.append(target[1:])
    return found
