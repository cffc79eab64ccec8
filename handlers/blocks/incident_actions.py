"""What a ticket's cards offer about incidents (handlers/incident_actions.py answers them): on
the triage card "Declare incident" and "Link to incident…" (or, once linked, "Unlink" and "Not
part of it"), the same but declaring on the engineer's DM card, a button on each "Possibly the
same as" line; and the modals they open: the new incident's title, the menu of open incidents.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers import ids
from handlers.blocks.incidents import text_modal
from handlers.i18n import Translator
from handlers.refs import ref_of
from handlers.text import clip, escape
from storage.domain import Status
from storage.incident_reads import DECLARE_WITH, LINK_TO, SuggestionLink
from storage.models import Incident, Ticket
from storage.notifications import ENGINEER, TRIAGE


def ticket_buttons(tr: Translator, ticket: Ticket, audience: str) -> list[ButtonElement]:
    """The incident buttons of a ticket's staff card; none once closed, none on other cards."""
    if audience not in (TRIAGE, ENGINEER) or ticket.status == Status.CLOSED.value:
        return []
    value = ref_of(ticket).value
    if ticket.incident_id is not None:
        number = ticket.incident.number if ticket.incident else ""
        confirm = ConfirmObject(
            title=tr("incident.keep_out_title"),
            text=tr("incident.keep_out_confirm", ticket=ticket.number, incident=number),
            confirm=tr("incident.keep_out_yes"),
            deny=tr("modal.cancel"),
        )
        return [
            ButtonElement(text=tr("incident.unlink_button"), action_id=ids.INCIDENT_UNLINK, value=value),
            ButtonElement(
                text=tr("incident.keep_out_button"),
                action_id=ids.INCIDENT_KEEP_OUT,
                value=value,
                confirm=confirm,
            ),
        ]
    buttons = []
    if audience == TRIAGE:
        buttons.append(
            ButtonElement(text=tr("incident.declare_button"), action_id=ids.INCIDENT_DECLARE, value=value)
        )
    buttons.append(ButtonElement(text=tr("incident.link_button"), action_id=ids.INCIDENT_LINK, value=value))
    return buttons


def ticket_block(tr: Translator, ticket: Ticket, audience: str) -> list[Block]:
    buttons = ticket_buttons(tr, ticket, audience)
    if not buttons:
        return []
    return [ActionsBlock(block_id=f"incident_{audience}_{ticket.id}_{ticket.version}", elements=buttons)]


def suggestion_button(tr: Translator, ticket: Ticket, link: SuggestionLink) -> ButtonElement | None:
    """ "Link to INC-3" (the suggested ticket's incident) or "Declare incident with TKT-…"."""
    ref = ref_of(ticket).value
    if link.action == LINK_TO and link.incident_id:
        return ButtonElement(
            text=tr("incident.link_to", incident=link.incident),
            action_id=ids.INCIDENT_LINK_TO,
            value=f"{ref}:{link.incident_id}",
        )
    if link.action == DECLARE_WITH:
        return ButtonElement(
            text=tr("incident.declare_with", ticket=link.suggestion.number),
            action_id=ids.INCIDENT_DECLARE_WITH,
            value=f"{ref}:{link.suggestion.ticket_id}",
        )
    return None


def suggestion_buttons(
    tr: Translator, ticket: Ticket, links: Sequence[SuggestionLink]
) -> dict[int, ButtonElement]:
    """The button of each suggestion line that has one, by suggested ticket id."""
    found = {link.suggestion.ticket_id: suggestion_button(tr, ticket, link) for link in links}
    return {ticket_id: button for ticket_id, button in found.items() if button is not None}


def declare_view(tr: Translator, ticket: Ticket, also: int | None = None) -> View:
    """The new incident's title, from the ticket's; metadata: the ticket (and the suggested one)."""
    metadata = f"{ticket.id}:{also}" if also else str(ticket.id)
    return text_modal(
        tr,
        ids.INCIDENT_DECLARE_VIEW,
        "incident.declare_title",
        "incident.title_label",
        metadata,
        initial=ticket.title,
    )


def link_view(tr: Translator, ticket: Ticket, incidents: Sequence[Incident]) -> View:
    """A menu of the open incidents (the latest 100: a static menu's most; an outage has few)."""
    options = [Option(value=str(i.id), label=clip(f"{i.number} · {i.title}", 75)) for i in incidents[:100]]
    about = tr("incident.link_about", ticket=ticket.number, title=escape(clip(ticket.title, 150)))
    menu = StaticSelectElement(
        action_id=ids.INCIDENT_PICK_ACTION, placeholder=tr("incident.pick_placeholder"), options=options
    )
    return View(
        type="modal",
        callback_id=ids.INCIDENT_LINK_VIEW,
        private_metadata=str(ticket.id),
        title=clip(tr("incident.link_title"), 24),
        submit=tr("incident.link_submit"),
        close=tr("modal.cancel"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=about)),
            InputBlock(block_id=ids.INCIDENT_PICK_BLOCK, label=tr("incident.pick_label"), element=menu),
        ],
    )
