"""Alembic environment: the URL comes from the caller (`ticketbot db upgrade`), never from a file."""

from alembic import context

from storage.models import Base
from storage.similar import is_fts_table

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from storage.db import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # SQLite's FTS5 tables (0006) have no model: autogenerate must not drop them.
        include_name=lambda name, type_, _parent: not (type_ == "table" and is_fts_table(name)),
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
