"""Resolving an incident: every linked ticket still open is closed with its resolution, as any
close is — each reporter told on each ticket's own DM card and by email, each ticket's SLA met
or missed by its own deadline (storage.sla) — but "Was your problem solved?" is asked once per
reporter: on the first-filed of their tickets this resolve closes; their other ones say where
it was asked (tickets.csat_via_id) and offer only Reopen. Resolving a resolved incident is a
no-op: the modal is told so before anything runs (`check_resolve`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage.domain import NOTE_MAX, Actor, IncidentStatus
from storage.errors import AlreadyResolved, IncidentNotFound, InvalidInput
from storage.models import Incident, Ticket

RESOLVED = "resolved"  # the incident event's kind


@dataclass(frozen=True)
class Resolved:
    incident: Incident
    closed: int  # tickets this resolve closed (0: it was resolved already, a no-op)
    already: bool


def ask_once(closed: list[Ticket]) -> None:
    """One CSAT question per reporter: the first-filed ticket of each asks, the others point to it."""
    carrier: dict[str, int] = {}
    for ticket in sorted(closed, key=lambda t: t.id):
        first = carrier.setdefault(ticket.reporter_id, ticket.id)
        ticket.csat_via_id = None if first == ticket.id else first


class IncidentResolving:
    """Mixed into storage.incidents.IncidentService (whose helpers it uses)."""

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
        resolve itself (a close per linked ticket) runs after the ack. Resolved already: said."""
        with self.db.read() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise IncidentNotFound(number=incident_id)
            self._require_staff(session, actor)
            if incident.status == IncidentStatus.RESOLVED.value:
                raise AlreadyResolved(incident=incident.number)
        self._resolution(resolution)

    def resolve(self, actor: Actor, incident_id: int, resolution: str) -> Resolved:
        """Resolve, closing every linked ticket still open with `resolution`. Resolving a
        resolved incident changes nothing (`already`)."""
        resolution = self._resolution(resolution)
        with self._changing(incident_id) as (session, incident):
            self._require_staff(session, actor)
            if incident.status == IncidentStatus.RESOLVED.value:
                return Resolved(incident, 0, already=True)
            self.tickets.touch_user(session, actor)
            closed = self._close_linked(session, incident, actor, resolution)
            incident.status = IncidentStatus.RESOLVED.value
            incident.resolution = resolution
            incident.resolved_at = self.tickets.clock()
            self._event(session, incident, actor, RESOLVED, note=resolution)
            return Resolved(incident, len(closed), already=False)

    def _close_linked(self, session: Session, incident: Incident, actor: Actor, resolution: str) -> list:
        closed = [
            ticket
            for ticket in self._linked(session, incident, open_only=True)
            if self.tickets.close_within(session, ticket, actor, resolution)
        ]
        ask_once(closed)  # before the flush: the cards, drawn at delivery, read it
        return closed
