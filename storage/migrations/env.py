"""Alembic environment: the URL comes from the caller (`ticketbot db upgrade`), never from a file."""

from alembic import context

from storage.models import Base
from storage.similar import modelled

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
        # What 0008 made with no model (FTS5 tables, tickets.words): autogenerate must not drop it.
        include_name=modelled,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
