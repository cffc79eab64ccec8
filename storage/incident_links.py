"""Linking tickets to an incident and taking them out again: `link` (staff), `unlink` (staff)
and `keep_out` ("not part of it after all": an admin or the ticket's engineer; never offered for
that incident again, storage.incident_reads). Each is one transaction; each redraws the ticket's
cards ("Part of INC-3") and the incident's.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage import notifications
from storage.domain import Actor, IncidentStatus
from storage.errors import AlreadyLinked, IncidentResolved, NotAllowed
from storage.models import Incident, IncidentExclusion, Ticket

LINKED, UNLINKED, KEPT_OUT = "linked", "unlinked", "kept_out"  # incident events' kinds


class IncidentLinking:
    """Mixed into storage.incidents.IncidentService (whose helpers it uses)."""

    @staticmethod
    def _not_linked(session: Session, ticket: Ticket) -> None:
        if ticket.incident_id is not None:
            other = session.get(Incident, ticket.incident_id)
            raise AlreadyLinked(ticket=ticket.number, incident=other.number if other else "")

    def link(self, actor: Actor, ticket_id: int, incident_id: int) -> Ticket:
        with self._changing(incident_id) as (session, incident):
            self._require_staff(session, actor)
            ticket = self._ticket(session, ticket_id)
            if incident.status == IncidentStatus.RESOLVED.value:
                raise IncidentResolved(incident=incident.number)
            if ticket.incident_id == incident.id:
                return ticket  # linked already: a double click
            self._not_linked(session, ticket)
            self.tickets.touch_user(session, actor)
            self._link(session, incident, ticket, actor)
            return ticket

    def _link(self, session: Session, incident: Incident, ticket: Ticket, actor: Actor) -> None:
        kept_out = session.get(IncidentExclusion, (incident.id, ticket.id))
        if kept_out is not None:  # staff link it on purpose: it is no longer kept out
            session.delete(kept_out)
        ticket.incident_id = incident.id
        self._event(session, incident, actor, LINKED, ticket_id=ticket.id)
        notifications.refresh_cards(session, ticket)  # "Part of INC-3"

    def unlink(self, actor: Actor, ticket_id: int) -> Ticket:
        """Take a ticket out of its incident (it is then neither told nor closed with it)."""
        with self._changing() as (session, _):
            self._require_staff(session, actor)
            ticket = self._ticket(session, ticket_id)
            if ticket.incident_id is not None:
                self._unlink(session, ticket, actor, UNLINKED)
            return ticket

    def keep_out(self, actor: Actor, ticket_id: int) -> Ticket:
        """ "Not part of it after all": an admin or the ticket's engineer unlinks it and it stays
        out — never offered for that incident again (storage.incident_reads), so it is neither
        told of its updates nor closed by its resolve, and lives on as a ticket of its own. A
        ticket in no incident changes nothing."""
        with self._changing() as (session, _):
            ticket = self._ticket(session, ticket_id)
            if not self.tickets.is_staff_on(ticket, actor.user_id):
                raise NotAllowed()
            if ticket.incident_id is None:
                return ticket
            incident_id = ticket.incident_id
            self._unlink(session, ticket, actor, KEPT_OUT)
            if session.get(IncidentExclusion, (incident_id, ticket.id)) is None:
                now = self.tickets.clock()
                session.add(
                    IncidentExclusion(
                        incident_id=incident_id, ticket_id=ticket.id, actor_id=actor.user_id, created_at=now
                    )
                )
            return ticket

    def _unlink(self, session: Session, ticket: Ticket, actor: Actor, kind: str) -> None:
        incident = session.get(Incident, ticket.incident_id)
        self.tickets.touch_user(session, actor)
        ticket.incident_id = None
        self._event(session, incident, actor, kind, ticket_id=ticket.id)
        notifications.refresh_cards(session, ticket)
