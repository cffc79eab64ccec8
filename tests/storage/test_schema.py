"""The models and the migrations describe the same schema, on SQLite as on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.models import Base
from storage.similar import modelled


# SQLite cannot reflect expression indexes (the PostgreSQL-only trigram ones): alembic says so.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as conn:
        # SQLite's FTS5 tables and PostgreSQL's tickets.words (0008, storage.similar) have no model.
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": modelled})
        assert compare_metadata(context, Base.metadata) == []
        indexes = {i["name"] for i in inspect(conn).get_indexes("tickets")}
    trigram = {"ix_tickets_title_trgm", "ix_tickets_description_trgm"}
    assert trigram <= indexes if db.engine.dialect.name == "postgresql" else not trigram & indexes
