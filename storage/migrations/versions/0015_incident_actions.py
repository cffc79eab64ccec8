"""incident actions: tickets kept out of an incident; CSAT asked once per reporter on a resolve

`incident_exclusions`: a ticket an engineer said is "not part of it after all" — unlinked, and
never offered for that incident again. `tickets.csat_via_id`: a ticket closed with its incident
whose reporter is asked "Was your problem solved?" once, on this other ticket of theirs.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "incident_exclusions",
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("ticket_id", BigId, sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("actor_id", sa.String(length=32), sa.ForeignKey("users.slack_id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "ticket_id"),
    )
    op.create_index("ix_incident_exclusions_ticket_id", "incident_exclusions", ["ticket_id"])
    # As 0009: one ALTER TABLE on SQLite (batch mode would drop 0008's full-text triggers).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tickets ADD COLUMN csat_via_id INTEGER REFERENCES tickets(id)")
    else:
        op.add_column("tickets", sa.Column("csat_via_id", BigId, nullable=True))
        op.create_foreign_key("fk_tickets_csat_via_id", "tickets", "tickets", ["csat_via_id"], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tickets DROP COLUMN csat_via_id")  # SQLite 3.35+
    else:
        op.drop_constraint("fk_tickets_csat_via_id", "tickets", type_="foreignkey")
        op.drop_column("tickets", "csat_via_id")
    op.drop_index("ix_incident_exclusions_ticket_id", table_name="incident_exclusions")
    op.drop_table("incident_exclusions")
