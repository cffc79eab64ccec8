"""Read-side queries shared by dashboards, `/ticket list` and exports: one filter, one search."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Boolean, ColumnElement, ScalarSelect, Select, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal

from storage.db import Database
from storage.domain import Priority, parse_number
from storage.models import Ticket, User

NEWEST = "newest"  # newest first: the admin's and the reporter's default
QUEUE = "queue"  # most urgent first, then oldest: an engineer's work queue

_PRIORITY_RANK = case({p.value: p.rank for p in Priority}, value=Ticket.priority, else_=0)


@dataclass(frozen=True)
class TicketFilter:
    """Which tickets. Empty fields do not filter. `scope` fields come from who asks, never
    from what they typed: a reporter's filter always carries their `reporter_id`."""

    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    text: str = ""
    since: datetime | None = None
    reporter_id: str | None = None
    engineer_id: str | None = None
    unassigned: bool = False

    def but(self, **changes) -> TicketFilter:
        return replace(self, **changes)


class _OneOf(ColumnElement[bool]):
    """`column IN (SELECT …)`, written `column = ANY(ARRAY(SELECT …))` on PostgreSQL: inside an
    OR, only that form can be an index condition (one arm of a BitmapOr); IN is a filter."""

    type = Boolean()
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("values", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement, values: ScalarSelect) -> None:
        self.column, self.values = column, values


@compiles(_OneOf)
def _one_of(element: _OneOf, compiler, **kw) -> str:
    return f"{compiler.process(element.column, **kw)} IN {compiler.process(element.values, **kw)}"


@compiles(_OneOf, "postgresql")
def _one_of_postgresql(element: _OneOf, compiler, **kw) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY(ARRAY{compiler.process(element.values, **kw)})"


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def apply(query: Select, flt: TicketFilter) -> Select:
    conditions = []
    if flt.statuses:
        conditions.append(Ticket.status.in_(flt.statuses))
    if flt.priorities:
        conditions.append(Ticket.priority.in_(flt.priorities))
    if flt.since is not None:
        conditions.append(Ticket.created_at >= flt.since)
    if flt.reporter_id is not None:
        conditions.append(Ticket.reporter_id == flt.reporter_id)
    if flt.engineer_id is not None:
        conditions.append(Ticket.engineer_id == flt.engineer_id)
    if flt.unassigned:
        conditions.append(Ticket.engineer_id.is_(None))
    for word in flt.text.split():
        number = parse_number(word) if word.upper().startswith(("TKT-", "#")) or word.isdigit() else None
        pattern = f"%{_escape_like(word.lower())}%"
        # Reporters by name: a lookup in the small users table, not a join per ticket. Each arm
        # can use an index on PostgreSQL (trigram indexes on title and description, see 0003).
        reporters = select(User.slack_id).where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.real_name).like(pattern, escape="\\"),
            )
        )
        matches = [
            func.lower(Ticket.title).like(pattern, escape="\\"),
            func.lower(Ticket.description).like(pattern, escape="\\"),
            _OneOf(Ticket.reporter_id, reporters.scalar_subquery()),
        ]
        if number is not None:
            matches.append(Ticket.id == number)
        conditions.append(or_(*matches))
    return query.where(and_(*conditions)) if conditions else query


def search(
    session: Session,
    flt: TicketFilter,
    *,
    offset: int = 0,
    limit: int = 20,
    order: str = NEWEST,
    among: Sequence[int] | None = None,
) -> list[Ticket]:
    """One page of matches. `among`: every matching id is already known (`matching_ids`), so the
    page is read by primary key instead of by scanning in page order for rare matches."""
    query = apply(select(Ticket), flt)
    if among is not None:
        if not among:
            return []
        query = query.where(Ticket.id.in_(among))
    if order == QUEUE:
        query = query.order_by(_PRIORITY_RANK.desc(), Ticket.created_at, Ticket.id)
    else:
        query = query.order_by(Ticket.id.desc())
    return list(session.scalars(query.offset(offset).limit(limit)))


def matching_ids(session: Session, flt: TicketFilter, limit: int) -> list[int]:
    """The ids of up to `limit` matches (any order): a count that stops there, and for a narrow
    filter every match at once."""
    return list(session.scalars(apply(select(Ticket.id), flt).limit(limit)))


def count(session: Session, flt: TicketFilter) -> int:
    return int(session.scalar(apply(select(func.count(Ticket.id)), flt)) or 0)


def count_matching(db: Database, flt: TicketFilter) -> int:
    """`count`, in a read of its own."""
    with db.read() as session:
        return count(session, flt)


def stream(session: Session, flt: TicketFilter, *, chunk: int = 1000) -> Iterator[Ticket]:
    """Every matching ticket, oldest first, read in keyset-paged chunks (flat memory for exports)."""
    last_id = 0
    while True:
        query = apply(select(Ticket), flt).where(Ticket.id > last_id).order_by(Ticket.id).limit(chunk)
        batch = list(session.scalars(query))
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
        session.expunge_all()
