"""tickets filed from a Slack message: find one by its message

A :ticket: reaction (and the message shortcut) first asks whether that message already became a
ticket (`TicketService.filed_from`); without an index that read every ticket on each reaction.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 00:00:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_source", ["source_channel", "source_ts"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_source")
