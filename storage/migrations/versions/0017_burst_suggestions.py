"""burst suggestions: "5 tickets look like one problem — declare an incident?" posted once

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "burst_suggestions",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("ticket_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("burst_suggestions")
