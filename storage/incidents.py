"""Incidents: one outage, many tickets. Declare one, link tickets to it, post one update that
every linked ticket's reporter hears, resolve it and close every linked ticket at once.

Each public method is one transaction, like the ticket service's: an update is a public note on
every linked ticket (`note_within`), a resolve a close of each (`close_within`), so reporters
are told and SLAs decided exactly as for one ticket (the resolve: storage.incident_resolve;
linking, unlinking and keeping out: storage.incident_links). Who may: an admin or an engineer
(staff); declaring from a ticket and keeping one out, an admin or its engineer. What the buttons
and the card read: storage.incident_reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage import notifications, outbox
from storage.domain import NOTE_MAX, TITLE_MAX, Actor, IncidentStatus, Status, Visibility
from storage.errors import IncidentNotFound, IncidentResolved, InvalidInput, NotAllowed, StaleTicket
from storage.incident_links import IncidentLinking
from storage.incident_reads import IncidentReads
from storage.incident_resolve import RESOLVED, IncidentResolving, Resolved  # noqa: F401 (re-exported)
from storage.models import Incident, IncidentEvent, Ticket
from storage.roles import REPORTER
from storage.tickets import TicketService

DECLARED, STATUS, UPDATE = "declared", "status", "update"  # incident events' kinds


def card_stream(incident_id: int) -> str:
    return f"incident:{incident_id}"


def sync_card(session: Session, incident: Incident) -> None:
    """Post or redraw the incident's card in the triage channel (drawn at delivery)."""
    outbox.write(session, outbox.SLACK_INCIDENT_CARD, {"incident_id": incident.id}, card_stream(incident.id))


class IncidentService(IncidentReads, IncidentLinking, IncidentResolving):
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
                    # Locked: a link, a status or an update waits for a resolve under way (and
                    # the other way round), so none of them is lost or undoes the other.
                    incident = session.get(Incident, incident_id, with_for_update={"of": Incident})
                    if incident is None:
                        raise IncidentNotFound(number=incident_id)
                yield session, incident
        except StaleDataError as error:  # a linked ticket changed under us: nothing was done
            raise StaleTicket(number=incident_id) from error

    def _event(self, session: Session, incident: Incident, actor: Actor, kind: str, **values) -> None:
        incident.updated_at = self.tickets.clock()
        session.add(IncidentEvent(incident_id=incident.id, actor_id=actor.user_id, kind=kind, **values))
        sync_card(session, incident)

    def declare(
        self, actor: Actor, title: str, from_ticket: int | None = None, also: int | None = None
    ) -> Incident:
        """A new incident owned by `actor`; `from_ticket` (its triage card's button) is linked,
        and `also`, the ticket a "Possibly the same as" line of that card named. Neither may be
        in an incident already."""
        title = self._title(title)
        with self._changing() as (session, _):
            ticket = None
            if from_ticket is not None:
                ticket = self._ticket(session, from_ticket)
                if not self.tickets.is_staff_on(ticket, actor.user_id):
                    raise NotAllowed()  # the issue: an admin, or the engineer assigned to it
                self._not_linked(session, ticket)
            elif not self.tickets.is_admin(actor.user_id):
                self._require_staff(session, actor)
            incident = self._create(session, actor, title)
            other = None
            if ticket is not None and also is not None and also != ticket.id:
                other = self._ticket(session, also)
                self._not_linked(session, other)
            if ticket is not None:
                self._link(session, incident, ticket, actor)
            if other is not None:
                self._link(session, incident, other, actor)
            return incident

    @staticmethod
    def _title(title: str) -> str:
        title = title.strip()
        if not title:
            raise InvalidInput({"title": "error.required"})
        if len(title) > TITLE_MAX:
            raise InvalidInput({"title": "error.too_long"})
        return title

    def _create(self, session: Session, actor: Actor, title: str) -> Incident:
        """The incident itself, investigating and owned by `actor`, its "declared" event written."""
        self.tickets.touch_user(session, actor)
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
        title = self._title(title)
        with self._changing() as (session, _):
            self._require_staff(session, actor)
            incident = self._create(session, actor, title)
            query = select(Ticket).where(
                Ticket.id.in_(ticket_ids), Ticket.incident_id.is_(None), Ticket.status != Status.CLOSED.value
            )
            linked = session.scalars(query.order_by(Ticket.id)).unique().all()
            for ticket in linked:
                self._link(session, incident, ticket, actor)
            if then is not None:
                then(session, incident)
            return incident, len(linked)

    def post_update(self, actor: Actor, incident_id: int, text: str) -> int:
        """One update, every reporter told: a public note on each linked ticket still open.
        Returns how many tickets it went to. (Written in the card's thread:
        storage.incident_threads.)"""
        text = self.update_text(text)
        with self._changing(incident_id) as (session, incident):
            return self._update_within(session, incident, actor, text)

    @staticmethod
    def update_text(text: str) -> str:
        text = text.strip()
        if not text:
            raise InvalidInput({"note": "error.required"})
        if len(text) > NOTE_MAX:
            raise InvalidInput({"note": "error.too_long"})
        return text

    def _update_within(
        self, session: Session, incident: Incident, actor: Actor, text: str, message_ts: str | None = None
    ) -> int:
        self._require_staff(session, actor)
        if incident.status == IncidentStatus.RESOLVED.value:
            raise IncidentResolved(incident=incident.number)
        self.tickets.touch_user(session, actor)
        told = 0
        for ticket in self._linked(session, incident, open_only=True):
            self.tickets.note_within(session, ticket, actor, text, Visibility.PUBLIC)
            told += 1
        self._event(session, incident, actor, UPDATE, note=text, message_ts=message_ts)
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
            self.tickets.touch_user(session, actor)
            incident.status = status.value
            self._event(session, incident, actor, STATUS, new_value=status.value)
            for ticket in self._linked(session, incident, open_only=True):
                notifications.refresh_cards(session, ticket)  # their cards show its status
            return incident

    def remember_card(self, incident_id: int, channel: str, ts: str) -> None:
        with self.db.transaction() as session:
            incident = session.get(Incident, incident_id)
            if incident is not None:
                incident.triage_channel, incident.triage_ts = channel, ts

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _linked(session: Session, incident: Incident, *, open_only: bool) -> Sequence[Ticket]:
        query = select(Ticket).where(Ticket.incident_id == incident.id).order_by(Ticket.id)
        if open_only:
            query = query.where(Ticket.status != Status.CLOSED.value)
        return session.scalars(query).unique().all()
