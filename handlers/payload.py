"""Reading what Slack sent: who acted, where from, and the values of a submitted modal.

Shared by every surface; each helper answers '' or None for a payload of the wrong shape,
never raises (a signed payload may still carry anything).
"""

from __future__ import annotations

import json

from handlers.refs import TicketRef
from storage.domain import Actor


def actor_of(body: dict) -> Actor:
    """The person who clicked, typed or submitted (`body["user"]`)."""
    user = body.get("user") or {}
    return Actor(user_id=user.get("id", ""), name=user.get("username") or user.get("name") or "")


def from_home(body: dict) -> bool:
    return (body.get("view") or {}).get("type") == "home"


def state_values(view: dict) -> dict:
    """A submitted view's `state.values`: {block_id: {action_id: element}}."""
    return (view.get("state") or {}).get("values") or {}


def field_value(state: dict, block: str, action: str) -> str:
    """A text input's value or a select's chosen value; '' when absent or of the wrong shape."""
    element = state.get(block, {}).get(action) or {}
    if not isinstance(element, dict):
        return ""
    selected = element.get("selected_option")
    value = selected.get("value") if isinstance(selected, dict) else element.get("value")
    return value if isinstance(value, str) else ""


def modal_metadata(ref: TicketRef, body: dict) -> str:
    """A card's modal remembers the ticket ref, and the Home tab's own metadata when opened from
    it (to redraw the tab after the submission)."""
    home = (body.get("view") or {}).get("private_metadata") if from_home(body) else None
    return json.dumps({"t": ref.ticket_id, "v": ref.version, "home": home})


def parse_metadata(raw: str | None) -> tuple[TicketRef, str | None] | None:
    """`modal_metadata` read back: the ref and the Home tab's metadata; None if it is not ours."""
    try:
        data = json.loads(raw or "")
        home = data.get("home")
        return TicketRef(int(data["t"]), int(data["v"])), home if isinstance(home, str) else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
