"""A ticket card drawn for its audience: where it goes, in whose language, with what its
audience may do (triage → engineer picker and suggestion lines, the engineer's DM → status
buttons and Add note, the reporter's DM → Reopen once closed), from the group's reads."""

from __future__ import annotations

from bot.card_reads import CardReads
from bot.config import Settings
from bot.dispatcher import Permanent
from bot.known_cards import card_hints
from bot.similar_cards import triage_suggestions
from handlers.blocks.actions import card_actions
from handlers.blocks.cards import Message, ticket_card
from handlers.blocks.incident_actions import suggestion_buttons
from handlers.blocks.sla import sla_line
from handlers.i18n import Translator
from handlers.services import Services
from handlers.text import mention
from storage.models import Ticket
from storage.notifications import ENGINEER, FORMER_ENGINEER, REPORTER, TRIAGE


def destination(settings: Settings, ticket: Ticket, audience: str) -> str | None:
    if audience == TRIAGE:
        if not settings.triage_channel_id:
            raise Permanent("TRIAGE_CHANNEL_ID is not set")
        return settings.triage_channel_id
    if audience == REPORTER:
        return ticket.reporter_id  # a user id as channel: Slack posts in the app's DM with them
    return ticket.engineer_id


def reader_tr(services: Services, ticket: Ticket, audience: str, reader: str | None = None) -> Translator:
    """A DM speaks its person's language; the triage channel the workspace's."""
    if audience == REPORTER:
        reader = ticket.reporter_id
    elif audience == ENGINEER:
        reader = ticket.engineer_id
    return services.tr_for(reader) if audience != TRIAGE else services.tr


class PlainCards:
    """(ticket, audience, whose DM it is when not the audience's own: a former engineer) → the card."""

    def __init__(self, services: Services, reads: CardReads) -> None:
        self.services = services
        self.reads = reads

    def __call__(self, ticket: Ticket, audience: str, reader: str | None = None) -> Message:
        tr, workspace = reader_tr(self.services, ticket, audience, reader), self.services.workspace
        intro = None
        if audience == REPORTER:
            intro = tr("card.received", number=ticket.number)
        elif audience == ENGINEER:
            intro = tr("card.assigned_to_you", number=ticket.number)
        elif audience == FORMER_ENGINEER:
            intro = tr(
                "card.taken_from_you", number=ticket.number, engineer=mention(ticket.engineer_id or "")
            )
        picking = audience == TRIAGE and ticket.status != "closed"
        engineers = self.reads.engineers() if picking else []
        actions = card_actions(tr, ticket, audience, engineers, workspace.specialty_for(ticket.category))
        sla = sla_line(tr, ticket, self.services.tickets.clock(), staff=audience != REPORTER)
        # Other people's tickets: on the triage card only, which only staff see.
        similar, buttons = (), None
        if audience == TRIAGE:
            similar = self.reads.similar.get(ticket.id)
            links = self.reads.links.get(ticket.id) if similar is not None else None
            if similar is None:
                similar = triage_suggestions(self.services.db, ticket)
            # Each line's action (link to its incident, declare one with both); none of an
            # incident the ticket was kept out of (storage.incident_reads).
            if links is None:
                links = self.services.incidents.suggestion_links(ticket, similar)
            similar = [link.suggestion for link in links]
            buttons = suggestion_buttons(tr, ticket, links)
        # Solved before (staff), a known issue and fix (the reporter's receipt).
        hints = card_hints(
            self.services, tr, ticket, audience, self.reads.known if audience == TRIAGE else None
        )
        return ticket_card(
            tr,
            ticket,
            workspace.categories,
            intro=intro,
            actions=actions,
            sla=sla,
            similar=similar,
            similar_buttons=buttons,
            hints=hints,
        )
