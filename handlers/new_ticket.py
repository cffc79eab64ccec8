"""A submitted filing modal (`/ticket`, the Home button, the message shortcut): its values read
into a `NewTicket`, and the ack that files it or keeps the modal open with the reason."""

from __future__ import annotations

import logging
from collections.abc import Callable

from handlers import ids
from handlers.edge import field_errors
from handlers.i18n import Translator
from handlers.payload import field_value, state_values, string
from storage.errors import InvalidInput
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
