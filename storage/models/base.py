"""What every model shares: the declarative base, timezone-aware UTC columns, the id type, the
trigram index of search."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, TypeDecorator, func, literal_column
from sqlalchemy.orm import DeclarativeBase


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# BIGINT on PostgreSQL, but INTEGER on SQLite, where only "INTEGER PRIMARY KEY" is the rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def trigram_index(name: str, column: str) -> Index:
    """A PostgreSQL trigram index on lower(column): `lower(column) LIKE '%word%'` (search) reads it
    instead of every row. Not on SQLite, which has no such index (search scans there)."""
    expression = func.lower(literal_column(column)).label(f"{column}_lower")
    return Index(
        name, expression, postgresql_using="gin", postgresql_ops={f"{column}_lower": "gin_trgm_ops"}
    ).ddl_if(dialect="postgresql")


# The accent-folded words of a ticket, as PostgreSQL stores them for storage.similar (0008): a
# generated column of tickets there, with no model attribute (SQLite has no such column; see
# storage.similar.modelled). translate() rather than unaccent(): immutable, so it may stand in
# a generated column, and no extension to install; it covers the accents of Spanish (and of
# French and Portuguese vowels).
TICKET_WORDS = "words"


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}
