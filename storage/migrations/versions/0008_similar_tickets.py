"""similar tickets: the stored words of every ticket, indexed for open ones (PostgreSQL), FTS5 (SQLite)

storage.similar asks, when a triage card is drawn, which open tickets share the words of the new
one, newest first. PostgreSQL: a stored generated column `words`, the accent-folded
`to_tsvector('simple', …)` of title and description without positions (strip: no phrase
queries here), with a GIN index and a btree on id, both partial on tickets not closed (a few %
of them, so small and quick to keep). Stored, because an index on the expression alone left
PostgreSQL recomputing it for every row it walked newest first (p95 1.2 s at 1,000,000
tickets, bench/similarity.py); tickets closed in the last days are read through
ix_tickets_closed and their stored words. SQLite: an FTS5 table with the tickets as its content
(nothing stored twice but the index), kept by triggers; ix_tickets_open is made there too
(small, and one schema for models and migrations on both).

Building: SQLite reads every ticket once (seconds per million); PostgreSQL rewrites the table
(1.5-3 minutes per million tickets on a loaded 2-core machine, the table locked meanwhile) and
about doubles it (202 -> 398 MB at 1,000,000 tickets: the words are stored for every ticket, so
that the lately closed ones are read, not recomputed, too).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 00:00:00
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# storage.models' words column, spelled out here: a migration keeps what it built, whatever the
# code says later.
PG_DOCUMENT = (
    "strip(to_tsvector('simple'::regconfig, translate(lower(title || ' ' || description), "
    "'áéíóúàèìòùäëïöüâêîôûñç', 'aeiouaeiouaeiouaeiounc')))"
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
    # "id > 0": see storage.models (the walk's index, not the GIN query's).
    op.execute("CREATE INDEX ix_tickets_open ON tickets (id) WHERE status <> 'closed' AND id > 0")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE tickets ADD COLUMN words tsvector GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED"
        )
        op.execute("CREATE INDEX ix_tickets_open_words ON tickets USING gin (words) WHERE status <> 'closed'")
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
    op.execute("DROP INDEX ix_tickets_open")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_tickets_open_words")
        op.execute("ALTER TABLE tickets DROP COLUMN words")
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE tickets_fts")
