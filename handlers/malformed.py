"""Signed payloads whose shape Bolt itself cannot read: answered 400 before any listener runs.

Bolt (1.30) indexes a few fields without `.get` while it authorizes, matches listeners, builds
their arguments and logs an unhandled request; a signed body of another shape made it raise,
and Slack (or whoever holds the signing secret) got an HTTP 500 and a traceback in our log.
This middleware checks exactly those fields and nothing more: what a listener reads is the
listener's to check (handlers/payload.py), so a modal with odd values still gets its errors
answered in the modal.

It runs as Bolt's `before_authorize` middleware: after the signature check (an unsigned body
is still a 401), before the authorization middleware, the first to read `body["event"]`. A
`Middleware` object, not a function: Bolt builds a function middleware's arguments with the
same unguarded readers (`to_action`, `to_view`, `to_step`), so it would raise before it ran.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

log = logging.getLogger("ticketbot.handlers")

VIEW_TYPES = ("view_submission", "view_closed")
STEP_TYPES = ("workflow_step_edit",)


def _first_item(value: object) -> object:
    return value[0] if isinstance(value, list) and value else None


def problem(body: object) -> str | None:
    """Why Bolt cannot read this body, or None. Each rule names the Bolt reader it protects."""
    if not isinstance(body, dict):
        return None  # Bolt reads no field of it (an unparsable body is bot/http.py's 400)
    kind = body.get("type")
    # authorization and ignoring_self_events: body.get("event", {}).get(...)
    if "event" in body and not isinstance(body["event"], dict):
        return "event is not an object"
    # payload_utils.is_view_*: "callback_id" in body["view"]; logger.messages: view.get(...)
    if "view" in body and not isinstance(body["view"], dict):
        return "view is not an object"
    view = body.get("view") or {}
    # payload_utils.is_workflow_step_save (from to_step, for every listener): body["view"]["type"]
    if kind in VIEW_TYPES and "callback_id" in view and "type" not in view:
        return "view has no type"
    # to_step: body["workflow_step"] for a workflow step's edit or save
    if "workflow_step" not in body and (
        (kind in STEP_TYPES and "callback_id" in body)
        or (kind in VIEW_TYPES and "callback_id" in view and view.get("type") == "workflow_step")
    ):
        return "workflow step without workflow_step"
    # to_action: body["actions"][0]; builtins._block_action: action["action_id"]
    if kind == "block_actions" and "actions" in body:
        action = _first_item(body["actions"])
        if not isinstance(action, dict) or "action_id" not in action:
            return "actions[0] is not an action with an action_id"
    # to_action for an attachment button: body["actions"][0]
    if kind == "interactive_message" and "callback_id" in body and _first_item(body.get("actions")) is None:
        return "interactive_message without actions"
    return None


class MalformedPayloads(Middleware):
    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        found = problem(req.body)
        if found is None:
            return next()
        # Slack never sends these: a warning without the body (it may carry anything).
        log.warning("signed %s payload refused: %s", _kind(req.body), found)
        return BoltResponse(status=400, body="malformed payload")


def _kind(body: dict) -> str:
    kind = body.get("type")
    return kind[:40] if isinstance(kind, str) else "untyped"
