"""ticket attachments: files that came with a ticket event (storage.attachments)

`ticket_attachments` keeps each file's bytes in the row (bytea on PostgreSQL, a BLOB on
SQLite), keyed to its ticket and the event (comment) it came with; `data` is NULL while a
Slack file waits for delivery to fetch it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ticket_attachments",
        sa.Column("id", BigId, nullable=False),
        sa.Column("ticket_id", BigId, nullable=False),
        sa.Column("event_id", BigId, nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mimetype", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("slack_file_id", sa.String(length=32), nullable=True),
        sa.Column("download_url", sa.Text(), nullable=True),
        sa.Column("relayed_file_id", sa.String(length=32), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["ticket_events.id"]),
        sa.ForeignKeyConstraint(["actor_id"], ["users.slack_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ticket_attachments_ticket", "ticket_attachments", ["ticket_id", "id"])
    op.create_index("ix_ticket_attachments_event", "ticket_attachments", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_attachments_event", table_name="ticket_attachments")
    op.drop_index("ix_ticket_attachments_ticket", table_name="ticket_attachments")
    op.drop_table("ticket_attachments")
