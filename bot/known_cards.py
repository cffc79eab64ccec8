"""What a card says of problems met before, asked when it is drawn (like bot.similar_cards):
"Solved before: TKT-000012 — …" on a ticket's staff cards while it is worked; on the reporter's
card of a ticket still Open and part of no incident, the open incident it matches strongly
("Known issue: … — we are on it", with Join INC-…: storage.known_join) and a fix staff wrote
up for reporters ("Try this first").

The reporter's card never names another ticket, person, resolution or note: it is drawn from
storage.known_issues.IncidentMatch and storage.known_fixes.PublicFix only. A ticket filed from
a message, a reaction or an email is not joined to the incident: the reporter never chose it;
they may, with the button (staff link it from the triage card's suggestions).
"""

from __future__ import annotations

import logging

from slack_sdk.models.blocks import Block

from handlers.blocks.filing_hints import receipt_hints
from handlers.blocks.known_fixes import solved_before_block
from handlers.i18n import Translator
from handlers.services import Services
from storage.domain import Status
from storage.errors import DatabaseError
from storage.known_fix_search import PublicFix
from storage.known_fixes import SolvedBefore
from storage.known_issues import IncidentMatch
from storage.known_join import receipt_incident
from storage.models import Ticket
from storage.notifications import ENGINEER, REPORTER, TRIAGE

log = logging.getLogger("ticketbot.slack")


def for_reporter(services: Services, ticket: Ticket) -> tuple[IncidentMatch | None, list[PublicFix]]:
    """The known issue and written-up fix a new ticket's reporter is told of (the card, the email
    receipt); nothing once it is being worked on or is part of an incident."""
    if ticket.status != Status.OPEN.value or ticket.incident_id is not None:
        return None, []
    args = (ticket.title, ticket.description, ticket.category)
    try:
        incident = receipt_incident(services.db, ticket)  # never one staff kept it out of
        fixes = services.known_fixes.try_first(*args)
    except DatabaseError:
        log.warning("known issues of %s: search failed", ticket.number, exc_info=True)
        return None, []
    return incident, fixes


def receipt_lines(services: Services, tr: Translator, ticket: Ticket) -> list[tuple[str, str]]:
    """The receipt email's (line, details): plain text, escaped by the email's templates."""
    incident, fixes = for_reporter(services, ticket)
    lines = (
        [(tr("known.issue_email", title=incident.title, incident=incident.number), "")] if incident else []
    )
    return lines + [(tr("known.try_first_email", title=fix.title), fix.steps) for fix in fixes]


def staff_hints_ahead(services: Services, tickets: list[Ticket]) -> dict[int, list[SolvedBefore]]:
    """ "Solved before" for a group of staff cards (the dispatcher's read ahead), in one search."""
    still_worked = [t for t in tickets if t.status != Status.CLOSED.value]
    try:
        return services.known_fixes.solved_before_each(still_worked) if still_worked else {}
    except DatabaseError:
        log.warning("known fixes of a group of cards: search failed", exc_info=True)
        return {}


def card_hints(
    services: Services,
    tr: Translator,
    ticket: Ticket,
    audience: str,
    ahead: dict[int, list[SolvedBefore]] | None = None,
) -> list[Block]:
    """The card's hints: the receipt's for the reporter, "Solved before" for staff (from `ahead`
    when the group's read ahead has the ticket)."""
    if audience == REPORTER:
        return receipt_hints(tr, *for_reporter(services, ticket), ticket_id=ticket.id)  # with Join INC-…
    if audience not in (TRIAGE, ENGINEER) or ticket.status == Status.CLOSED.value:
        return []
    if ahead is not None and ticket.id in ahead:
        return solved_before_block(tr, ahead[ticket.id])
    try:
        return solved_before_block(tr, services.known_fixes.solved_before(ticket))
    except DatabaseError:
        log.warning("known fixes of %s: search failed", ticket.number, exc_info=True)
        return []
