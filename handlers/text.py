"""Putting user text and times into Slack messages safely."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Escape user text for mrkdwn: `<!channel>` stays text and `<@U123>` never mentions anyone."""
    return text.translate(_ESCAPES)


def escaped(text: str, limit: int) -> str:
    """`text` escaped for mrkdwn, then clipped to `limit` characters — after escaping, since
    `<` grows to `&lt;`, and never inside an entity."""
    out = escape(text)
    if len(out) <= limit:
        return out
    cut = out[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def escaped_chunks(text: str, limit: int) -> list[str]:
    """`text` escaped for mrkdwn, in pieces of at most `limit` characters (a section each), cut at
    a line or word break when there is one, never inside an entity; at least one piece."""
    out, pieces = escape(text), []
    while len(out) > limit:
        cut = max(out.rfind("\n", 0, limit), out.rfind(" ", 0, limit))
        if cut < limit // 2:
            cut = limit
            amp = out.rfind("&", 0, cut)
            if amp != -1 and ";" not in out[amp:cut]:
                cut = amp
        pieces.append(out[:cut])
        out = out[cut:].lstrip("\n ")
    return [*pieces, out]


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_link(url: str, label: str) -> str:
    """`<url|label>` for a URL Slack gave us (a permalink); just the label if the URL looks odd."""
    if not url.startswith("https://") or any(c in url for c in "<>| \n"):
        return escape(label)
    return f"<{url}|{escape(label)}>"


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def slack_date(moment: datetime, token: str = "{date_short_pretty} {time}") -> str:
    """Slack's date token: each reader sees the time in their own time zone."""
    moment = moment.astimezone(timezone.utc)
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{token}|{fallback}>"


def fold(text: str) -> str:
    """Case and accents folded, for matching words people type: `Crítica` → `critica`,
    `EN ESPERA` → `en espera`, `Sí` → `si`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
