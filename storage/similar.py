"""Similar tickets: which open (or lately closed) tickets look like the same problem as this one.

Two steps. The database finds candidates with its full-text index — PostgreSQL the stored
accent-folded words of title and description (tickets.words, a GIN index on the open tickets'
ones; migration 0008), SQLite an FTS5 table kept by triggers — asking for every spelling, in
English and Spanish, of what is wrong ("toner", "tinta"), newest first. Python then scores
each (storage.similar_text: concepts, topic words weighing little, the title more than the
description), adds a bonus for the same category, and keeps those at or above THRESHOLD: 0.9+
precision on tests/data/similar_pairs.py, see bench/similarity.py for the figures and the
methods that lost.

`rank` takes any candidates: incidents and known fixes can score their own rows the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.orm import Session

from storage.db import Database
from storage.domain import format_number
from storage.models import TICKET_WORDS, UTCDateTime, utcnow
from storage.similar_text import Words, overlap, search_prefixes, words

THRESHOLD = 0.34
CATEGORY_BONUS = 0.05
OTHER_TOPIC = 0.6  # both say what they are about, and it is not the same thing: "expired" VPN
# certificate vs expired password
RECENTLY_CLOSED = timedelta(days=3)  # a problem fixed this week may be back, or be the same
CANDIDATES = 100  # newest open matches scored per card: a burst of one problem comes first
WALKED = 2000  # PostgreSQL: newest open tickets read for them before asking the GIN index
RECENT_CLOSES = 300  # the latest closes within RECENTLY_CLOSED whose words are read...
CLOSED_CANDIDATES = 30  # ...and how many of those that match are scored
FTS_TABLE = "tickets_fts"  # SQLite only; its shadow tables share the prefix


@dataclass(frozen=True)
class Candidate:
    id: int
    title: str
    description: str
    category: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Suggestion:
    """A ticket that may be the same problem: what a staff card shows of it."""

    ticket_id: int
    title: str
    status: str
    score: float

    @property
    def number(self) -> str:
        return format_number(self.ticket_id)


def score(probe: Words, category: str, candidate: Words, candidate_category: str) -> float:
    value = overlap(probe, candidate)
    if probe.topics and candidate.topics and not probe.topics & candidate.topics:
        value *= OTHER_TOPIC
    return value + (CATEGORY_BONUS if category == candidate_category else 0.0)


def rank(
    title: str,
    description: str,
    category: str,
    candidates: Iterable[Candidate],
    *,
    limit: int = 3,
    threshold: float = THRESHOLD,
) -> list[Suggestion]:
    """The best `limit` candidates scoring at least `threshold`, best (then newest) first."""
    probe = words(title, description)
    scored = []
    for c in candidates:
        value = score(probe, category, words(c.title, c.description), c.category)
        if value >= threshold:
            scored.append((value, c))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].id))
    return [Suggestion(c.id, c.title, c.status, round(value, 3)) for value, c in scored[:limit]]


def similar_tickets(
    db: Database,
    ticket_id: int,
    title: str,
    description: str,
    category: str,
    *,
    limit: int = 3,
    now: datetime | None = None,
) -> list[Suggestion]:
    """Up to `limit` other tickets, open or closed in the last days, that look like this one."""
    prefixes = search_prefixes(words(title, description))
    if not prefixes:
        return []
    with db.read() as session:
        found = candidates(session, prefixes, exclude=ticket_id, since=(now or utcnow()) - RECENTLY_CLOSED)
    return rank(title, description, category, found, limit=limit)


def similar_for_each(
    db: Database, probes: Sequence[Candidate], *, limit: int = 3, now: datetime | None = None
) -> dict[int, list[Suggestion]]:
    """`similar_tickets` for several tickets at once (a burst of triage cards), with one search
    for the words of all of them: each is scored against the candidates of all."""
    prefixes = sorted({p for c in probes for p in search_prefixes(words(c.title, c.description))})
    if not probes or not prefixes:
        return {c.id: [] for c in probes}
    since = (now or utcnow()) - RECENTLY_CLOSED
    with db.read() as session:
        found = candidates(session, prefixes, exclude=0, since=since, scale=len(probes))
    return {
        c.id: rank(c.title, c.description, c.category, (f for f in found if f.id != c.id), limit=limit)
        for c in probes
    }


def candidates(
    session: Session, prefixes: Sequence[str], *, exclude: int, since: datetime, scale: int = 1
) -> list[Candidate]:
    """Tickets whose words begin with one of `prefixes`: open ones, and the latest closes since
    `since`, newest first (`scale` times as many, for that many probes)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        query = " | ".join(f"{p}:*" for p in prefixes)
    else:
        query = " OR ".join(f'"{p}"*' for p in prefixes)
    values = {
        "query": query,
        "exclude": exclude,
        "since": since,
        "n": CANDIDATES * scale,
        "scan": WALKED * scale,
        "recent": RECENT_CLOSES,
        "closed_n": CLOSED_CANDIDATES * scale,
    }
    rows = session.execute(_statement(dialect), values)
    return [Candidate(*row) for row in rows]


_COLUMNS = "id, title, description, category, status, created_at"


@functools.cache
def _statement(dialect: str) -> TextClause:
    # Built from this module's constants only: every value is a bound parameter.
    if dialect == "postgresql":
        # Two ways to the newest :n open matches, by their stored words (never recomputed):
        # walk the newest :scan open tickets (ix_tickets_open), enough when the words are
        # common; only if that finds fewer, ask the GIN index for every match (then few).
        # Left to itself the planner walked all 30,000 open tickets for rare words (250 ms).
        sql = f"""
        WITH walked AS MATERIALIZED (
            SELECT {_COLUMNS} FROM (
                SELECT {_COLUMNS}, {TICKET_WORDS} FROM tickets WHERE status <> 'closed' AND id > 0
                 ORDER BY id DESC LIMIT :scan) AS newest
             WHERE {TICKET_WORDS} @@ to_tsquery('simple', :query) AND id <> :exclude
             ORDER BY id DESC LIMIT :n),
        matched AS MATERIALIZED (
            SELECT {_COLUMNS} FROM tickets
             WHERE status <> 'closed' AND {TICKET_WORDS} @@ to_tsquery('simple', :query)
               AND id <> :exclude AND (SELECT count(*) FROM walked) < :n)
        (SELECT * FROM walked WHERE (SELECT count(*) FROM walked) >= :n)
        UNION ALL
        (SELECT * FROM matched ORDER BY id DESC LIMIT :n)
        UNION ALL
        (SELECT {_COLUMNS} FROM (
            SELECT {_COLUMNS}, {TICKET_WORDS} FROM tickets WHERE status = 'closed' AND closed_at >= :since
             ORDER BY closed_at DESC LIMIT :recent) AS closed
          WHERE {TICKET_WORDS} @@ to_tsquery('simple', :query) AND id <> :exclude
          ORDER BY id DESC LIMIT :closed_n)
        """  # noqa: S608
    else:
        columns = ", ".join(f"t.{c}" for c in _COLUMNS.split(", "))
        # By the FTS table's rowid (the same number as t.id): FTS5 then hands out its matches
        # newest first and stops at :n, where "ORDER BY t.id" sorted every match (20 ms, not
        # 1.5, at 100,000 tickets).
        sql = f"""
        SELECT {columns} FROM {FTS_TABLE} JOIN tickets AS t ON t.id = {FTS_TABLE}.rowid
         WHERE {FTS_TABLE} MATCH :query AND t.id <> :exclude
           AND (t.status <> 'closed' OR t.closed_at >= :since)
         ORDER BY {FTS_TABLE}.rowid DESC LIMIT :n
        """  # noqa: S608
    return text(sql).bindparams(bindparam("since", type_=UTCDateTime())).columns(created_at=UTCDateTime())


def is_fts_table(name: str | None) -> bool:
    """SQLite's FTS5 table and its shadow tables: made by migration 0008, no model of theirs."""
    return bool(name) and name.startswith(FTS_TABLE)


def modelled(name: str | None, type_: str, parents: dict) -> bool:
    """What alembic's compare should read of the database: all but what 0008 made with no model
    (SQLite's FTS5 tables, PostgreSQL's generated tickets.words column)."""
    if type_ == "table":
        return not is_fts_table(name)
    return not (type_ == "column" and name == TICKET_WORDS and parents.get("table_name") == "tickets")
