"""A submitted filing modal (`/ticket`, the Home button, the message shortcut): its values read
into a `NewTicket`, and the ack that files it or keeps the modal open with the reason."""

from __future__ import annotations

import logging
from collections.abc import Callable

from handlers import ids
from handlers.edge import field_errors
from handlers.i18n import Translator
from handlers.payload import field_value, obj, state_values, string
from handlers.services import Services
from storage.domain import Actor
from storage.errors import InvalidInput
from storage.known_issues import file_joining
from storage.models import Ticket
from storage.tickets import NewTicket

log = logging.getLogger("ticketbot.handlers")


def parse_new_ticket(view: dict) -> NewTicket:
    state = state_values(view)
    return NewTicket(
        title=field_value(state, ids.TITLE_BLOCK, ids.TITLE_ACTION),
        description=field_value(state, ids.DESCRIPTION_BLOCK, ids.DESCRIPTION_ACTION),
        category=field_value(state, ids.CATEGORY_BLOCK, ids.CATEGORY_ACTION),
        priority=field_value(state, ids.PRIORITY_BLOCK, ids.PRIORITY_ACTION),
        # A view id is unique per opened modal: the same submission twice files one ticket.
        request_key=string(view.get("id")) or None,
    )


def joined_incident(view: dict) -> int | None:
    """The incident the reporter ticked "This is my problem — join INC-3" for, if they did
    (handlers/blocks/filing_hints.py: the box's block id ends with the incident's id)."""
    for block_id, actions in state_values(view).items():
        if not (isinstance(block_id, str) and block_id.startswith(ids.HINT_JOIN)):
            continue
        chosen = obj(obj(actions).get(ids.JOIN_ACTION)).get("selected_options")
        for option in chosen if isinstance(chosen, list) else []:
            value = string(obj(option).get("value"))
            if value.isdigit() and len(value) <= 12 and block_id == f"{ids.HINT_JOIN}{value}":
                return int(value)
    return None


def file_form(
    services: Services, reporter: Actor, new: NewTicket, view: dict, filed_by: Actor | None = None
) -> tuple[Ticket, bool]:
    """File a submitted form's ticket, joined to the incident the reporter chose, if any: in one
    transaction, so a joined ticket is never lost, nor filed unlinked."""
    incident_id = joined_incident(view)
    if incident_id is None:
        return services.tickets.create(reporter, new, filed_by=filed_by)
    return file_joining(services.incidents, reporter, new, incident_id, filed_by)


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
