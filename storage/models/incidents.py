"""Incidents: the outage many tickets are part of, its history, the tickets kept out of it, the
burst suggestions it may be declared from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.domain import IncidentStatus, format_incident
from storage.models.base import Base, BigId, utcnow
from storage.models.people import User


class Incident(Base):
    """An outage many tickets are part of (storage.incidents): one update tells every reporter,
    one resolve closes every linked ticket."""

    __tablename__ = "incidents"
    __table_args__ = (
        # 0019: a message in a card's thread asks which incident's card it is under
        Index("ix_incidents_card", "triage_channel", "triage_ts"),
        {"sqlite_autoincrement": True},  # an INC number is never reused either
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.slack_id"))
    status: Mapped[str] = mapped_column(String(16), default=IncidentStatus.INVESTIGATING.value)
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    triage_channel: Mapped[str | None] = mapped_column(String(32))  # where its card lives
    triage_ts: Mapped[str | None] = mapped_column(String(32))

    owner: Mapped[User] = relationship(lazy="joined")

    @property
    def number(self) -> str:
        return format_incident(self.id)


class IncidentEvent(Base):
    """An incident's append-only history: declared, linked, unlinked, status, update, resolved."""

    __tablename__ = "incident_events"
    __table_args__ = (
        Index("ix_incident_events_incident", "incident_id", "id"),
        # 0019: an update written in the card's thread is posted once per Slack message
        Index("ix_incident_events_message", "incident_id", "message_ts", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    actor_id: Mapped[str] = mapped_column(ForeignKey("users.slack_id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))  # linked, unlinked
    new_value: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    # An update written in the thread of the incident's card: that message's ts (0019).
    message_ts: Mapped[str | None] = mapped_column(String(32))


class IncidentExclusion(Base):
    """A ticket an engineer kept out of an incident ("not part of it after all", 0015): it is
    unlinked, and never again offered for that incident (storage.incident_reads)."""

    __tablename__ = "incident_exclusions"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True, index=True)
    actor_id: Mapped[str] = mapped_column(ForeignKey("users.slack_id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BurstSuggestion(Base):
    """ "N tickets look like one problem — declare an incident?" posted once in the triage channel
    (storage.bursts): the tickets it lists, where it lives, the incident declared from it."""

    __tablename__ = "burst_suggestions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_ids: Mapped[list[int]] = mapped_column(JSON)  # the tickets it lists, in filing order
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_filed_at: Mapped[datetime]  # its newest ticket's filing time: a burst's window runs from it
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
