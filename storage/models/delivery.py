"""Delivery and scheduling: the outbox, Slack's shared rate budgets, the triage list messages, the
Home tab charts, the scheduled jobs' runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class OutboxRow(Base):
    """One notification to deliver, written in the transaction of the change that caused it.

    `stream` orders delivery: rows sharing one (e.g. `slack:42`) leave in id order, so a card
    is posted before it is updated and thread replies keep their order.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "state", "next_attempt_at"),
        Index("ix_outbox_stream", "stream", "state", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stream: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(8), default="pending")  # pending | done | dead
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # A card row that left as part of an earlier row's redraw of the same card (no call of its own).
    merged_into: Mapped[int | None] = mapped_column(BigId)


class SlackPace(Base):
    """One of Slack's rate budgets (storage.slack_pacing), shared by every delivery process.
    Times are epoch seconds: `tat` is when the bucket is empty again, `held_until` a 429's end."""

    __tablename__ = "slack_pace"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)
    held_until: Mapped[float] = mapped_column(Float)


class TriageListing(Base):
    """A new ticket announced in a "new tickets" list message of the triage channel (a burst)."""

    __tablename__ = "triage_listings"

    ticket_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    listed_at: Mapped[float] = mapped_column(Float)


class Chart(Base):
    """A chart image uploaded into Slack for a Home tab (bot.charts): a Home draw only reads the
    file id and alt text here; the delivery process renders, uploads and writes them."""

    __tablename__ = "charts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # home:admin, home:engineer:U…
    file_id: Mapped[str | None] = mapped_column(String(32))
    previous_file_id: Mapped[str | None] = mapped_column(String(32))  # deleted at the next upload
    data_hash: Mapped[str | None] = mapped_column(String(64))
    alt_text: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(32))  # where the files are shared
    thread_ts: Mapped[str | None] = mapped_column(String(32))  # the quiet thread they go into
    rendered_at: Mapped[datetime | None]


class ScheduledRun(Base):
    """A scheduled job's run for one period (a day, a week): a digest goes out once even when
    leadership changes hands, or two schedulers fire, in the same minute."""

    __tablename__ = "scheduled_runs"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
