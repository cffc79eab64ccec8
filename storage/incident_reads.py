"""What the incident buttons and card read: an incident and the summary its card shows, which
open incidents a ticket may join, which action each "Possibly the same as" line of a triage card
offers, an incident's linked tickets a page at a time, and the read-only checks a button makes
before it opens its modal.

Kept out ("not part of it after all", storage.incidents: keep_out): a ticket an engineer took
out of an incident is never offered for it again — not in "Link to incident…", not as a
suggestion line. Only an explicit `/ticket link` puts it back (and forgets that it was kept out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.domain import Actor, IncidentStatus, format_incident, format_number
from storage.errors import AlreadyLinked, IncidentNotFound, NotAllowed, TicketNotFound
from storage.models import Incident, IncidentExclusion, Ticket
from storage.roles import REPORTER
from storage.similar import Suggestion
from storage.sla_queries import not_closed

CARD_LISTED = 10  # linked tickets the incident card names; the rest are "…and N more"
PICKABLE = 100  # open incidents "Link to incident…" offers: a static menu holds 100 options
PAGE_SIZE = 25  # linked tickets per page of an incident's list

LINK_TO, DECLARE_WITH = "link_to", "declare_with"  # what a suggestion line's button does


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
class SuggestionLink:
    """A "Possibly the same as" line and what its button does: link the card's ticket to the
    suggested ticket's incident, or declare one with both; `action` None: no button."""

    suggestion: Suggestion
    incident_id: int | None = None  # the suggested ticket's incident
    action: str | None = None

    @property
    def incident(self) -> str | None:
        return format_incident(self.incident_id) if self.incident_id else None


@dataclass(frozen=True)
class ListedTicket:
    id: int
    number: str
    title: str
    status: str
    reporter_id: str


@dataclass(frozen=True)
class IncidentPage:
    incident: Incident
    tickets: tuple[ListedTicket, ...]
    page: int  # from 1
    pages: int
    total: int


class IncidentReads:
    db: object  # storage.db.Database, set by IncidentService
    tickets: object  # storage.tickets.TicketService

    # -- the incident and its card -----------------------------------------------------------

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

    # -- checks before a modal opens ---------------------------------------------------------

    def check_may_declare(self, actor: Actor, ticket_id: int) -> Ticket:
        """What `declare(from_ticket=…)` would refuse, read only: an admin or its engineer, a
        ticket in no incident yet."""
        with self.db.read() as session:
            ticket = self._ticket(session, ticket_id)
            if not self.tickets.is_staff_on(ticket, actor.user_id):
                raise NotAllowed()
            if ticket.incident_id is not None:
                raise AlreadyLinked(ticket=ticket.number, incident=format_incident(ticket.incident_id))
            return ticket

    def check_may_link(self, actor: Actor, ticket_id: int) -> Ticket:
        with self.db.read() as session:
            ticket = self._ticket(session, ticket_id)
            if self.tickets.roles.role(actor.user_id, session) == REPORTER:
                raise NotAllowed()
            return ticket

    # -- what the buttons offer --------------------------------------------------------------

    def open_incidents(self, ticket_id: int | None = None, limit: int = PICKABLE) -> list[Incident]:
        """Open incidents, latest activity first; without those `ticket_id` was kept out of."""
        with self.db.read() as session:
            query = select(Incident).where(Incident.status != IncidentStatus.RESOLVED.value)
            if ticket_id is not None:
                kept_out = select(IncidentExclusion.incident_id).where(
                    IncidentExclusion.ticket_id == ticket_id
                )
                query = query.where(Incident.id.not_in(kept_out))
            query = query.order_by(Incident.updated_at.desc(), Incident.id.desc()).limit(limit)
            return list(session.scalars(query).unique())

    def suggestion_links(self, ticket: Ticket, suggestions: Sequence[Suggestion]) -> list[SuggestionLink]:
        """The triage card's suggestion lines with their action. A ticket already in an incident
        offers none; a suggested ticket in an open incident offers "Link to INC-…", one in none
        "Declare incident with TKT-…". A line about the incident the card's ticket was kept out
        of (or a suggested ticket kept out of the card's ticket's incident) is not shown."""
        return self.suggestion_links_for_each([(ticket, suggestions)]).get(ticket.id, [])

    def suggestion_links_for_each(
        self, cards: Sequence[tuple[Ticket, Sequence[Suggestion]]]
    ) -> dict[int, list[SuggestionLink]]:
        """`suggestion_links` for a group of triage cards, in one read (the delivery's read ahead)."""
        suggested = {s.ticket_id for _, suggestions in cards for s in suggestions}
        if not suggested:
            return {ticket.id: [] for ticket, _ in cards}
        with self.db.read() as session:
            rows = session.execute(
                select(Ticket.id, Ticket.incident_id, Incident.status)
                .outerjoin(Incident, Incident.id == Ticket.incident_id)
                .where(Ticket.id.in_(suggested))
            ).all()
            involved = suggested | {ticket.id for ticket, _ in cards}
            pairs = session.execute(
                select(IncidentExclusion.ticket_id, IncidentExclusion.incident_id).where(
                    IncidentExclusion.ticket_id.in_(involved)
                )
            ).all()
        incident_of = {r.id: (r.incident_id, r.status) for r in rows}
        kept_out = {(p.ticket_id, p.incident_id) for p in pairs}
        return {
            ticket.id: _links(ticket, suggestions, incident_of, kept_out) for ticket, suggestions in cards
        }

    def page(self, incident_id: int, page: int, size: int = PAGE_SIZE) -> IncidentPage:
        """One page of an incident's linked tickets, oldest first; a page past the end is the last."""
        with self.db.read() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise IncidentNotFound(number=incident_id)
            linked = Ticket.incident_id == incident_id
            total = session.scalar(select(func.count(Ticket.id)).where(linked)) or 0
            pages = max(1, -(-total // size))
            page = min(max(1, page), pages)
            rows = session.execute(
                select(Ticket.id, Ticket.title, Ticket.status, Ticket.reporter_id)
                .where(linked)
                .order_by(Ticket.id)
                .offset((page - 1) * size)
                .limit(size)
            ).all()
            listed = tuple(
                ListedTicket(r.id, format_number(r.id), r.title, r.status, r.reporter_id) for r in rows
            )
            return IncidentPage(incident, listed, page, pages, total)

    @staticmethod
    def _ticket(session: Session, ticket_id: int) -> Ticket:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise TicketNotFound(number=ticket_id)
        return ticket


def _links(
    ticket: Ticket,
    suggestions: Sequence[Suggestion],
    incident_of: dict[int, tuple[int | None, str | None]],
    kept_out: set[tuple[int, int | None]],
) -> list[SuggestionLink]:
    links = []
    for suggestion in suggestions:
        incident_id, status = incident_of.get(suggestion.ticket_id, (None, None))
        if (ticket.id, incident_id) in kept_out or (suggestion.ticket_id, ticket.incident_id) in kept_out:
            continue
        action = None
        if ticket.incident_id is None:
            if incident_id is None:
                action = DECLARE_WITH
            elif status != IncidentStatus.RESOLVED.value:
                action = LINK_TO
        links.append(SuggestionLink(suggestion, incident_id, action))
    return links
