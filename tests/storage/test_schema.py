"""The models and the migrations describe the same schema, on SQLite as on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.models import Base
from storage.similar import is_fts_table


# SQLite cannot reflect expression indexes (the PostgreSQL-only trigram ones): alembic says so.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as conn:
        # SQLite's FTS5 tables (0006, storage.similar) have no model.
        skip_fts = lambda name, type_, _parent: not (type_ == "table" and is_fts_table(name))  # noqa: E731
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": skip_fts})
        assert compare_metadata(context, Base.metadata) == []
        indexes = {i["name"] for i in inspect(conn).get_indexes("tickets")}
    trigram = {"ix_tickets_title_trgm", "ix_tickets_description_trgm"}
    assert trigram <= indexes if db.engine.dialect.name == "postgresql" else not trigram & indexes
