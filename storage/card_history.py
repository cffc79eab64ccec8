"""What happened to a ticket since a card showed it, and whether a click on that card still acts.

Every change bumps a ticket's version and a card's buttons carry the version it showed, but an
old version alone is no conflict: the clicker's own earlier change, a note, an SLA warning, a
CSAT answer all bump it, and Slack redraws cards slowly (chat.update has a small budget), so a
second click on a card not yet redrawn is the normal case. Optimistic locking is for conflicting
intent: a click on an old card is refused only when, since that card, someone else made a change
of the kind that decides what the click means (`STATUS_CONFLICTS`, `ASSIGN_CONFLICTS`), or the
history since it is unknown. Whether the action is still legal on the current state is the
caller's check. Each event says which version it was made on (`TicketEvent.ticket_version`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from storage.domain import EventKind, Status
from storage.models import Ticket, TicketEvent

_MOVES = frozenset({EventKind.STATUS.value, EventKind.CLOSED.value, EventKind.REOPENED.value})
# A status change by someone else (the ticket was put on hold, closed, reopened under the card),
# or a reassignment (the work is no longer the one the card was about).
STATUS_CONFLICTS = _MOVES | {EventKind.ASSIGNED.value}
# Two admins assigning at once: the second one picked against an assignment they did not see.
ASSIGN_CONFLICTS = frozenset({EventKind.ASSIGNED.value})


@dataclass(frozen=True)
class CardChange:
    """A change asked for from a card, made: the ticket, and the status it had moved on to since
    the card was drawn (by the clicker's own earlier click) — None when the card showed it."""

    ticket: Ticket
    moved: Status | None = None


def since(session: Session, ticket: Ticket, version: int) -> Sequence[Row] | None:
    """The ticket's events made on `version` or later, oldest first; None if that history is
    unknown: events written before versions were recorded, or a version it never had."""
    rows = session.execute(
        select(TicketEvent.kind, TicketEvent.actor_id, TicketEvent.old_value, TicketEvent.ticket_version)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.ticket_version >= version)
        .order_by(TicketEvent.id)
    ).all()
    # The ticket left `version` by a change made on it: without that event, something is missing.
    if version >= ticket.version or not any(row.ticket_version == version for row in rows):
        return None
    return rows


def conflicts(events: Sequence[Row], user_id: str, kinds: frozenset[str]) -> bool:
    return any(row.kind in kinds and row.actor_id != user_id for row in events)


def shown_status(events: Sequence[Row], current: Status) -> Status:
    """The status the card showed: what the first move since it moved from."""
    first = next((row for row in events if row.kind in _MOVES and row.old_value), None)
    return Status(first.old_value) if first is not None else current
