"""Modal submissions."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App

from handlers import ids
from handlers.edge import field_errors
from handlers.i18n import Translator
from handlers.services import Services
from storage.domain import Actor
from storage.errors import InvalidInput
from storage.tickets import NewTicket

log = logging.getLogger("ticketbot.handlers")


def _value(state: dict, block: str, action: str) -> str:
    """A text input's value or a select's chosen value; '' when absent or of the wrong shape."""
    element = state.get(block, {}).get(action) or {}
    if not isinstance(element, dict):
        return ""
    selected = element.get("selected_option")
    value = selected.get("value") if isinstance(selected, dict) else element.get("value")
    return value if isinstance(value, str) else ""


def parse_new_ticket(view: dict) -> NewTicket:
    state = (view.get("state") or {}).get("values") or {}
    return NewTicket(
        title=_value(state, ids.TITLE_BLOCK, ids.TITLE_ACTION),
        description=_value(state, ids.DESCRIPTION_BLOCK, ids.DESCRIPTION_ACTION),
        category=_value(state, ids.CATEGORY_BLOCK, ids.CATEGORY_ACTION),
        priority=_value(state, ids.PRIORITY_BLOCK, ids.PRIORITY_ACTION),
        # A view id is unique per opened modal: the same submission twice files one ticket.
        request_key=view.get("id") or None,
    )


def ack_filing(ack: Callable[..., None], tr: Translator, file: Callable[[], object]) -> None:
    """Answer a filing modal's submission: `file()` the ticket, or keep the modal (and what the
    person typed) open with the reason. Slack's DM and triage card leave through the outbox."""
    try:
        file()
    except InvalidInput as error:
        ack(response_action="errors", errors=field_errors(tr, error.errors))
        return
    except Exception:
        log.exception("filing a ticket failed")
        ack(response_action="errors", errors={ids.TITLE_BLOCK: tr("error.generic")})
        return
    ack()  # closes the modal


def register(app: App, services: Services) -> None:
    tr = services.tr

    def file_ticket(ack, body, view):
        user = body.get("user") or {}
        actor = Actor(user_id=user.get("id", ""), name=user.get("username") or user.get("name") or "")
        ack_filing(ack, tr, lambda: services.tickets.create(actor, parse_new_ticket(view)))

    app.view(ids.NEW_TICKET_VIEW)(file_ticket)
