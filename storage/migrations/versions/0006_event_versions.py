"""event versions: the ticket version each history event was made on

A click on an old card acts unless someone else's change since that card conflicts with it
(storage.card_history); this says which events came after the card. Rows written before this
revision have none: a card older than the first stamped event is refused as before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket_events") as batch:
        batch.add_column(sa.Column("ticket_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticket_events") as batch:
        batch.drop_column("ticket_version")
