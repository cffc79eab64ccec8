"""Joining a known issue from the receipt card: a ticket filed without the modal's box (the
message shortcut, a :ticket: reaction, an email) or with it unticked is told on its reporter's
card of the open incident it matches strongly ("Known issue: … — we are on it"), with Join
INC-3. Only its reporter may press it, and the link follows the filing modal's rules
(storage.known_issues: file_joining): an incident resolved since takes no more tickets, a ticket
is part of one incident at most. And staff have the last word: a ticket they kept out of an
incident ("not part of it after all") is neither offered it again nor let join it.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.db import Database
from storage.domain import Actor, IncidentStatus, Status
from storage.errors import AlreadyLinked, IncidentResolved, NotAllowed, NotJoinable
from storage.incidents import IncidentService
from storage.known_issues import STRONG, IncidentMatch, matching_incidents
from storage.models import IncidentExclusion, Ticket

CONSIDERED = 3  # the strong matches read, in case the best is one the ticket was kept out of


def receipt_incident(db: Database, ticket: Ticket) -> IncidentMatch | None:
    """The open incident the reporter's card offers: the best strong match of its words, not one
    staff kept the ticket out of. (The caller checks the ticket is Open and in no incident.)"""
    found = matching_incidents(
        db, ticket.title, ticket.description, ticket.category, limit=CONSIDERED, threshold=STRONG
    )
    if not found:
        return None
    with db.read() as session:
        kept_out = set(
            session.scalars(
                select(IncidentExclusion.incident_id).where(
                    IncidentExclusion.ticket_id == ticket.id,
                    IncidentExclusion.incident_id.in_([m.id for m in found]),
                )
            )
        )
    return next((m for m in found if m.id not in kept_out), None)


def join_from_receipt(incidents: IncidentService, actor: Actor, ticket_id: int, incident_id: int) -> Ticket:
    """`actor` pressed Join on the receipt card of `ticket_id`: link it to `incident_id`, in one
    transaction (its cards then say "Part of INC-3"). Its reporter only (NotAllowed); a second
    press changes nothing; AlreadyLinked to another, IncidentResolved, NotJoinable (closed, or
    kept out) refuse it."""
    with incidents._changing(incident_id) as (session, incident):
        ticket = incidents._ticket(session, ticket_id)
        if ticket.reporter_id != actor.user_id:
            raise NotAllowed()
        if ticket.incident_id == incident.id:
            return ticket  # joined already: a double click
        if ticket.incident_id is not None:
            raise AlreadyLinked(
                ticket=ticket.number, incident=ticket.incident.number if ticket.incident else ""
            )
        if incident.status == IncidentStatus.RESOLVED.value:
            raise IncidentResolved(incident=incident.number)
        closed = ticket.status == Status.CLOSED.value
        if closed or session.get(IncidentExclusion, (incident.id, ticket.id)) is not None:
            raise NotJoinable(ticket=ticket.number, incident=incident.number)
        incidents.tickets.touch_user(session, actor)
        incidents._link(session, incident, ticket, actor)
        return ticket
