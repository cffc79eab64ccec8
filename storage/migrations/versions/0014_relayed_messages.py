"""relayed messages: where each thread comment's relayed copy was posted

A message written in a card's thread is a comment (0010); `relayed_messages` maps the message
(channel, ts) to its comment and to the copy the relay posted in the other side's thread, so an
edit updates the copy (chat.update) and a deletion removes it (chat.delete). The comment's text
as first written is kept here once it is edited or deleted.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "relayed_messages",
        sa.Column("source_channel", sa.String(length=32), nullable=False),
        sa.Column("source_ts", sa.String(length=32), nullable=False),
        sa.Column("event_id", BIG_ID, nullable=False),
        sa.Column("ticket_id", BIG_ID, nullable=False),
        sa.Column("copy_audience", sa.String(length=16), nullable=True),
        sa.Column("copy_channel", sa.String(length=32), nullable=True),
        sa.Column("copy_ts", sa.String(length=32), nullable=True),
        sa.Column("original_text", sa.Text(), nullable=True),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["ticket_events.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("source_channel", "source_ts"),
    )
    op.create_index("ix_relayed_messages_event", "relayed_messages", ["event_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_relayed_messages_event", table_name="relayed_messages")
    op.drop_table("relayed_messages")
