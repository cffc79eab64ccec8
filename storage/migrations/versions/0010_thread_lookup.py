"""thread sync: find the ticket whose card a thread hangs under

A message in a card's thread (the reporter's or engineer's DM card, the triage card) becomes a
comment on its ticket (storage.threads). Each message event asks which ticket's card has that
(channel, ts); without these indexes that read every ticket on each message in those channels.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 00:00:00
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_tickets_triage_card": ["triage_channel", "triage_ts"],
    "ix_tickets_reporter_card": ["reporter_dm_channel", "reporter_dm_ts"],
    "ix_tickets_engineer_card": ["engineer_dm_channel", "engineer_dm_ts"],
}


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
