"""incident threads: a staff reply under an incident's card is an update, posted once

A message in a thread asks which incident's card it hangs under (storage.incident_threads):
an index on the card's (channel, ts). The update it becomes remembers the message's ts, unique
per incident, so an Events API retry handled by another process posts nothing twice.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_card", ["triage_channel", "triage_ts"], unique=False)
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_ts", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_incident_events_message", ["incident_id", "message_ts"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_events_message")
        batch_op.drop_column("message_ts")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_card")
