"""What a button or menu option carries: the ticket id AND the version its card showed.

The version is how a click on an old card is told apart from a click on the current one; the
service refuses it (`StaleTicket`) only when what happened since conflicts with it — two admins
picking at once, someone else's status change, a double click (storage.card_history).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from storage.models import Ticket


@dataclass(frozen=True)
class TicketRef:
    ticket_id: int
    version: int

    @property
    def value(self) -> str:
        return f"{self.ticket_id}:{self.version}"


def ref_of(ticket: Ticket) -> TicketRef:
    return TicketRef(ticket.id, ticket.version)


def parse_ref(value: str | None) -> TicketRef | None:
    """`"42:7"` → TicketRef(42, 7); anything else (a forged or truncated value) → None."""
    if not isinstance(value, str):
        return None
    ticket_id, _, version = value.partition(":")
    if not (ticket_id.isdigit() and version.isdigit()) or len(ticket_id) > 12 or len(version) > 9:
        return None
    return TicketRef(int(ticket_id), int(version))


def clicked_ref(action: dict) -> TicketRef | None:
    """The ticket a button click is about; None (and a warning) for a value we never wrote."""
    ref = parse_ref(action.get("value"))
    if ref is None:
        logging.getLogger("ticketbot.handlers").warning(
            "button %s with a value we never wrote: %r", action.get("action_id"), action.get("value")
        )
    return ref


def assign_value(ticket: Ticket, engineer_id: str) -> str:
    return f"{ref_of(ticket).value}:{engineer_id}"


def parse_assign(value: str | None) -> tuple[TicketRef, str] | None:
    if not isinstance(value, str):
        return None
    head, _, engineer_id = value.rpartition(":")
    ref = parse_ref(head)
    if ref is None or not engineer_id.isalnum() or len(engineer_id) > 32:
        return None
    return ref, engineer_id
