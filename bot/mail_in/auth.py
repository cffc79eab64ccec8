"""Authentication-Results (RFC 8601), read only as far as the helpdesk needs: did the receiving
server we trust find that the message fails DMARC for the domain in its From:?

A header is believed only when its authserv-id (its first word) is one the operator named in
MAIL_TRUSTED_AUTHSERV_ID: anyone can write an Authentication-Results header into a message, and
RFC 8601 §5 has the receiving server remove those that claim its own id. (The `authres` package
on PyPI was last released in 2019; this small reader is enough for one method and one result.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    method: str  # "dmarc", "spf", "dkim"… lower case
    result: str  # "pass", "fail", "none"… lower case
    properties: dict[str, str]  # "header.from" → "example.com", lower-case keys


@dataclass(frozen=True)
class AuthResults:
    authserv_id: str  # lower case
    results: tuple[Result, ...]


def dmarc_fails(headers: Iterable[str], trusted_ids: Iterable[str], from_domain: str) -> bool:
    """A trusted server said `dmarc=fail` for `from_domain` (or without naming a domain), or
    judged another From domain than the one read here (it saw a different From: than we do)."""
    trusted = {i.lower() for i in trusted_ids}
    domain = from_domain.lower().rstrip(".")
    for header in headers:
        parsed = parse(header)
        if parsed is None or parsed.authserv_id not in trusted:
            continue
        for result in parsed.results:
            named = result.properties.get("header.from", "").lower().rstrip(".")
            if result.method != "dmarc":
                continue
            if (result.result == "fail" and named in ("", domain)) or named not in ("", domain):
                return True
    return False


def parse(header: str) -> AuthResults | None:
    """authserv-id [version] *( ";" method[/version]=result *(reason= / ptype.property=value) );
    None when it does not even start with an authserv-id."""
    pieces = _split(_uncomment(header))
    if not pieces:
        return None
    words = pieces[0].split()
    if not words or "=" in words[0]:
        return None  # no authserv-id (Microsoft 365 writes none): nobody to trust
    results = []
    for piece in pieces[1:]:
        tokens = _tokens(piece)
        if not tokens or "=" not in tokens[0]:
            continue  # "none", or garbage
        method, _, result = tokens[0].partition("=")
        properties = {}
        for token in tokens[1:]:
            key, equal, value = token.partition("=")
            if equal:
                properties[key.lower()] = value.strip('"')
        results.append(Result(method.split("/")[0].strip().lower(), result.strip().lower(), properties))
    return AuthResults(words[0].lower(), tuple(results))


def _uncomment(text: str) -> str:
    """Comments "(…)", nested, dropped; quoted strings kept whole."""
    out, depth, quoted, escaped = [], 0, False, False
    for char in text.replace("\r", " ").replace("\n", " "):
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            if depth == 0:
                out.append(char)
        elif quoted:
            quoted = char != '"'
            out.append(char)
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            out.append(" ")
        elif depth == 0:
            quoted = char == '"'
            out.append(char)
    return "".join(out)


def _split(text: str) -> list[str]:
    """On ";" outside quoted strings."""
    pieces, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            pieces.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    pieces.append("".join(current).strip())
    return [p for p in pieces if p] if pieces and pieces[0] else []


def _tokens(piece: str) -> list[str]:
    """`a = b` written with spaces around "=" is one token, as RFC 8601's CFWS allows."""
    joined = " ".join(piece.split())
    return joined.replace(" = ", "=").replace(" =", "=").replace("= ", "=").split()
