"""How the fake Slack reads a request: query string plus a JSON, form or multipart body.

slack_sdk sends each Web API method in whichever encoding suits it (JSON for blocks,
form fields for most calls, multipart or raw bytes for uploads), so the fake accepts
them all and hands every method one flat params dict.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
from typing import Any
from urllib.parse import parse_qs

JSON_FIELDS = ("blocks", "view", "attachments", "metadata", "files")  # JSON text inside form bodies


def _flatten(query: dict[str, list[str]]) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in query.items()}


def parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Decode multipart/form-data with the stdlib email parser (``cgi`` is gone in 3.13).
    File parts keep their raw bytes; plain fields become strings."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True) or b""
        fields[name] = payload if part.get_filename() is not None else payload.decode("utf-8")
    return fields


def parse_request(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Merge query string and body into one params dict, whatever the body encoding."""
    params = _flatten(parse_qs(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" and body:
        params.update(json.loads(body))
    elif kind == "multipart/form-data":
        params.update(parse_multipart(content_type, body))
    elif body:
        params.update(_flatten(parse_qs(body.decode("utf-8"), keep_blank_values=True)))
    return params


def decode_json_fields(params: dict[str, Any]) -> list[str]:
    """Form bodies carry blocks/view/files as JSON text; decode them in place."""
    problems = []
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError as exc:
                problems.append(f"{key} is not valid JSON ({exc}): {value[:80]!r}")
    return problems
