"""The reads behind known fixes (storage.known_fixes): the written-up fixes with their words,
kept per database until one changes (storage.known_issues.Snapshot); the tickets closed lately
whose words match; each ticket's resolution (its latest close note)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import TextClause, bindparam, func, select, text
from sqlalchemy.orm import Session

from storage.domain import EventKind
from storage.known_issues import Snapshot
from storage.models import TICKET_WORDS, KnownFix, Ticket, TicketEvent, UTCDateTime
from storage.similar import FTS_TABLE, Candidate
from storage.similar_text import Words, words

SOLVED_SCAN = 5000  # PostgreSQL: the latest closes within the window whose words are read
SOLVED_CANDIDATES = 30  # matching closes scored
FIXES_READ = 500  # newest written-up fixes scored against a reporter's words


@dataclass(frozen=True)
class PublicFix:
    """For reporters: a fix as staff wrote it up for them, and nothing else."""

    id: int
    title: str
    steps: str


@dataclass(frozen=True)
class Written:
    public: PublicFix
    ticket: Candidate  # the ticket it solved (staff: "Solved before")
    ticket_words: Words
    category: str
    title_words: Words
    card: tuple[str, str] | None  # where its ticket's triage card is


def load_written(session: Session) -> list[Written]:
    """The newest FIXES_READ written-up fixes, their tickets and the words of both."""
    rows = session.execute(
        select(
            KnownFix.id,
            KnownFix.title.label("fix_title"),
            KnownFix.steps,
            Ticket.id.label("ticket_id"),
            Ticket.title,
            Ticket.description,
            Ticket.category,
            Ticket.status,
            Ticket.created_at,
            Ticket.triage_channel,
            Ticket.triage_ts,
        )
        .join(Ticket, Ticket.id == KnownFix.ticket_id)
        .order_by(KnownFix.updated_at.desc(), KnownFix.id.desc())
        .limit(FIXES_READ)
    )
    return [
        Written(
            PublicFix(r.id, r.fix_title, r.steps),
            Candidate(r.ticket_id, r.title, r.description, r.category, r.status, r.created_at),
            words(r.title, r.description),
            r.category,
            words(r.fix_title),
            (r.triage_channel, r.triage_ts) if r.triage_channel and r.triage_ts else None,
        )
        for r in rows
    ]


# A fix is written (a new row) or rewritten (updated_at): either moves this.
WRITTEN = Snapshot(
    select(func.count(KnownFix.id), func.max(KnownFix.id), func.max(KnownFix.updated_at)), load_written
)


def resolutions(session: Session, ticket_ids: Sequence[int]) -> dict[int, str]:
    """Each ticket's latest close note (its resolution)."""
    if not ticket_ids:
        return {}
    rows = session.execute(
        select(TicketEvent.ticket_id, TicketEvent.note)
        .where(TicketEvent.ticket_id.in_(list(ticket_ids)), TicketEvent.kind == EventKind.CLOSED.value)
        .order_by(TicketEvent.id)
    )
    return {row.ticket_id: row.note or "" for row in rows}


def closed_matching(
    session: Session, prefixes: Sequence[str], since: datetime, *, scale: int = 1
) -> list[tuple[Candidate, tuple[str, str] | None]]:
    """Tickets closed since `since` whose words begin with one of `prefixes`, newest first (`scale`
    times as many, for that many probes), each with where its triage card is."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        query = " | ".join(f"{p}:*" for p in prefixes)
    else:
        query = " OR ".join(f'"{p}"*' for p in prefixes)
    values = {"query": query, "since": since, "scan": SOLVED_SCAN * scale, "n": SOLVED_CANDIDATES * scale}
    return [
        (Candidate(*row[:6]), (row[6], row[7]) if row[6] and row[7] else None)
        for row in session.execute(_statement(dialect), values)
    ]


_COLUMNS = "id, title, description, category, status, created_at, triage_channel, triage_ts"


@functools.cache
def _statement(dialect: str) -> TextClause:
    # Built from this module's constants only: every value is a bound parameter.
    if dialect == "postgresql":
        # The latest closes by ix_tickets_closed, their stored words matched (no index on the
        # closed tickets' words: 0008's GIN index is of the open ones).
        sql = f"""
        SELECT {_COLUMNS} FROM (
            SELECT {_COLUMNS}, {TICKET_WORDS} FROM tickets WHERE closed_at >= :since
             ORDER BY closed_at DESC LIMIT :scan) AS closed
         WHERE {TICKET_WORDS} @@ to_tsquery('simple', :query)
         ORDER BY id DESC LIMIT :n
        """  # noqa: S608
    else:
        columns = ", ".join(f"t.{c}" for c in _COLUMNS.split(", "))
        sql = f"""
        SELECT {columns} FROM {FTS_TABLE} JOIN tickets AS t ON t.id = {FTS_TABLE}.rowid
         WHERE {FTS_TABLE} MATCH :query AND t.closed_at >= :since
         ORDER BY {FTS_TABLE}.rowid DESC LIMIT :n
        """  # noqa: S608
    return text(sql).bindparams(bindparam("since", type_=UTCDateTime())).columns(created_at=UTCDateTime())
