"""SQLAlchemy 2 typed models. The schema itself is created by the Alembic migrations."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    false,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship

from storage.domain import IncidentStatus, Priority, Status, format_incident, format_number


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# BIGINT on PostgreSQL, but INTEGER on SQLite, where only "INTEGER PRIMARY KEY" is the rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def trigram_index(name: str, column: str) -> Index:
    """A PostgreSQL trigram index on lower(column): `lower(column) LIKE '%word%'` (search) reads it
    instead of every row. Not on SQLite, which has no such index (search scans there)."""
    expression = func.lower(literal_column(column)).label(f"{column}_lower")
    return Index(
        name, expression, postgresql_using="gin", postgresql_ops={f"{column}_lower": "gin_trgm_ops"}
    ).ddl_if(dialect="postgresql")


# The accent-folded words of a ticket, as PostgreSQL stores them for storage.similar (0008): a
# generated column of tickets there, with no model attribute (SQLite has no such column; see
# storage.similar.modelled). translate() rather than unaccent(): immutable, so it may stand in
# a generated column, and no extension to install; it covers the accents of Spanish (and of
# French and Portuguese vowels).
TICKET_WORDS = "words"


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class User(Base):
    """A Slack user as we last saw them (users.info), cached so emails and names need no API call."""

    __tablename__ = "users"

    slack_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    real_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    tz: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))  # Slack's, e.g. es-ES (include_locale)
    language_override: Mapped[str | None] = mapped_column(String(8))  # `/ticket language es`; None: auto
    fetched_at: Mapped[datetime | None]
    wants_digest: Mapped[bool] = mapped_column(default=False, server_default=false())  # `/ticket digest on`

    @property
    def display(self) -> str:
        return self.real_name or self.name or self.slack_id


class Engineer(Base):
    __tablename__ = "engineers"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.slack_id"), primary_key=True)
    specialty: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    available: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


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


class TicketAttachment(Base):
    """A file that came with a ticket event (a comment written in a card's thread, an email):
    storage.attachments. Its visibility is its event's: a file in the triage thread is internal.

    The bytes live in the row (`data`, bytea on PostgreSQL), not in a directory: the file
    commits with its comment, one database backup holds the ticket with its files, and every
    delivery process, on any host, reads them with no shared disk to mount. FILE_MAX_MB (20 MB
    by default) bounds each row. `data` is deferred (never read with a listing) and NULL while a
    Slack file waits for delivery to fetch it (`state` pending)."""

    __tablename__ = "ticket_attachments"
    __table_args__ = (
        Index("ix_ticket_attachments_ticket", "ticket_id", "id"),
        Index("ix_ticket_attachments_event", "event_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("ticket_events.id"))
    actor_id: Mapped[str] = mapped_column(ForeignKey("users.slack_id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filename: Mapped[str] = mapped_column(String(255))
    mimetype: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    visibility: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))  # stored, pending (Slack, to fetch), failed
    source: Mapped[str] = mapped_column(String(16))  # slack, email
    slack_file_id: Mapped[str | None] = mapped_column(String(32))
    download_url: Mapped[str | None] = mapped_column(Text)
    relayed_file_id: Mapped[str | None] = mapped_column(String(32))  # its copy in the other thread
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))


class InboundMail(Base):
    """An email taken by `ticketbot mail-in` (storage.inbound_mail): the same message taken twice
    (the MTA or the IMAP poller retrying) is one comment. Written in the comment's transaction."""

    __tablename__ = "inbound_mail"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the Message-ID, or the bytes
    message_id: Mapped[str | None] = mapped_column(String(255))  # as it came, clipped: for people
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class RelayedMessage(Base):
    """A message written in a card's thread that became a comment (storage.conversation), and
    where its relayed copy was posted in the other side's thread (written by the relay's
    deliverer once posted): an edit of the message updates the copy, a deletion removes it
    (storage.comment_edits, migration 0014)."""

    __tablename__ = "relayed_messages"
    __table_args__ = (Index("ix_relayed_messages_event", "event_id", unique=True),)

    source_channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("ticket_events.id"))
    ticket_id: Mapped[int] = mapped_column(BigId, ForeignKey("tickets.id"))
    copy_audience: Mapped[str | None] = mapped_column(String(16))  # None: relayed nowhere
    copy_channel: Mapped[str | None] = mapped_column(String(32))  # None: not posted (yet)
    copy_ts: Mapped[str | None] = mapped_column(String(32))
    original_text: Mapped[str | None] = mapped_column(Text)  # as first written, once edited or deleted
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]


class SlaAlert(Base):
    """A warning the SLA sweep has sent: one row per ticket and threshold, so never twice."""

    __tablename__ = "sla_alerts"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScheduledRun(Base):
    """A scheduled job's run for one period (a day, a week): a digest goes out once even when
    leadership changes hands, or two schedulers fire, in the same minute."""

    __tablename__ = "scheduled_runs"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
