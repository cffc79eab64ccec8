"""Message metadata on ticket cards, so workflows and other apps can react to tickets.

Slack keeps `metadata` ({"event_type", "event_payload"}) with the message and sends other apps
subscribed to that event type a `message_metadata_posted` / `_updated` event. A ticket has up
to three cards (triage channel, reporter's DM, engineer's DM), each posted once and updated on
every change; `audience` says which card it is (filter on `triage` for one event per ticket).
Only the ticket's number, status, priority and engineer: never its words.
"""

from __future__ import annotations

from typing import Any

from storage.models import Ticket

TICKET_CREATED, TICKET_UPDATED = "ticket_created", "ticket_updated"


def card_metadata(ticket: Ticket, audience: str, event_type: str) -> dict[str, Any]:
    """`event_type`: TICKET_CREATED when the card is first posted, TICKET_UPDATED when redrawn."""
    payload = {
        "number": ticket.number,
        "ticket_id": ticket.id,
        "status": ticket.status,
        "priority": ticket.priority,
        "engineer": ticket.engineer_id or "",  # Slack's payload values are strings, not null
        "audience": audience,
    }
    return {"event_type": event_type, "event_payload": payload}
