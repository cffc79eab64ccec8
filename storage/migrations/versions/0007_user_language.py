"""users.language_override: the language someone chose with `/ticket language es|en|auto`

NULL (auto) follows their Slack locale (users.locale), then the workspace's BOT_LANGUAGE.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language_override", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language_override")
