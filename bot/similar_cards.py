"""Which tickets the triage card offers as possibly the same problem (storage.similar).

Asked when the card is drawn by the delivery process, not when the ticket is filed: filing stays
one INSERT and its ack as quick as before, and each redraw shows what is open at that moment.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from storage.db import Database
from storage.domain import Status
from storage.models import Ticket
from storage.similar import Candidate, Suggestion, similar_for_each, similar_tickets

log = logging.getLogger("ticketbot.slack")


def triage_suggestions(db: Database, ticket: Ticket) -> list[Suggestion]:
    """Up to 3 for a ticket still being worked; none once closed. A failed search leaves the
    card without them rather than the card undelivered."""
    if ticket.status == Status.CLOSED.value:
        return []
    try:
        return similar_tickets(db, ticket.id, ticket.title, ticket.description, ticket.category)
    except SQLAlchemyError:
        log.warning("similar tickets of %s: search failed", ticket.number, exc_info=True)
        return []


def triage_suggestions_ahead(db: Database, tickets: list[Ticket]) -> dict[int, list[Suggestion]]:
    """`triage_suggestions` for a group of triage cards, in one search (the dispatcher's read
    ahead): a burst of 50 tickets costs one query, not 50."""
    probes = [
        Candidate(t.id, t.title, t.description, t.category, t.status, t.created_at)
        for t in tickets
        if t.status != Status.CLOSED.value
    ]
    try:
        return similar_for_each(db, probes)
    except SQLAlchemyError:
        log.warning("similar tickets of a group of cards: search failed", exc_info=True)
        return {}
