"""service levels, satisfaction, tickets from messages, digests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 22:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_due_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("resolution_due_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("resolution_warn_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("first_response_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("sla_paused_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("csat_outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("csat_rating", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("csat_comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("csat_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("source_channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("source_ts", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("source_permalink", sa.String(length=500), nullable=True))
        batch_op.create_index("ix_tickets_created", ["created_at"], unique=False)
        batch_op.create_index("ix_tickets_closed", ["closed_at"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wants_digest", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    op.create_table(
        "sla_alerts",
        sa.Column("ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("ticket_id", "kind"),
    )
    op.create_table(
        "scheduled_runs",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("job", "period"),
    )


def downgrade() -> None:
    op.drop_table("scheduled_runs")
    op.drop_table("sla_alerts")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("wants_digest")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_closed")
        batch_op.drop_index("ix_tickets_created")
        for column in (
            "source_permalink",
            "source_ts",
            "source_channel",
            "csat_at",
            "csat_comment",
            "csat_rating",
            "csat_outcome",
            "sla_paused_at",
            "first_response_at",
            "resolution_warn_at",
            "resolution_due_at",
            "response_due_at",
        ):
            batch_op.drop_column(column)
