"""dashboard indexes: the admin's counters from an index alone; trigram search on PostgreSQL

The admin's Home counters (tickets not closed by status and priority, and how many nobody is
on) read every ticket not closed; with engineer_id in the (status, priority) index they are
counted from the index (an index-only scan while autovacuum keeps the visibility map current).
An engineer's "closed this week" gets (engineer_id, closed_at).

Search (`/ticket list words`, the Home tab's search box) is `lower(title|description) LIKE
'%word%'`, which no b-tree serves: with a million tickets a word that matches few of them read
every row (3-5 s). pg_trgm's GIN indexes serve it. SQLite has no such index: nothing changes there.

Building them takes about a minute per million tickets and blocks writes to `tickets` meanwhile
(the migration runs in one transaction with the others, so not CONCURRENTLY).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 23:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = {"ix_tickets_title_trgm": "title", "ix_tickets_description_trgm": "description"}


def upgrade() -> None:
    # A superset of the index it replaces: every query that used that one can use this one.
    op.create_index(
        "ix_tickets_status_priority_engineer", "tickets", ["status", "priority", "engineer_id"], unique=False
    )
    op.drop_index("ix_tickets_status_priority", table_name="tickets")
    # An engineer's "closed this week" among the tens of thousands they closed before.
    op.create_index("ix_tickets_engineer_closed", "tickets", ["engineer_id", "closed_at"], unique=False)
    # The admin's satisfaction figures: ratings per engineer and answers, read from indexes
    # instead of every ticket and every history row.
    op.create_index("ix_tickets_csat", "tickets", ["csat_rating", "engineer_id"], unique=False)
    op.create_index("ix_ticket_events_kind", "ticket_events", ["kind", "new_value"], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        # Statistics for the new index: without any, SQLite takes `status = 'closed'` for
        # selective and sorts most of the table for a page instead of walking it in id order.
        op.execute("ANALYZE tickets")
        op.execute("ANALYZE ticket_events")
        return
    # A trusted extension since PostgreSQL 13: the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        op.create_index(
            name,
            "tickets",
            [sa.text(f"lower({column}) gin_trgm_ops")],
            unique=False,
            postgresql_using="gin",
        )
    # Statistics of the indexed expressions: without them the planner guesses that any word is
    # rare and reads a common one ("printer") through the index, 100x slower than a scan.
    op.execute("ANALYZE tickets")
    op.execute("ANALYZE ticket_events")


def downgrade() -> None:
    op.drop_index("ix_ticket_events_kind", table_name="ticket_events")
    op.drop_index("ix_tickets_csat", table_name="tickets")
    op.drop_index("ix_tickets_engineer_closed", table_name="tickets")
    op.create_index("ix_tickets_status_priority", "tickets", ["status", "priority"], unique=False)
    op.drop_index("ix_tickets_status_priority_engineer", table_name="tickets")
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        op.drop_index(name, table_name="tickets")
    # pg_trgm stays: other schemas in the database may use it.
