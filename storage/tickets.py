"""The ticket lifecycle: every rule, permission, history row and outbox row lives here.

Each public method is one transaction: the change, its `TicketEvent` and its notifications
commit together or not at all. Callers pass plain values; nothing here knows Slack payloads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Executable, Table, bindparam, exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage import notifications
from storage.db import Database, once_committed
from storage.domain import (
    CSAT_RATINGS,
    SYSTEM_USER_ID,
    CsatOutcome,
    EventKind,
    Priority,
    Status,
    Visibility,
    can_transition,
)
from storage.errors import (
    AlreadyAnswered,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    StaleTicket,
    TicketNotFound,
)
from storage.models import Engineer, SlaAlert, Ticket, TicketEvent, User, utcnow
from storage.sla import ServiceLevels

TITLE_MAX = 150
DESCRIPTION_MAX = 3000
NOTE_MAX = 3000
KNOWN_USERS_MAX = 100_000  # ids kept by `_touch_user` before it starts over
KEEP = object()  # `rate(comment=KEEP)`: leave the comment as it is


@dataclass(frozen=True)
class Actor:
    """Who acts, as Slack told us (the id is trusted: it comes from a signed request)."""

    user_id: str
    name: str = ""


SYSTEM_ACTOR = Actor(SYSTEM_USER_ID, "ticketbot")


@dataclass(frozen=True)
class NewTicket:
    title: str
    description: str
    category: str
    priority: str = Priority.MEDIUM.value
    request_key: str | None = None
    # Filed from a Slack message (shortcut or :ticket: reaction): where it is; `source_thread_ts`
    # is its thread's root when it is a reply (the bot answers there).
    source_channel: str | None = None
    source_ts: str | None = None
    source_thread_ts: str | None = None


class TicketService:
    def __init__(
        self,
        db: Database,
        *,
        admins: Collection[str],
        categories: Collection[str],
        levels: ServiceLevels | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.admins = frozenset(admins)
        self.categories = tuple(categories)
        self.levels = levels
        self.clock = clock  # tests travel in time through it
        # People whose users row is committed (rows are never deleted): no upsert for them.
        self._known_users: set[str] = set()

    # -- reading -----------------------------------------------------------------------------

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins

    def get(self, ticket_id: int, viewer: str) -> Ticket:
        """The ticket if `viewer` may see it: its reporter, its engineer, or an admin."""
        with self.db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None or not self._may_view(session, ticket, viewer):
                raise TicketNotFound(number=ticket_id)
            return ticket

    def history(self, ticket_id: int, viewer: str) -> list[TicketEvent]:
        """Events `viewer` may see, oldest first: internal notes only for staff on the ticket."""
        with self.db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None or not self._may_view(session, ticket, viewer):
                raise TicketNotFound(number=ticket_id)
            query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
            if not self._is_staff_on(ticket, viewer):
                query = query.where(TicketEvent.visibility == Visibility.PUBLIC.value)
            return list(session.scalars(query))

    def reported_by(self, user_id: str, limit: int = 20) -> tuple[list[Ticket], int]:
        """A reporter's tickets, newest first, and how many there are in all."""
        with self.db.read() as session:
            tickets = session.scalars(
                select(Ticket).where(Ticket.reporter_id == user_id).order_by(Ticket.id.desc()).limit(limit)
            ).all()
            total = session.scalar(
                select(func.count()).select_from(Ticket).where(Ticket.reporter_id == user_id)
            )
            return list(tickets), int(total or 0)

    # -- changing ----------------------------------------------------------------------------

    def filed_from(self, channel: str, ts: str) -> Ticket | None:
        """The ticket already filed from the Slack message at (channel, ts), if any."""
        with self.db.read() as session:
            query = select(Ticket).where(Ticket.source_channel == channel, Ticket.source_ts == ts)
            return session.scalars(query.order_by(Ticket.id).limit(1)).first()

    def create(self, reporter: Actor, new: NewTicket, filed_by: Actor | None = None) -> tuple[Ticket, bool]:
        """File a ticket; returns it and whether it is new (False: the same request came twice).

        `filed_by` is who filed it for `reporter` (a :ticket: reaction, the message shortcut on
        someone's message): the actor of its history's first event."""
        title, description = new.title.strip(), new.description.strip()
        errors: dict[str, str] = {}
        if not title:
            errors["title"] = "error.required"
        elif len(title) > TITLE_MAX:
            errors["title"] = "error.too_long"
        if not description:
            errors["description"] = "error.required"
        elif len(description) > DESCRIPTION_MAX:
            errors["description"] = "error.too_long"
        if new.category not in self.categories:
            errors["category"] = "error.unknown_choice"
        if new.priority not in {p.value for p in Priority}:
            errors["priority"] = "error.unknown_choice"
        if errors:
            raise InvalidInput(errors)

        with self.db.transaction() as session:
            self._touch_user(session, reporter)
            if filed_by is not None and filed_by.user_id != reporter.user_id:
                self._touch_user(session, filed_by)
            now = self.clock()
            ticket = Ticket(
                reporter_id=reporter.user_id,
                title=title,
                description=description,
                category=new.category,
                priority=new.priority,
                status=Status.OPEN.value,
                version=1,
                created_at=now,
                updated_at=now,
                request_key=new.request_key,
                source_channel=new.source_channel,
                source_ts=new.source_ts,
            )
            if self.levels:
                self.levels.start(ticket, now)
            # One statement files it unless its request key is taken (see `_insert`): a request
            # that came before, or one racing it in right now, files nothing. PostgreSQL waits
            # for a racing insert to commit, so the look-up after it finds that ticket.
            if _insert(session, ticket, unless_taken="request_key") is None:
                existing = session.scalar(select(Ticket).where(Ticket.request_key == new.request_key))
                if existing is None:  # cannot happen: the conflicting row is committed
                    raise RuntimeError(f"no ticket holds request key {new.request_key!r}")
                return existing, False
            event = self._record(
                session, ticket, filed_by or reporter, EventKind.CREATED, new_value=Status.OPEN.value
            )
            if new.source_channel and new.source_ts:
                notifications.source_reply(session, ticket, event, new.source_thread_ts)
            return ticket, True

    def assign(
        self, ticket_id: int, engineer_id: str, actor: Actor, expected_version: int | None = None
    ) -> Ticket:
        if not self.is_admin(actor.user_id):
            raise NotAllowed()
        with self._changing(ticket_id) as (session, ticket):
            self._expect(ticket, expected_version)
            engineer = session.get(Engineer, engineer_id)
            if engineer is None:
                raise InvalidInput({"engineer": "error.not_an_engineer"})
            if ticket.status == Status.CLOSED.value:
                raise InvalidTransition(status=ticket.status)
            previous = ticket.engineer_id
            if previous == engineer_id:
                return ticket
            self._touch_user(session, actor)
            previous_card = None
            if ticket.engineer_dm_channel and ticket.engineer_dm_ts:
                previous_card = (ticket.engineer_dm_channel, ticket.engineer_dm_ts)
            # The new engineer gets a card of their own; the old one hears of it in its thread.
            ticket.engineer_dm_channel = ticket.engineer_dm_ts = None
            ticket.engineer_id = engineer_id
            ticket.updated_at = self.clock()
            self._record(
                session,
                ticket,
                actor,
                EventKind.ASSIGNED,
                old_value=previous,
                new_value=engineer_id,
                previous_card=previous_card,
            )
            return ticket

    def change_status(
        self,
        ticket_id: int,
        target: Status,
        actor: Actor,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> Ticket:
        """Move along the transition table. Closing needs a resolution note; reopening goes to Open."""
        note = (note or "").strip() or None
        if note and len(note) > NOTE_MAX:
            raise InvalidInput({"note": "error.too_long"})
        if target in (Status.CLOSED, Status.ON_HOLD) and not note:
            # A resolution to close; a reason to put on hold (it stops the SLA clock).
            raise InvalidInput({"note": "error.required"})
        with self._changing(ticket_id) as (session, ticket):
            self._check_change(session, ticket, target, actor, expected_version)
            self._move(session, ticket, target, actor, note)
            return ticket

    def _move(self, session: Session, ticket: Ticket, target: Status, actor: Actor, note: str | None) -> None:
        """The status change itself, checks done, in the caller's transaction."""
        current = ticket.status_enum
        reopening = current is Status.CLOSED and target is Status.OPEN
        self._touch_user(session, actor)
        now = self.clock()
        if self.levels:
            self.levels.on_status(ticket, target, now, by_staff=self._is_staff_on(ticket, actor.user_id))
        ticket.status = target.value
        ticket.updated_at = now
        ticket.closed_at = now if target is Status.CLOSED else None
        if target is Status.CLOSED:
            # Each close asks "Was your problem solved?" afresh.
            ticket.csat_outcome = ticket.csat_rating = ticket.csat_comment = ticket.csat_at = None
        kind = (
            EventKind.CLOSED
            if target is Status.CLOSED
            else EventKind.REOPENED
            if reopening
            else EventKind.STATUS
        )
        self._record(session, ticket, actor, kind, old_value=current.value, new_value=target.value, note=note)

    def close(
        self, ticket_id: int, actor: Actor, resolution: str, expected_version: int | None = None
    ) -> Ticket:
        return self.change_status(ticket_id, Status.CLOSED, actor, resolution, expected_version)

    def reopen(self, ticket_id: int, actor: Actor, reason: str | None = None) -> Ticket:
        return self.change_status(ticket_id, Status.OPEN, actor, reason)

    def add_note(self, ticket_id: int, actor: Actor, text: str, visibility: Visibility) -> TicketEvent:
        text = text.strip()
        if not text:
            raise InvalidInput({"note": "error.required"})
        if len(text) > NOTE_MAX:
            raise InvalidInput({"note": "error.too_long"})
        with self._changing(ticket_id) as (session, ticket):
            self._check_change(session, ticket, None, actor, None)
            self._touch_user(session, actor)
            ticket.updated_at = self.clock()
            if self.levels and visibility is Visibility.PUBLIC:
                self.levels.responded(ticket, ticket.updated_at)  # only staff may add notes
            return self._record(session, ticket, actor, EventKind.NOTE, note=text, visibility=visibility)

    def alert(self, ticket_id: int, kind: EventKind, still_due: Callable[[Ticket], bool]) -> bool:
        """Record a scheduled warning (SLA at risk or breached, late response, unassigned) as an
        internal event by the system, once per ticket and kind; False if it was sent already or
        no longer applies (`still_due` re-checks the ticket inside this transaction)."""
        try:
            with self.db.transaction() as session:
                ticket = session.get(Ticket, ticket_id)
                if ticket is None or session.get(SlaAlert, (ticket_id, kind.value)) is not None:
                    return False
                if not still_due(ticket):
                    return False
                now = self.clock()
                session.add(SlaAlert(ticket_id=ticket_id, kind=kind.value, created_at=now))
                self._touch_user(session, SYSTEM_ACTOR)
                self._record(session, ticket, SYSTEM_ACTOR, kind, visibility=Visibility.INTERNAL, at=now)
                return True
        except IntegrityError:
            return False  # another process sent it in the same instant

    def preview_change(
        self, ticket_id: int, target: Status | None, actor: Actor, expected_version: int | None = None
    ) -> Ticket:
        """Raise now what `change_status(target)` (or `add_note`, for None) would raise, changing
        nothing: a modal asking for a resolution is only opened for a change that can happen."""
        with self.db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise TicketNotFound(number=ticket_id)
            self._check_change(session, ticket, target, actor, expected_version)
            return ticket

    # -- internals ---------------------------------------------------------------------------

    def _check_change(
        self,
        session: Session,
        ticket: Ticket,
        target: Status | None,
        actor: Actor,
        expected_version: int | None,
    ) -> None:
        """Who may (staff on it; its reporter only to reopen), then whether the card was current,
        then whether the move is legal — in that order, so a stranger learns nothing."""
        current = ticket.status_enum
        # The reporter may ask to reopen; whether the ticket is closed is the transition table's call.
        allowed = self._is_staff_on(ticket, actor.user_id) or (
            target is Status.OPEN and actor.user_id == ticket.reporter_id
        )
        if not allowed:
            if not self._may_view(session, ticket, actor.user_id):
                raise TicketNotFound(number=ticket.id)
            raise NotAllowed()
        self._expect(ticket, expected_version)
        if target is not None and not can_transition(current, target):
            raise InvalidTransition(status=current.value, target=target.value)

    def refresh_cards(self, ticket_id: int) -> None:
        """Redraw every Slack card of a ticket (after a stale click: the clicker's card was old)."""
        with self.db.transaction() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is not None:
                notifications.refresh_cards(session, ticket)

    @contextmanager
    def _changing(self, ticket_id: int) -> Iterator[tuple[Session, Ticket]]:
        """Load a ticket for change in one transaction; a lost race becomes `StaleTicket`."""
        try:
            with self.db.transaction() as session:
                ticket = session.get(Ticket, ticket_id)
                if ticket is None:
                    raise TicketNotFound(number=ticket_id)
                yield session, ticket
        except StaleDataError as error:
            raise StaleTicket(number=ticket_id) from error

    @staticmethod
    def _expect(ticket: Ticket, expected_version: int | None) -> None:
        """The change was asked for on a card showing `expected_version`: refuse it if that is old."""
        if expected_version is not None and ticket.version != expected_version:
            raise StaleTicket(number=ticket.id)

    def _is_staff_on(self, ticket: Ticket, user_id: str) -> bool:
        return self.is_admin(user_id) or (ticket.engineer_id is not None and ticket.engineer_id == user_id)

    def _may_view(self, session: Session, ticket: Ticket, user_id: str) -> bool:
        return ticket.reporter_id == user_id or self._is_staff_on(ticket, user_id)

    def _touch_user(self, session: Session, actor: Actor) -> None:
        """Make sure the actor has a users row (foreign keys need it), race-free: two first
        requests of one person at once must not collide on the primary key. Once a row is known
        to be committed, this process skips the upsert (a round trip on every change)."""
        if actor.user_id in self._known_users:
            return
        session.execute(
            _dialect_insert(session.get_bind().dialect.name)(User)
            .values(slack_id=actor.user_id, name=actor.name or "", real_name="")
            .on_conflict_do_nothing(index_elements=["slack_id"])
        )
        once_committed(session, lambda: self._remember_user(actor.user_id))

    def _remember_user(self, user_id: str) -> None:
        if len(self._known_users) >= KNOWN_USERS_MAX:
            self._known_users.clear()
        self._known_users.add(user_id)

    @staticmethod
    def _record(
        session: Session,
        ticket: Ticket,
        actor: Actor,
        kind: EventKind,
        *,
        old_value: str | None = None,
        new_value: str | None = None,
        note: str | None = None,
        visibility: Visibility = Visibility.PUBLIC,
        previous_card: tuple[str, str] | None = None,
        at: datetime | None = None,
    ) -> TicketEvent:
        event = TicketEvent(
            ticket_id=ticket.id,
            actor_id=actor.user_id,
            kind=kind.value,
            old_value=old_value,
            new_value=new_value,
            note=note,
            visibility=visibility.value,
            created_at=at or ticket.updated_at,
        )
        _insert(session, event)
        notifications.plan(session, ticket, event, previous_card=previous_card)
        return event

    # -- satisfaction: "Was your problem solved?", asked of the reporter on each close ---------

    def preview_feedback(self, ticket_id: int, actor: Actor, *, rating: bool = False) -> Ticket:
        """Raise now what `not_solved` (or `rate`, with `rating`) would raise, changing nothing:
        a modal is only opened for an answer that can be given."""
        with self.db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise TicketNotFound(number=ticket_id)
            self._check_feedback(session, ticket, actor, rating=rating)
            return ticket

    def solved(self, ticket_id: int, actor: Actor) -> Ticket:
        """The reporter says yes: the problem is solved. A rating may follow (`rate`)."""
        with self._changing(ticket_id) as (session, ticket):
            self._check_feedback(session, ticket, actor)
            self._touch_user(session, actor)
            ticket.updated_at = ticket.csat_at = self.clock()
            ticket.csat_outcome = CsatOutcome.SOLVED.value
            self._record(session, ticket, actor, EventKind.FEEDBACK, new_value=CsatOutcome.SOLVED.value)
            return ticket

    def not_solved(self, ticket_id: int, actor: Actor, reason: str, comment: str | None = None) -> Ticket:
        """The reporter says no: the ticket is reopened (`reason` is the reopen's note, which the
        engineer and the triage thread are told) and the answer kept with their `comment`."""
        comment = self._comment(comment)
        if len(reason) > NOTE_MAX:  # a prefix and a comment of the maximum length
            reason = reason[: NOTE_MAX - 1] + "…"
        with self._changing(ticket_id) as (session, ticket):
            self._check_feedback(session, ticket, actor)
            self._move(session, ticket, Status.OPEN, actor, reason)
            ticket.csat_outcome = CsatOutcome.REOPENED.value
            ticket.csat_comment, ticket.csat_at = comment, ticket.updated_at
            outcome = CsatOutcome.REOPENED.value
            self._record(session, ticket, actor, EventKind.FEEDBACK, new_value=outcome, note=comment)
            return ticket

    def rate(self, ticket_id: int, actor: Actor, rating: int, comment: str | object | None = KEEP) -> Ticket:
        """A 1-5 rating (and comment) of a ticket its reporter said was solved; it may be changed
        while the ticket stays closed, each change a history event."""
        if rating not in CSAT_RATINGS:
            raise InvalidInput({"rating": "error.unknown_choice"})
        with self._changing(ticket_id) as (session, ticket):
            self._check_feedback(session, ticket, actor, rating=True)
            old_rating, old_comment = ticket.csat_rating, ticket.csat_comment
            new_comment = old_comment if comment is KEEP else self._comment(comment)  # type: ignore[arg-type]
            if (rating, new_comment) == (old_rating, old_comment):
                return ticket  # the same answer again: nothing to record
            self._touch_user(session, actor)
            ticket.updated_at = ticket.csat_at = self.clock()
            ticket.csat_rating, ticket.csat_comment = rating, new_comment
            self._record(
                session,
                ticket,
                actor,
                EventKind.FEEDBACK,
                old_value=str(old_rating) if old_rating else None,
                new_value=str(rating),
                note=new_comment if new_comment != old_comment else None,
            )
            return ticket

    def _check_feedback(
        self, session: Session, ticket: Ticket, actor: Actor, *, rating: bool = False
    ) -> None:
        """Only the reporter answers (not even an admin for them), only while it is closed, and
        yes or no once per close; a rating only after a yes."""
        if actor.user_id != ticket.reporter_id:
            if not self._may_view(session, ticket, actor.user_id):
                raise TicketNotFound(number=ticket.id)
            raise NotAllowed()
        if ticket.status != Status.CLOSED.value:
            raise InvalidTransition(status=ticket.status)
        if rating and ticket.csat_outcome != CsatOutcome.SOLVED.value:
            raise InvalidTransition(status=ticket.status)
        if not rating and ticket.csat_outcome is not None:
            raise AlreadyAnswered(number=ticket.id)

    @staticmethod
    def _comment(comment: str | None) -> str | None:
        comment = (comment or "").strip() or None
        if comment and len(comment) > NOTE_MAX:
            raise InvalidInput({"note": "error.too_long"})
        return comment


def _dialect_insert(dialect: str) -> Callable:
    """The INSERT construct that knows ON CONFLICT on this database (`dialect`: its name)."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


def _insert(session: Session, row: Ticket | TicketEvent, unless_taken: str | None = None) -> int | None:
    """INSERT a new `row` with a Core statement in the session's transaction and give it its id;
    with `unless_taken` (a unique column), insert nothing if its value is taken and return None.

    Tickets and events are written so, not through the unit of work: for one INSERT … RETURNING
    the ORM's flush cost more CPU than the statement, on the ack path of every change. The row
    stays a plain transient object with the values it was given (and its id): the rest of the
    transaction reads it, nothing loads or saves it later."""
    table = row.__table__
    values = {column.key: row.__dict__[column.key] for column in table.columns if column.key in row.__dict__}
    if values.get(unless_taken) is None:
        unless_taken = None
    connection = session.connection()
    statement = _insert_statement(connection.dialect.name, table, tuple(values), unless_taken)
    new_id = connection.execute(statement, values).scalar()
    if new_id is not None:
        row.id = new_id
    return new_id


@functools.cache
def _insert_statement(
    dialect: str, table: Table, keys: tuple[str, ...], unless_taken: str | None
) -> Executable:
    """Built once per shape (dialect, table, columns given), run with the values bound: building
    it anew for each row, with a bound literal per value, cost more CPU than executing it."""
    if unless_taken is None:
        return table.insert().returning(table.c.id)
    # INSERT … SELECT … WHERE NOT EXISTS: a value already taken draws no id from the sequence
    # (ON CONFLICT alone would, and a double click would leave a gap in ticket numbers);
    # ON CONFLICT DO NOTHING still covers a racing insert, as PostgreSQL waits for it.
    fields = {key: bindparam(key, type_=table.c[key].type) for key in keys}
    taken = select(table.c.id).where(table.c[unless_taken] == fields[unless_taken])
    return (
        _dialect_insert(dialect)(table)
        .from_select(list(keys), select(*fields.values()).where(~exists(taken)))
        .on_conflict_do_nothing(index_elements=[unless_taken])
        .returning(table.c.id)
    )
