"""What a message says, wherever it says it: its `text`, its blocks, its attachments.

People's messages carry their words in `text` (their rich_text blocks say the same). Alerting bots
(Grafana, PagerDuty, Datadog…) often send an empty `text` or a one-line fallback, with everything
else in legacy attachments (pretext, title, text, fields) or in section/header blocks. The ticket
gets all of it, in that order, each line once, as Slack markup for handlers/message_text.py.
"""

from __future__ import annotations

from typing import Any

_BLOCK_TEXT = ("section", "header")  # context, actions, images, dividers: buttons and footers


def message_markup(message: dict) -> str:
    """The message's words as Slack markup: `text` (else its rich_text blocks), then what its
    section/header blocks and attachments say."""
    text = _string(message.get("text")).strip()
    parts = [text]
    parts += _block_lines(_list(message.get("blocks")), rich=not text)
    for attachment in _list(message.get("attachments")):
        parts += _attachment_lines(attachment)
    return "\n".join(_once(parts))


def _attachment_lines(attachment: Any) -> list[str]:
    if not isinstance(attachment, dict):
        return []
    title = _string(attachment.get("title")).strip()
    link = _string(attachment.get("title_link")).strip()
    lines = [_string(attachment.get("pretext")), f"<{link}|{title}>" if title and link else title]
    lines.append(_string(attachment.get("text")))
    for field in _list(attachment.get("fields")):
        if isinstance(field, dict):
            name, value = _string(field.get("title")).strip(), _string(field.get("value")).strip()
            lines.append(f"{name}: {value}" if name and value else name or value)
    lines += _block_lines(_list(attachment.get("blocks")), rich=True)
    if not any(line.strip() for line in lines):  # the fallback is the summary of what is above
        lines.append(_string(attachment.get("fallback")))
    return lines


def _block_lines(blocks: list, rich: bool) -> list[str]:
    """Lines of section/header blocks; of rich_text blocks too when `rich` (no `text` said it)."""
    lines: list[str] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if block.get("type") in _BLOCK_TEXT:
            lines.append(_text_object(block.get("text")))
            lines += [_text_object(field) for field in _list(block.get("fields"))]
        elif block.get("type") == "rich_text" and rich:
            lines += [_rich_element(element) for element in _list(block.get("elements"))]
    return lines


def _text_object(obj: Any) -> str:
    """A composition text object as markup: mrkdwn as sent; plain_text escaped to be markup."""
    if not isinstance(obj, dict):
        return ""
    text = _string(obj.get("text"))
    return text if obj.get("type") == "mrkdwn" else _escape(text)


def _rich_element(element: Any) -> str:
    """A rich_text section, list, quote or preformatted block as one markup text."""
    if not isinstance(element, dict):
        return ""
    if element.get("type") == "rich_text_list":
        return "\n".join("• " + _rich_element(item) for item in _list(element.get("elements")))
    return "".join(_rich_leaf(leaf) for leaf in _list(element.get("elements")))


def _rich_leaf(leaf: Any) -> str:
    if not isinstance(leaf, dict):
        return ""
    kind = leaf.get("type")
    if kind == "text":
        return _escape(_string(leaf.get("text")))
    if kind == "link":
        url, label = _string(leaf.get("url")), _escape(_string(leaf.get("text")))
        return f"<{url}|{label}>" if label else f"<{url}>"
    if kind == "user":
        return f"<@{_string(leaf.get('user_id'))}>"
    if kind == "channel":
        return f"<#{_string(leaf.get('channel_id'))}>"
    if kind == "usergroup":
        return f"<!subteam^{_string(leaf.get('usergroup_id'))}>"
    if kind == "broadcast":
        return f"<!{_string(leaf.get('range'))}>"
    if kind == "emoji":
        return f":{_string(leaf.get('name'))}:"
    return ""


def _once(parts: list[str]) -> list[str]:
    """Non-empty parts, each once (a fallback `text` often repeats an attachment's title)."""
    seen: set[str] = set()
    kept = []
    for part in parts:
        key = part.strip()
        if key and key not in seen:
            seen.add(key)
            kept.append(key)
    return kept


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
