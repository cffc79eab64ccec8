"""slack pacing: Slack's rate budgets shared by every delivery process, triage burst lists

`slack_pace` holds, per budget key (a method, or chat.postMessage and a channel), when the next
call may leave (a token bucket kept as one time) and until when a 429's Retry-After holds it.
`triage_listings` records which new tickets a "new tickets" list message announced.
`outbox.merged_into`: a card row that left as part of an earlier row's redraw of the same card.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_pace",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("tat", sa.Float(), nullable=False),
        sa.Column("held_until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "triage_listings",
        sa.Column("ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("listed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id"),
    )
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(
            sa.Column("merged_into", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("merged_into")
    op.drop_table("triage_listings")
    op.drop_table("slack_pace")
