"""Tickets: the ticket, its append-only history, its SLA warnings, the known fix written up from
it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.domain import Priority, Status, format_number
from storage.models.base import TICKET_WORDS, Base, BigId, trigram_index, utcnow
from storage.models.incidents import Incident
from storage.models.people import User


class Ticket(Base):
    __tablename__ = "tickets"
    # AUTOINCREMENT on SQLite: a deleted last row's id is never handed out again, so a ticket
    # number is never reused (PostgreSQL's identity sequence gives the same guarantee).
    __table_args__ = (
        Index("ix_tickets_reporter", "reporter_id", "id"),
        Index("ix_tickets_engineer_status", "engineer_id", "status"),
        Index("ix_tickets_status_priority_engineer", "status", "priority", "engineer_id"),  # 0003
        Index("ix_tickets_engineer_closed", "engineer_id", "closed_at"),  # 0003
        Index("ix_tickets_csat", "csat_rating", "engineer_id"),  # 0003: ratings per engineer
        Index("ix_tickets_created", "created_at"),
        Index("ix_tickets_closed", "closed_at"),
        Index("ix_tickets_source", "source_channel", "source_ts"),  # 0004: filed from a message
        # 0010: a message in a card's thread finds its ticket (storage.threads)
        Index("ix_tickets_triage_card", "triage_channel", "triage_ts"),
        Index("ix_tickets_reporter_card", "reporter_dm_channel", "reporter_dm_ts"),
        Index("ix_tickets_engineer_card", "engineer_dm_channel", "engineer_dm_ts"),
        trigram_index("ix_tickets_title_trgm", "title"),  # 0003
        trigram_index("ix_tickets_description_trgm", "description"),  # 0003
        # 0008: similar tickets: the open tickets' stored words (PostgreSQL), and the open
        # tickets newest first (to read their words in that order and stop at enough). "id > 0"
        # (always true) keeps the planner from reading every open ticket by the second index
        # when storage.similar means the first: its walk says "id > 0", its GIN query does not.
        Index(
            "ix_tickets_open_words",
            text(TICKET_WORDS),
            postgresql_using="gin",
            postgresql_where=text("((status)::text <> 'closed'::text)"),
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_tickets_open",
            "id",
            postgresql_where=text("(((status)::text <> 'closed'::text) AND (id > 0))"),
            sqlite_where=text("status <> 'closed' AND id > 0"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reporter_id: Mapped[str] = mapped_column(ForeignKey("users.slack_id"))
    engineer_id: Mapped[str | None] = mapped_column(ForeignKey("users.slack_id"))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    priority: Mapped[str] = mapped_column(String(16), default=Priority.MEDIUM.value)
    status: Mapped[str] = mapped_column(String(16), default=Status.OPEN.value)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    # Idempotency key of the request that filed it (the modal's view id): a view submission
    # that Slack or a double click sends twice finds the ticket instead of filing another.
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    triage_channel: Mapped[str | None] = mapped_column(String(32))
    triage_ts: Mapped[str | None] = mapped_column(String(32))
    reporter_dm_channel: Mapped[str | None] = mapped_column(String(32))
    reporter_dm_ts: Mapped[str | None] = mapped_column(String(32))
    engineer_dm_channel: Mapped[str | None] = mapped_column(String(32))
    engineer_dm_ts: Mapped[str | None] = mapped_column(String(32))
    # Service levels (storage.sla): due times in UTC, moved on when the clock resumes after a pause
    # (On hold, or Closed until a reopen); `sla_paused_at` is set while the clock stands still.
    response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    resolution_warn_at: Mapped[datetime | None]  # 75 % of the resolution target spent: "at risk"
    first_response_at: Mapped[datetime | None]
    sla_paused_at: Mapped[datetime | None]
    # Satisfaction, asked on each close: "solved" or "reopened", an optional 1-5 rating and comment.
    csat_outcome: Mapped[str | None] = mapped_column(String(16))
    csat_rating: Mapped[int | None]
    csat_comment: Mapped[str | None] = mapped_column(Text)
    csat_at: Mapped[datetime | None]
    # A ticket filed from a Slack message (shortcut or :ticket: reaction): where that message is.
    source_channel: Mapped[str | None] = mapped_column(String(32))
    source_ts: Mapped[str | None] = mapped_column(String(32))
    source_permalink: Mapped[str | None] = mapped_column(String(500))
    # The incident it is part of (0009; storage.incidents): at most one.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    # 0015: closed with its incident, whose "Was your problem solved?" its reporter is asked once,
    # on this other ticket of theirs (storage.incidents: resolve); cleared by every close.
    csat_via_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id], lazy="joined")
    engineer: Mapped[User | None] = relationship(foreign_keys=[engineer_id], lazy="joined")
    # Joined: every card drawn of a linked ticket says "Part of INC-3 (Investigating)".
    incident: Mapped[Incident | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def number(self) -> str:
        return format_number(self.id)

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class TicketEvent(Base):
    """Append-only history: nothing ever deletes a row of it, and nothing updates one but the
    text of a comment its author edits or deletes in Slack (`note`: what it says now, None once
    deleted; the text as first written is kept in `relayed_messages`, storage.comment_edits)."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        Index("ix_ticket_events_ticket", "ticket_id", "id"),
        Index("ix_ticket_events_kind", "kind", "new_value"),  # 0003: satisfaction's outcomes
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    actor_id: Mapped[str] = mapped_column(ForeignKey("users.slack_id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str | None] = mapped_column(String(64))
    new_value: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    # The ticket's version this change was made on (0006; None on older rows): the events since a
    # card drawn at version v are those made on v or later (storage.card_history).
    ticket_version: Mapped[int | None]

    actor: Mapped[User] = relationship(lazy="joined")


class SlaAlert(Base):
    """A warning the SLA sweep has sent: one row per ticket and threshold, so never twice."""

    __tablename__ = "sla_alerts"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnownFix(Base):
    """A closed ticket's resolution written up once for reporters (storage.known_fixes): what a
    reporter filing a matching problem is shown as "Try this first". Public by being written:
    the ticket's own resolution and notes never are."""

    __tablename__ = "known_fixes"
    __table_args__ = (Index("ix_known_fixes_ticket", "ticket_id", unique=True),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    title: Mapped[str] = mapped_column(String(150))
    steps: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.slack_id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
