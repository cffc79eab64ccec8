"""Ticket conditions as SQL: "not closed", and at risk or breached as `storage.sla.state` decides
them for a ticket not closed (written over the due-time columns, for the digests, the Home tab
counters and every other query that counts them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_

from storage.domain import NOT_CLOSED_STATUSES
from storage.models import Ticket


def not_closed() -> ColumnElement[bool]:
    """`status IN (…)`, never `status != 'closed'`: see `storage.domain.NOT_CLOSED_STATUSES`."""
    return Ticket.status.in_(NOT_CLOSED_STATUSES)


def at_risk(now: datetime) -> ColumnElement[bool]:
    """Running clock, warning time reached, due time not yet."""
    return and_(
        Ticket.sla_paused_at.is_(None),
        Ticket.resolution_due_at > now,
        Ticket.resolution_warn_at <= now,
    )


def breached(now: datetime) -> ColumnElement[bool]:
    """Due time passed with the clock running, or the clock stopped only after it was due."""
    return or_(
        and_(Ticket.sla_paused_at.is_(None), Ticket.resolution_due_at <= now),
        Ticket.sla_paused_at > Ticket.resolution_due_at,
    )
