"""Which ticket a Slack thread belongs to: the thread of one of its cards, and whose card.

A message written under a card (its `thread_ts` is the card's ts) is a line of the conversation
about that ticket (storage.conversation): the reporter's DM card, the engineer's DM card, or the
triage card. One indexed read per message event (migration 0010), each audience's card columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, literal, select, union_all

from storage.cards import CARD_COLUMNS
from storage.db import Database
from storage.models import Ticket


@dataclass(frozen=True)
class Thread:
    ticket_id: int
    audience: str  # notifications.TRIAGE, REPORTER or ENGINEER: whose card the thread is under


def _query():
    tickets = Ticket.__table__
    parts = []
    for audience, (channel_col, ts_col) in CARD_COLUMNS.items():
        parts.append(
            select(tickets.c.id, literal(audience).label("audience")).where(
                tickets.c[channel_col] == bindparam("channel"), tickets.c[ts_col] == bindparam("ts")
            )
        )
    return union_all(*parts)


def thread_of(db: Database, channel: str, thread_ts: str) -> Thread | None:
    """The ticket and audience whose card is the message at (channel, thread_ts), if any."""
    if not channel or not thread_ts:
        return None
    with db.read() as session:
        row = session.execute(_QUERY, {"channel": channel, "ts": thread_ts}).first()
    return Thread(int(row[0]), str(row[1])) if row else None


_QUERY = _query()
