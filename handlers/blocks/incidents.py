"""The incident's card in the triage channel and the modals of its buttons.

The card summarises (status, owner, how many tickets and reporters) and names only the first
linked tickets: an incident of 500 tickets stays within Block Kit's limits (50 blocks, 3,000
characters a section); `/ticket` and the Home tabs list them all.
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
from storage.incidents import IncidentSummary

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
    if incident.status != IncidentStatus.RESOLVED.value:
        blocks += [
            DividerBlock(),
            ActionsBlock(elements=_actions(tr, incident.id, incident.status)),
        ]
    fallback = tr("incident.fallback", incident=incident.number, title=escape(incident.title), status=status)
    return Message(text=clip(fallback, 3000), blocks=blocks)


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


def text_modal(tr: Translator, callback_id: str, title_key: str, label_key: str, metadata: str) -> View:
    """One text field: the new incident's title, an update, a resolution."""
    declaring = callback_id == ids.INCIDENT_DECLARE_VIEW
    field = PlainTextInputElement(
        action_id=ids.NOTE_ACTION, multiline=not declaring, max_length=TITLE_MAX if declaring else NOTE_MAX
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
