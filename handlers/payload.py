"""Reading what Slack sent: who acted, where from, and the values of a submitted modal.

Shared by every surface; each helper answers '' or None for a payload of the wrong shape,
never raises (a signed payload may still carry anything).
"""

from __future__ import annotations

import json

from handlers.refs import TicketRef
from storage.domain import Actor


def obj(value: object) -> dict:
    """A payload field that should be an object: itself, or {} when it is anything else."""
    return value if isinstance(value, dict) else {}


def string(value: object) -> str:
    """A payload field that should be a string: itself, or '' when it is anything else."""
    return value if isinstance(value, str) else ""


def actor_of(body: dict) -> Actor:
    """The person who clicked, typed or submitted (`body["user"]`)."""
    user = obj(body.get("user"))
    name = string(user.get("username")) or string(user.get("name"))
    return Actor(user_id=string(user.get("id")), name=name)


def trigger_of(body: dict) -> str:
    """What opens a modal (`trigger_id`); '' when absent: then no modal can be opened."""
    return string(body.get("trigger_id"))


def from_home(body: dict) -> bool:
    return obj(body.get("view")).get("type") == "home"


def state_values(view: dict) -> dict:
    """A submitted view's `state.values`: {block_id: {action_id: element}}."""
    return obj(obj(view.get("state")).get("values"))


def field_value(state: dict, block: str, action: str) -> str:
    """A text input's value or a select's chosen value; '' when absent or of the wrong shape."""
    element = obj(obj(state.get(block)).get(action))
    selected = element.get("selected_option")
    return string(selected.get("value") if isinstance(selected, dict) else element.get("value"))


def selected_value(action: dict) -> str:
    """The value of the option a menu click chose; '' when absent or of the wrong shape."""
    return string(obj(action.get("selected_option")).get("value"))


def modal_metadata(ref: TicketRef, body: dict) -> str:
    """A card's modal remembers the ticket ref, and the Home tab's own metadata when opened from
    it (to redraw the tab after the submission)."""
    home = obj(body.get("view")).get("private_metadata") if from_home(body) else None
    return json.dumps({"t": ref.ticket_id, "v": ref.version, "home": home})


def parse_metadata(raw: str | None) -> tuple[TicketRef, str | None] | None:
    """`modal_metadata` read back: the ref and the Home tab's metadata; None if it is not ours."""
    try:
        data = json.loads(raw or "")
        home = data.get("home")
        return TicketRef(int(data["t"]), int(data["v"])), home if isinstance(home, str) else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
