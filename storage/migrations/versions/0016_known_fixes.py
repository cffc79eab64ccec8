"""known fixes: a closed ticket's resolution written up once for reporters ("Try this first")

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "known_fixes",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("ticket_id", BigId, sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("author_id", sa.String(length=32), sa.ForeignKey("users.slack_id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_known_fixes_ticket", "known_fixes", ["ticket_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_known_fixes_ticket", table_name="known_fixes")
    op.drop_table("known_fixes")
