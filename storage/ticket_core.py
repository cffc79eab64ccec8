"""What every change of a ticket shares: its transaction, who may act, the move, the history row.

`TicketService` (storage.tickets) is assembled from the classes built on this one (reads,
lifecycle, satisfaction); it sets the attributes annotated here and defines `is_admin`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Row
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage import card_history, known_users, notifications
from storage.db import Database
from storage.domain import Actor, EventKind, Status, Visibility
from storage.email_plan import MailPolicy
from storage.errors import StaleTicket, TicketNotFound
from storage.inserts import insert_row
from storage.models import Ticket, TicketEvent
from storage.sla import ServiceLevels

# session.info: each changed ticket's version as loaded, the one its events are made on (an
# autoflush mid-transaction may already have bumped `ticket.version` for a second event).
_LOADED_VERSIONS = "loaded_ticket_versions"


class TicketCore:
    db: Database
    levels: ServiceLevels | None
    clock: Callable[[], datetime]
    _known_users: set[str]
    mail: MailPolicy
    is_admin: Callable[[str], bool]

    @contextmanager
    def _changing(self, ticket_id: int) -> Iterator[tuple[Session, Ticket]]:
        """Load a ticket for change in one transaction; a lost race becomes `StaleTicket`."""
        try:
            with self.db.transaction() as session:
                ticket = session.get(Ticket, ticket_id)
                if ticket is None:
                    raise TicketNotFound(number=ticket_id)
                self._loaded(session, ticket)
                yield session, ticket
        except StaleDataError as error:
            raise StaleTicket(number=ticket_id) from error

    @staticmethod
    def _loaded(session: Session, ticket: Ticket) -> None:
        """Note the version a ticket was loaded at, before changing it in `session`."""
        session.info.setdefault(_LOADED_VERSIONS, {}).setdefault(ticket.id, ticket.version)

    @staticmethod
    def _since_card(
        session: Session, ticket: Ticket, expected_version: int | None, actor: Actor, kinds: frozenset[str]
    ) -> Sequence[Row] | None:
        """The change was asked for on a card showing `expected_version`: None if that is current,
        else the events since it — refused (`StaleTicket`) if someone else's change of `kinds`
        is among them, or if they are unknown (storage.card_history)."""
        if expected_version is None or ticket.version == expected_version:
            return None
        events = card_history.since(session, ticket, expected_version)
        if events is None or card_history.conflicts(events, actor.user_id, kinds):
            raise StaleTicket(number=ticket.id)
        return events

    def is_staff_on(self, ticket: Ticket, user_id: str) -> bool:
        """An admin, or the ticket's engineer: who may see internal notes and SLA state."""
        return self.is_admin(user_id) or (ticket.engineer_id is not None and ticket.engineer_id == user_id)

    def _may_view(self, session: Session, ticket: Ticket, user_id: str) -> bool:
        return ticket.reporter_id == user_id or self.is_staff_on(ticket, user_id)

    def _move(self, session: Session, ticket: Ticket, target: Status, actor: Actor, note: str | None) -> None:
        """The status change itself, checks done, in the caller's transaction."""
        current = ticket.status_enum
        reopening = current is Status.CLOSED and target is Status.OPEN
        self.touch_user(session, actor)
        now = self.clock()
        if self.levels:
            self.levels.on_status(ticket, target, now, by_staff=self.is_staff_on(ticket, actor.user_id))
        ticket.status = target.value
        ticket.updated_at = now
        ticket.closed_at = now if target is Status.CLOSED else None
        if target is Status.CLOSED:
            # Each close asks "Was your problem solved?" afresh.
            ticket.csat_outcome = ticket.csat_rating = ticket.csat_comment = ticket.csat_at = None
            ticket.csat_via_id = None  # asked on this one (storage.incident_resolve: once per reporter)
        kind = (
            EventKind.CLOSED
            if target is Status.CLOSED
            else EventKind.REOPENED
            if reopening
            else EventKind.STATUS
        )
        self._record(session, ticket, actor, kind, old_value=current.value, new_value=target.value, note=note)

    def touch_user(self, session: Session, actor: Actor) -> None:
        """Make sure `actor` has a users row, in the caller's transaction (storage.known_users);
        public: the incident and known-fix services call it in theirs."""
        known_users.touch_user(session, self._known_users, actor)

    def _record(
        self,
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
        line: notifications.Line | None = None,
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
            ticket_version=session.info.get(_LOADED_VERSIONS, {}).get(ticket.id, ticket.version),
        )
        insert_row(session, event)
        notifications.plan(session, ticket, event, self.mail, previous_card=previous_card, line=line)
        return event
