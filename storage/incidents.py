"""Incidents: one outage, many tickets. Declare one, link tickets to it, post one update that
every linked ticket's reporter hears, resolve it and close every linked ticket at once.

Each public method is one transaction, like the ticket service's: an update is a public note on
every linked ticket (`note_within`), a resolve a close of each (`close_within`), so reporters
are told, asked "Was your problem solved?" and SLAs decided exactly as for one ticket. Who may:
an admin or an engineer (staff); declaring from a ticket, an admin or its engineer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage import notifications, outbox
from storage.domain import NOTE_MAX, TITLE_MAX, Actor, IncidentStatus, Status, Visibility, format_number
from storage.errors import (
    AlreadyLinked,
    IncidentNotFound,
    IncidentResolved,
    InvalidInput,
    NotAllowed,
    StaleTicket,
    TicketNotFound,
)
from storage.models import Incident, IncidentEvent, Ticket
from storage.roles import REPORTER
from storage.sla_queries import not_closed
from storage.tickets import TicketService

CARD_LISTED = 10  # linked tickets the incident card names; the rest are "…and N more"

DECLARED, LINKED, UNLINKED, STATUS, UPDATE, RESOLVED = (
    "declared",
    "linked",
    "unlinked",
    "status",
    "update",
    "resolved",
)


def card_stream(incident_id: int) -> str:
    return f"incident:{incident_id}"


def sync_card(session: Session, incident: Incident) -> None:
    """Post or redraw the incident's card in the triage channel (drawn at delivery)."""
    outbox.write(session, outbox.SLACK_INCIDENT_CARD, {"incident_id": incident.id}, card_stream(incident.id))


@dataclass(frozen=True)
class Linked:
    """A linked ticket as the incident card lists it."""

    id: int
    number: str
    status: str


@dataclass(frozen=True)
class IncidentSummary:
    """What the incident card shows: the incident, how many tickets and reporters, the first few."""

    incident: Incident
    tickets: int
    reporters: int
    open_tickets: int
    first: tuple[Linked, ...]


@dataclass(frozen=True)
class Resolved:
    incident: Incident
    closed: int  # tickets this resolve closed (0: it was resolved already, a no-op)
    already: bool


class IncidentService:
    def __init__(self, tickets: TicketService) -> None:
        self.tickets = tickets
        self.db = tickets.db

    # -- who may -----------------------------------------------------------------------------

    def is_staff(self, user_id: str, session: Session | None = None) -> bool:
        return self.tickets.roles.role(user_id, session) != REPORTER

    def _require_staff(self, session: Session, actor: Actor) -> None:
        if not self.is_staff(actor.user_id, session):
            raise NotAllowed()

    # -- changing ----------------------------------------------------------------------------

    @contextmanager
    def _changing(self, incident_id: int | None = None) -> Iterator[tuple[Session, Incident | None]]:
        try:
            with self.db.transaction() as session:
                incident = None
                if incident_id is not None:
                    incident = session.get(Incident, incident_id)
                    if incident is None:
                        raise IncidentNotFound(number=incident_id)
                yield session, incident
        except StaleDataError as error:  # a linked ticket changed under us: nothing was done
            raise StaleTicket(number=incident_id) from error

    def _event(self, session: Session, incident: Incident, actor: Actor, kind: str, **values) -> None:
        incident.updated_at = self.tickets.clock()
        session.add(IncidentEvent(incident_id=incident.id, actor_id=actor.user_id, kind=kind, **values))
        sync_card(session, incident)

    def declare(self, actor: Actor, title: str, from_ticket: int | None = None) -> Incident:
        """A new incident owned by `actor`; `from_ticket` (its triage card's button) is linked."""
        title = title.strip()
        if not title:
            raise InvalidInput({"title": "error.required"})
        if len(title) > TITLE_MAX:
            raise InvalidInput({"title": "error.too_long"})
        with self._changing() as (session, _):
            ticket = None
            if from_ticket is not None:
                ticket = self._ticket(session, from_ticket)
                if not self.tickets.is_staff_on(ticket, actor.user_id):
                    raise NotAllowed()  # the issue: an admin, or the engineer assigned to it
            elif not self.tickets.is_admin(actor.user_id):
                self._require_staff(session, actor)
            self.tickets._touch_user(session, actor)
            now = self.tickets.clock()
            incident = Incident(
                title=title,
                owner_id=actor.user_id,
                status=IncidentStatus.INVESTIGATING.value,
                created_at=now,
                updated_at=now,
            )
            session.add(incident)
            session.flush()
            self._event(session, incident, actor, DECLARED, note=title)
            if ticket is not None:
                self._link(session, incident, ticket, actor)
            return incident

    def declare_linking(
        self,
        actor: Actor,
        title: str,
        ticket_ids: Sequence[int],
        then: Callable[[Session, Incident], None] | None = None,
    ) -> tuple[Incident, int]:
        """A new incident owned by `actor` (staff) with `ticket_ids` linked, in one transaction:
        those closed or in another incident meanwhile are left out. `then(session, incident)`
        runs in it too (a burst suggestion remembers its incident). Returns it and how many."""
        title = title.strip()
        if not title or len(title) > TITLE_MAX:
            raise InvalidInput({"title": "error.required" if not title else "error.too_long"})
        with self._changing() as (session, _):
            self._require_staff(session, actor)
            self.tickets._touch_user(session, actor)
            now = self.tickets.clock()
            incident = Incident(
                title=title,
                owner_id=actor.user_id,
                status=IncidentStatus.INVESTIGATING.value,
                created_at=now,
                updated_at=now,
            )
            session.add(incident)
            session.flush()
            self._event(session, incident, actor, DECLARED, note=title)
            query = select(Ticket).where(
                Ticket.id.in_(ticket_ids), Ticket.incident_id.is_(None), Ticket.status != Status.CLOSED.value
            )
            linked = session.scalars(query.order_by(Ticket.id)).unique().all()
            for ticket in linked:
                self._link(session, incident, ticket, actor)
            if then is not None:
                then(session, incident)
            return incident, len(linked)

    def link(self, actor: Actor, ticket_id: int, incident_id: int) -> Ticket:
        with self._changing(incident_id) as (session, incident):
            self._require_staff(session, actor)
            ticket = self._ticket(session, ticket_id)
            if incident.status == IncidentStatus.RESOLVED.value:
                raise IncidentResolved(incident=incident.number)
            if ticket.incident_id == incident.id:
                return ticket  # linked already: a double click
            if ticket.incident_id is not None:
                other = session.get(Incident, ticket.incident_id)
                raise AlreadyLinked(ticket=ticket.number, incident=other.number if other else "")
            self.tickets._touch_user(session, actor)
            self._link(session, incident, ticket, actor)
            return ticket

    def _link(self, session: Session, incident: Incident, ticket: Ticket, actor: Actor) -> None:
        ticket.incident_id = incident.id
        self._event(session, incident, actor, LINKED, ticket_id=ticket.id)
        notifications.refresh_cards(session, ticket)  # "Part of INC-3"

    def unlink(self, actor: Actor, ticket_id: int) -> Ticket:
        """Take a ticket out of its incident (it is then neither told nor closed with it)."""
        with self._changing() as (session, _):
            self._require_staff(session, actor)
            ticket = self._ticket(session, ticket_id)
            if ticket.incident_id is None:
                return ticket
            incident = session.get(Incident, ticket.incident_id)
            self.tickets._touch_user(session, actor)
            ticket.incident_id = None
            self._event(session, incident, actor, UNLINKED, ticket_id=ticket.id)
            notifications.refresh_cards(session, ticket)
            return ticket

    def post_update(self, actor: Actor, incident_id: int, text: str) -> int:
        """One update, every reporter told: a public note on each linked ticket still open.
        Returns how many tickets it went to."""
        text = text.strip()
        if not text:
            raise InvalidInput({"note": "error.required"})
        if len(text) > NOTE_MAX:
            raise InvalidInput({"note": "error.too_long"})
        with self._changing(incident_id) as (session, incident):
            self._require_staff(session, actor)
            if incident.status == IncidentStatus.RESOLVED.value:
                raise IncidentResolved(incident=incident.number)
            self.tickets._touch_user(session, actor)
            told = 0
            for ticket in self._linked(session, incident, open_only=True):
                self.tickets.note_within(session, ticket, actor, text, Visibility.PUBLIC)
                told += 1
            self._event(session, incident, actor, UPDATE, note=text)
            return told

    def set_status(self, actor: Actor, incident_id: int, status: IncidentStatus) -> Incident:
        """Investigating, identified, monitoring, in any order; resolving is `resolve`."""
        if status is IncidentStatus.RESOLVED:
            raise InvalidInput({"status": "error.unknown_choice"})
        with self._changing(incident_id) as (session, incident):
            self._require_staff(session, actor)
            if incident.status == IncidentStatus.RESOLVED.value:
                raise IncidentResolved(incident=incident.number)
            if incident.status == status.value:
                return incident
            self.tickets._touch_user(session, actor)
            incident.status = status.value
            self._event(session, incident, actor, STATUS, new_value=status.value)
            for ticket in self._linked(session, incident, open_only=True):
                notifications.refresh_cards(session, ticket)  # their cards show its status
            return incident

    @staticmethod
    def _resolution(resolution: str) -> str:
        resolution = resolution.strip()
        if not resolution:
            raise InvalidInput({"note": "error.required"})
        if len(resolution) > NOTE_MAX:
            raise InvalidInput({"note": "error.too_long"})
        return resolution

    def check_resolve(self, actor: Actor, incident_id: int, resolution: str) -> None:
        """What `resolve` would refuse, read only: a modal's ack answers it at once, and the
        resolve itself (a close per linked ticket) runs after the ack."""
        self._resolution(resolution)
        with self.db.read() as session:
            if session.get(Incident, incident_id) is None:
                raise IncidentNotFound(number=incident_id)
            self._require_staff(session, actor)

    def resolve(self, actor: Actor, incident_id: int, resolution: str) -> Resolved:
        """Resolve, closing every linked ticket still open with `resolution` (each reporter told
        and asked once, each ticket's SLA decided). Resolving a resolved incident changes nothing."""
        resolution = self._resolution(resolution)
        with self._changing(incident_id) as (session, incident):
            self._require_staff(session, actor)
            if incident.status == IncidentStatus.RESOLVED.value:
                return Resolved(incident, 0, already=True)
            self.tickets._touch_user(session, actor)
            closed = 0
            for ticket in self._linked(session, incident, open_only=True):
                closed += self.tickets.close_within(session, ticket, actor, resolution)
            incident.status = IncidentStatus.RESOLVED.value
            incident.resolution = resolution
            incident.resolved_at = self.tickets.clock()
            self._event(session, incident, actor, RESOLVED, note=resolution)
            return Resolved(incident, closed, already=False)

    # -- reading -----------------------------------------------------------------------------

    def get(self, incident_id: int) -> Incident:
        with self.db.read() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise IncidentNotFound(number=incident_id)
            return incident

    def summary(self, incident_id: int) -> IncidentSummary:
        with self.db.read() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise IncidentNotFound(number=incident_id)
            linked = Ticket.incident_id == incident_id
            tickets, reporters = session.execute(
                select(func.count(Ticket.id), func.count(func.distinct(Ticket.reporter_id))).where(linked)
            ).one()
            still_open = session.scalar(select(func.count(Ticket.id)).where(linked, not_closed()))
            rows = session.execute(
                select(Ticket.id, Ticket.status).where(linked).order_by(Ticket.id).limit(CARD_LISTED)
            ).all()
            first = tuple(Linked(r.id, format_number(r.id), r.status) for r in rows)
            return IncidentSummary(incident, tickets, reporters, still_open or 0, first)

    def remember_card(self, incident_id: int, channel: str, ts: str) -> None:
        with self.db.transaction() as session:
            incident = session.get(Incident, incident_id)
            if incident is not None:
                incident.triage_channel, incident.triage_ts = channel, ts

    # -- helpers -----------------------------------------------------------------------------

    def _ticket(self, session: Session, ticket_id: int) -> Ticket:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise TicketNotFound(number=ticket_id)
        return ticket

    @staticmethod
    def _linked(session: Session, incident: Incident, *, open_only: bool) -> Sequence[Ticket]:
        query = select(Ticket).where(Ticket.incident_id == incident.id).order_by(Ticket.id)
        if open_only:
            query = query.where(Ticket.status != Status.CLOSED.value)
        return session.scalars(query).unique().all()
