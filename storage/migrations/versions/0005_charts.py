"""charts: the Home tabs' chart images, by Slack file id

The delivery process renders and uploads them; a Home draw reads the file id and alt text.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "charts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=32), nullable=True),
        sa.Column("previous_file_id", sa.String(length=32), nullable=True),
        sa.Column("data_hash", sa.String(length=64), nullable=True),
        sa.Column("alt_text", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("charts")
