"""The Block Kit rules the fake Slack enforces on everything the app asks it to render.

Slack answers ``invalid_blocks`` for a message or view that breaks its limits, and in
production that is a silently missing card; here each problem becomes one readable line
in ``fake.violations`` so tests catch it before Slack would.
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")
MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS, MAX_VIEW_TITLE = 50, 100, 24
MAX_ID, MAX_OPTION_TEXT, MAX_OPTIONS = 255, 75, 100
MAX_SECTION_TEXT, MAX_FIELD_TEXT, MAX_HEADER_TEXT = 3000, 2000, 150


def _text_of(obj: Any) -> str:
    """Text of a text object, or of a bare string (Slack accepts both in places)."""
    return str(obj.get("text") or "") if isinstance(obj, dict) else str(obj or "")


def _limit_problems(node: Any, path: str) -> list[str]:
    """Walk the raw JSON for the limits we care most about. slack_sdk's ``validate_json``
    is not recursive, so e.g. an over-long nested ``action_id`` would slip past it."""
    if isinstance(node, list):
        return [p for i, item in enumerate(node) for p in _limit_problems(item, f"{path}[{i}]")]
    if not isinstance(node, dict):
        return []
    found: list[str] = []

    def check(label: str, value: str, limit: int) -> None:
        if len(value) > limit:
            found.append(f"{path}: {label} is {len(value)} chars (max {limit})")

    for key in ("block_id", "action_id"):
        if isinstance(node.get(key), str):
            check(key, node[key], MAX_ID)
    if node.get("type") == "section":
        check("section text", _text_of(node.get("text")), MAX_SECTION_TEXT)
        for i, field in enumerate(node.get("fields") or []):
            check(f"fields[{i}] text", _text_of(field), MAX_FIELD_TEXT)
    elif node.get("type") == "header":
        check("header text", _text_of(node.get("text")), MAX_HEADER_TEXT)
    for key in ("options", "option_groups"):
        if isinstance(node.get(key), list) and len(node[key]) > MAX_OPTIONS:
            found.append(f"{path}: {len(node[key])} {key} (max {MAX_OPTIONS})")
    for i, option in enumerate(node.get("options") or []):
        if isinstance(option, dict):
            text = _text_of(option.get("text"))
            if len(text) > MAX_OPTION_TEXT:
                found.append(f"{path}.options[{i}]: option text is {len(text)} chars (max {MAX_OPTION_TEXT})")
    for key, value in node.items():
        if isinstance(value, (dict, list)) and key != "options":
            found += _limit_problems(value, f"{path}.{key}")
    return found


def block_problems(blocks: Any, where: str, max_blocks: int) -> list[str]:
    """Every problem with a list of blocks, one readable line each."""
    if not isinstance(blocks, list):
        return [f"{where}: blocks must be a list, got {type(blocks).__name__}"]
    found = [f"{where}: {len(blocks)} blocks (max {max_blocks})"] if len(blocks) > max_blocks else []
    for i, raw in enumerate(blocks):
        path = f"{where}.blocks[{i}]"
        explicit = _limit_problems(raw, path)
        if explicit:  # our precise message beats the SDK's duplicate of the same complaint
            found += explicit
            continue
        label = f"{path} ({raw.get('type')!r})" if isinstance(raw, dict) else path
        try:
            block = Block.parse(raw)
            if block is None:
                found.append(f"{label}: unknown or missing block type")
                continue
            block.validate_json()
            block.to_dict()  # to_dict() re-validates every nested element, option and text
        except Exception as exc:  # any SDK complaint is a violation, never a server crash
            found.append(f"{label}: {exc}")
    return found


def message_problems(method: str, params: dict[str, Any]) -> list[str]:
    if method == "response_url" and params.get("delete_original"):
        return []
    found = []
    if not (params.get("text") or params.get("blocks") or params.get("attachments")):
        found.append(f"{method}: neither text, blocks nor attachments given")
    if "blocks" in params:
        found += block_problems(params["blocks"], method, MAX_MESSAGE_BLOCKS)
    if "metadata" in params:
        found += metadata_problems(method, params["metadata"])
    return found


_EVENT_TYPE = re.compile(r"^[A-Za-z0-9_]+$")  # "alphanumeric", with underscores as in Slack's examples
_SCALARS = (str, int, float, bool)


def metadata_problems(method: str, metadata: Any) -> list[str]:
    """Message metadata as Slack's types define it: {"event_type": an alphanumeric name,
    "event_payload": an object whose values are scalars, objects of scalars or lists of those}."""
    if not isinstance(metadata, dict) or set(metadata) != {"event_type", "event_payload"}:
        return [f"{method}: metadata must be exactly {{event_type, event_payload}}, got {metadata!r}"]
    found = []
    event_type, payload = metadata["event_type"], metadata["event_payload"]
    if not isinstance(event_type, str) or not _EVENT_TYPE.match(event_type):
        found.append(f"{method}: metadata.event_type {event_type!r} is not an alphanumeric name")
    if not isinstance(payload, dict):
        return [*found, f"{method}: metadata.event_payload must be an object, got {payload!r}"]

    def flat(value: Any) -> bool:
        return isinstance(value, dict) and all(isinstance(v, _SCALARS) for v in value.values())

    for key, value in payload.items():
        nested = flat(value) or (isinstance(value, list) and all(flat(v) for v in value))
        if not (isinstance(value, _SCALARS) or nested):
            found.append(
                f"{method}: metadata.event_payload.{key} = {value!r} is not a string, number or boolean"
            )
    return found


def view_problems(method: str, view: Any) -> list[str]:
    if not isinstance(view, dict):
        return [f"{method}: view must be an object, got {type(view).__name__}"]
    if view.get("type") not in ("modal", "home"):
        return [f"{method}: view.type must be 'modal' or 'home', got {view.get('type')!r}"]
    found = block_problems(view.get("blocks", []), f"{method} view", MAX_VIEW_BLOCKS)
    title = _text_of(view.get("title"))
    if len(title) > MAX_VIEW_TITLE:
        found.append(f"{method}: view title {title!r} is {len(title)} chars (max {MAX_VIEW_TITLE})")
    if not found:
        try:
            View(**view).validate_json()  # view-level rules: submit/close length, metadata size...
        except Exception as exc:
            found.append(f"{method}: view: {exc}")
    return found


def request_problems(method: str, params: dict[str, Any]) -> list[str]:
    """The Block Kit problems of one Web API call (none for methods that render nothing)."""
    if method in MESSAGE_METHODS:
        return message_problems(method, params)
    if method.startswith("views."):
        return view_problems(method, params.get("view"))
    return []
