"""similar tickets: a full-text index of the words of open tickets (PostgreSQL), FTS5 (SQLite)

storage.similar asks, when a triage card is drawn, which open tickets share the words of the new
one. PostgreSQL: a GIN index on the accent-folded `to_tsvector('simple', …)` of title and
description, partial on tickets not closed (a few % of them, so small and quick to keep);
tickets closed in the last days are read through ix_tickets_closed instead. SQLite: an FTS5
table with the tickets as its content (nothing stored twice but the index), kept by triggers.

Building either reads every ticket once (PostgreSQL: the open ones): seconds per million.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 00:00:00
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# storage.similar.PG_DOCUMENT, spelled out here: a migration keeps what it built, whatever the
# code says later.
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, translate(lower(title || ' ' || description), "
    "'áéíóúàèìòùäëïöüâêîôûñç', 'aeiouaeiouaeiouaeiounc'))"
)

SQLITE_TRIGGERS = {
    "tickets_fts_insert": "AFTER INSERT ON tickets BEGIN "
    "INSERT INTO tickets_fts(rowid, title, description) VALUES (new.id, new.title, new.description); END",
    "tickets_fts_delete": "AFTER DELETE ON tickets BEGIN "
    "INSERT INTO tickets_fts(tickets_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); END",
    "tickets_fts_update": "AFTER UPDATE OF title, description ON tickets BEGIN "
    "INSERT INTO tickets_fts(tickets_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); "
    "INSERT INTO tickets_fts(rowid, title, description) VALUES (new.id, new.title, new.description); END",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX ix_tickets_open_words ON tickets USING gin ({PG_DOCUMENT}) "
            "WHERE status <> 'closed'"
        )
        return
    # remove_diacritics 2: "contraseña" is "contrasena", as storage.similar_text folds it.
    op.execute(
        "CREATE VIRTUAL TABLE tickets_fts USING fts5(title, description, content='tickets', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_tickets_open_words")
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE tickets_fts")
