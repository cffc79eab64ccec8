"""incidents: an outage many tickets are part of; tickets.incident_id; the incident's history

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("owner_id", sa.String(length=32), sa.ForeignKey("users.slack_id"), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("triage_channel", sa.String(length=32), nullable=True),
        sa.Column("triage_ts", sa.String(length=32), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "incident_events",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("actor_id", sa.String(length=32), sa.ForeignKey("users.slack_id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ticket_id", BigId, sa.ForeignKey("tickets.id"), nullable=True),
        sa.Column("new_value", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_incident_events_incident", "incident_events", ["incident_id", "id"])
    # Not batch mode on SQLite: it would rebuild tickets and drop 0008's full-text triggers.
    # A nullable column with a REFERENCES clause is one ALTER TABLE there, as on PostgreSQL.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tickets ADD COLUMN incident_id INTEGER REFERENCES incidents(id)")
    else:
        op.add_column("tickets", sa.Column("incident_id", BigId, nullable=True))
        op.create_foreign_key("fk_tickets_incident_id", "tickets", "incidents", ["incident_id"], ["id"])
    op.create_index("ix_tickets_incident_id", "tickets", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_tickets_incident_id", table_name="tickets")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tickets DROP COLUMN incident_id")  # SQLite 3.35+
    else:
        op.drop_constraint("fk_tickets_incident_id", "tickets", type_="foreignkey")
        op.drop_column("tickets", "incident_id")
    op.drop_index("ix_incident_events_incident", table_name="incident_events")
    op.drop_table("incident_events")
    op.drop_table("incidents")
