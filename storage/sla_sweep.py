"""The minute sweep: find tickets crossing a service-level threshold and warn once about each.

Run by the leader only (bot/app.py). Each warning is a `TicketService.alert`: an internal event
plus its outbox rows, guarded by a `sla_alerts` row, so a ticket is warned once per threshold
however often the sweep runs, and a crash between finding and warning loses nothing (the next
minute finds it again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.sql import ColumnElement

from storage.domain import EventKind, Status
from storage.models import SlaAlert, Ticket
from storage.tickets import TicketService

log = logging.getLogger("ticketbot.sla")

RUNNING = (Status.OPEN.value, Status.IN_PROGRESS.value)  # the clock runs for these
BATCH = 500  # warnings per kind per sweep: a backlog drains over a few minutes, not in one burst


@dataclass(frozen=True)
class Threshold:
    kind: EventKind
    where: Callable[[datetime, datetime], ColumnElement[bool]]  # (now, unassigned_before) → SQL
    holds: Callable[[Ticket, datetime, datetime], bool]  # the same test on a loaded ticket


def _clock_running(t: Ticket) -> bool:
    return t.status in RUNNING and t.sla_paused_at is None


THRESHOLDS = (
    Threshold(
        EventKind.SLA_BREACHED,
        lambda now, _: and_(Ticket.sla_paused_at.is_(None), Ticket.resolution_due_at <= now),
        lambda t, now, _: (
            _clock_running(t) and t.resolution_due_at is not None and t.resolution_due_at <= now
        ),
    ),
    Threshold(
        EventKind.SLA_AT_RISK,
        lambda now, _: and_(
            Ticket.sla_paused_at.is_(None),
            Ticket.resolution_warn_at <= now,
            Ticket.resolution_due_at > now,
        ),
        lambda t, now, _: (
            _clock_running(t)
            and t.resolution_warn_at is not None
            and t.resolution_warn_at <= now < t.resolution_due_at
        ),
    ),
    Threshold(
        EventKind.RESPONSE_LATE,
        lambda now, _: and_(Ticket.first_response_at.is_(None), Ticket.response_due_at <= now),
        lambda t, now, _: (
            t.status in RUNNING
            and t.first_response_at is None
            and t.response_due_at is not None
            and t.response_due_at <= now
        ),
    ),
    Threshold(
        EventKind.UNASSIGNED,
        # Only tickets filed with service levels on: upgrading must not remind of a whole backlog.
        lambda _, before: and_(
            Ticket.engineer_id.is_(None), Ticket.created_at <= before, Ticket.response_due_at.is_not(None)
        ),
        lambda t, _, before: (
            t.status in RUNNING
            and t.engineer_id is None
            and t.created_at <= before
            and t.response_due_at is not None
        ),
    ),
)


def run(tickets: TicketService, now: datetime, unassigned_after: timedelta | None) -> dict[str, int]:
    """Send every warning that is due at `now`; returns how many of each kind were sent."""
    sent: dict[str, int] = {}
    before = now - (unassigned_after or timedelta(0))
    for threshold in THRESHOLDS:
        if threshold.kind is EventKind.UNASSIGNED and not unassigned_after:
            continue
        for ticket_id in _candidates(tickets, threshold, now, before):
            if tickets.alert(ticket_id, threshold.kind, lambda t, th=threshold: th.holds(t, now, before)):
                sent[threshold.kind.value] = sent.get(threshold.kind.value, 0) + 1
    if sent:
        log.info("SLA sweep sent %s", ", ".join(f"{n} {kind}" for kind, n in sorted(sent.items())))
    return sent


def _candidates(tickets: TicketService, threshold: Threshold, now: datetime, before: datetime) -> list[int]:
    already = exists().where(SlaAlert.ticket_id == Ticket.id, SlaAlert.kind == threshold.kind.value)
    query = (
        select(Ticket.id)
        .where(Ticket.status.in_(RUNNING), threshold.where(now, before), ~already)
        .order_by(Ticket.id)
        .limit(BATCH)
    )
    with tickets.db.read() as session:
        return list(session.scalars(query))
