"""How a new ticket or history event is INSERTed: one cached Core statement per shape.

Tickets and events are written so, not through the unit of work: for one INSERT … RETURNING
the ORM's flush cost more CPU than the statement, on the ack path of every change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from sqlalchemy import Executable, Table, bindparam, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Ticket, TicketEvent


def dialect_insert(dialect: str) -> Callable:
    """The INSERT construct that knows ON CONFLICT on this database (`dialect`: its name)."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


def insert_row(session: Session, row: Ticket | TicketEvent, unless_taken: str | None = None) -> int | None:
    """INSERT a new `row` with a Core statement in the session's transaction and give it its id;
    with `unless_taken` (a unique column), insert nothing if its value is taken and return None.

    The row stays a plain transient object with the values it was given (and its id): the rest
    of the transaction reads it, nothing loads or saves it later."""
    table = row.__table__
    values = {column.key: row.__dict__[column.key] for column in table.columns if column.key in row.__dict__}
    if values.get(unless_taken) is None:
        unless_taken = None
    connection = session.connection()
    statement = _insert_statement(connection.dialect.name, table, tuple(values), unless_taken)
    new_id = connection.execute(statement, values).scalar()
    if new_id is not None:
        row.id = new_id
    return new_id


@functools.cache
def _insert_statement(
    dialect: str, table: Table, keys: tuple[str, ...], unless_taken: str | None
) -> Executable:
    """Built once per shape (dialect, table, columns given), run with the values bound: building
    it anew for each row, with a bound literal per value, cost more CPU than executing it."""
    if unless_taken is None:
        return table.insert().returning(table.c.id)
    # INSERT … SELECT … WHERE NOT EXISTS: a value already taken draws no id from the sequence
    # (ON CONFLICT alone would, and a double click would leave a gap in ticket numbers);
    # ON CONFLICT DO NOTHING still covers a racing insert, as PostgreSQL waits for it.
    fields = {key: bindparam(key, type_=table.c[key].type) for key in keys}
    taken = select(table.c.id).where(table.c[unless_taken] == fields[unless_taken])
    return (
        dialect_insert(dialect)(table)
        .from_select(list(keys), select(*fields.values()).where(~exists(taken)))
        .on_conflict_do_nothing(index_elements=[unless_taken])
        .returning(table.c.id)
    )
