"""The incident's card in the triage channel and the modals of its buttons.

The card summarises (status, owner, how many tickets and reporters) and names only the first
linked tickets: an incident of 500 tickets stays within Block Kit's limits (50 blocks, 3,000
characters a section); its "List tickets" button pages through all of them. And the DM telling a
resolved incident's owner that one of its tickets was reopened.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers import ids
from handlers.blocks.cards import Message, status_label
from handlers.i18n import Translator
from handlers.text import clip, escape, escaped, mention
from storage.domain import NOTE_MAX, TITLE_MAX, IncidentStatus
from storage.incident_reads import IncidentSummary
from storage.models import Incident, Ticket, TicketEvent

RESOLUTION_LIMIT = 2800
OPEN_STATUSES = (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING)


def incident_status(tr: Translator, status: str) -> str:
    return tr(f"incident.status.{status}")


def incident_card(tr: Translator, summary: IncidentSummary) -> Message:
    incident = summary.incident
    status = incident_status(tr, incident.status)
    fields = [
        (tr("incident.status"), status),
        (tr("incident.owner"), mention(incident.owner_id)),
        (
            tr("incident.tickets"),
            tr("incident.tickets_count", count=summary.tickets, open=summary.open_tickets),
        ),
        (tr("incident.reporters"), str(summary.reporters)),
    ]
    blocks: list[Block] = [
        HeaderBlock(text=clip(f":rotating_light: {incident.number} · {incident.title}", 150)),
        SectionBlock(fields=[MarkdownTextObject(text=f"*{label}*\n{value}") for label, value in fields]),
    ]
    if summary.first:
        listed = " · ".join(f"{t.number} {status_label(tr, t.status)}" for t in summary.first)
        more = summary.tickets - len(summary.first)
        if more > 0:
            listed += " " + tr("incident.and_more", count=more)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=listed)]))
    else:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr("incident.none_linked"))]))
    if incident.resolution:
        text = tr("incident.resolution", text=escaped(incident.resolution, RESOLUTION_LIMIT))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    listing = _list_button(tr, incident.id) if summary.tickets else None
    if incident.status != IncidentStatus.RESOLVED.value:
        actions = _actions(tr, incident.id, incident.status) + ([listing] if listing else [])
        blocks += [DividerBlock(), ActionsBlock(elements=actions)]
    elif listing:
        blocks.append(ActionsBlock(elements=[listing]))
    fallback = tr("incident.fallback", incident=incident.number, title=escape(incident.title), status=status)
    return Message(text=clip(fallback, 3000), blocks=blocks)


def _list_button(tr: Translator, incident_id: int) -> ButtonElement:
    """Every linked ticket, a page at a time (handlers/blocks/incident_list.py)."""
    return ButtonElement(text=tr("incident.list_button"), action_id=ids.INCIDENT_LIST, value=str(incident_id))


def _actions(tr: Translator, incident_id: int, current: str) -> list:
    value = str(incident_id)
    # A menu has no value of its own: each option carries the incident, "3:identified".
    options = [Option(value=f"{value}:{s.value}", text=incident_status(tr, s.value)) for s in OPEN_STATUSES]
    initial = next((o for o in options if o.value == f"{value}:{current}"), None)
    return [
        ButtonElement(
            text=tr("incident.update_button"), action_id=ids.INCIDENT_UPDATE, value=value, style="primary"
        ),
        StaticSelectElement(
            placeholder=tr("incident.status_placeholder"),
            action_id=ids.INCIDENT_STATUS,
            options=options,
            initial_option=initial,
        ),
        ButtonElement(
            text=tr("incident.resolve_button"), action_id=ids.INCIDENT_RESOLVE, value=value, style="danger"
        ),
    ]


def text_modal(
    tr: Translator,
    callback_id: str,
    title_key: str,
    label_key: str,
    metadata: str,
    initial: str | None = None,
) -> View:
    """One text field: the new incident's title (`initial`: the ticket's), an update, a resolution."""
    declaring = callback_id == ids.INCIDENT_DECLARE_VIEW
    field = PlainTextInputElement(
        action_id=ids.NOTE_ACTION,
        multiline=not declaring,
        max_length=TITLE_MAX if declaring else NOTE_MAX,
        initial_value=clip(initial, TITLE_MAX if declaring else NOTE_MAX) if initial else None,
    )
    return View(
        type="modal",
        callback_id=callback_id,
        private_metadata=metadata,
        title=clip(tr(title_key), 24),
        submit=tr("incident.submit"),
        close=tr("modal.cancel"),
        blocks=[InputBlock(block_id=ids.NOTE_BLOCK, label=tr(label_key), element=field)],
    )


def reopened_notice(tr: Translator, incident: Incident, ticket: Ticket, event: TicketEvent) -> Message:
    """To the owner: a ticket of their resolved incident is open again (the incident stays resolved)."""
    key = "incident.child_reopened_reason" if event.note else "incident.child_reopened"
    text = tr(
        key,
        ticket=ticket.number,
        title=escaped(ticket.title, 150),
        incident=incident.number,
        who=mention(event.actor_id),
        note=escaped(event.note or "", RESOLUTION_LIMIT),
    )
    text = clip(text, 3000)  # a reopen reason may be nearly as long as a section's whole text
    return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
