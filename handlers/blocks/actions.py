"""The buttons and menus under a ticket: what each audience may do from where it sees it.

Triage: an engineer picker (and the incident buttons, handlers/blocks/incident_actions.py, as
on the engineer's DM). The engineer's DM: the status moves legal from the current status
and "Add note". The reporter's DM, once closed: "Was your problem solved?", then "Reopen"
(handlers/blocks/csat.py). Values carry id and version (refs).
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    StaticSelectElement,
)

from handlers import ids
from handlers.blocks import csat
from handlers.blocks.incident_actions import ticket_block
from handlers.blocks.known_fixes import mark_button
from handlers.i18n import Translator
from handlers.refs import assign_value, ref_of
from handlers.text import clip, fold
from storage.domain import TRANSITIONS, Status
from storage.models import Ticket
from storage.notifications import ENGINEER, REPORTER, TRIAGE
from storage.people import EngineerLoad

MAX_OPTIONS = 100
# Button per target status, in the order an engineer works: start, pause, finish.
STATUS_BUTTONS = (
    (Status.IN_PROGRESS, ids.WORK_START, "work.start", "primary"),
    (Status.ON_HOLD, ids.WORK_HOLD, "work.hold", None),
    (Status.CLOSED, ids.WORK_CLOSE, "work.close", "danger"),
)


def rank_engineers(engineers: Sequence[EngineerLoad], specialty: str | None) -> list[EngineerLoad]:
    """Available engineers: the category's specialty first, then the least loaded, then by name."""
    wanted = fold(specialty.strip()) if specialty else None
    available = [e for e in engineers if e.available]
    return sorted(
        available, key=lambda e: (fold(e.specialty.strip()) != wanted, e.open_tickets, e.display.casefold())
    )


def engineer_label(tr: Translator, engineer: EngineerLoad) -> str:
    """`Carlos Pérez — Redes y Servidores · 3 open` (an option's text holds 75 characters)."""
    load = tr("assign.load", count=engineer.open_tickets)
    return clip(f"{clip(engineer.display, 30)} — {engineer.specialty}", 75 - len(load) - 3) + f" · {load}"


def assign_select(
    tr: Translator, ticket: Ticket, engineers: Sequence[EngineerLoad], specialty: str | None
) -> StaticSelectElement | None:
    """The "Assign" menu; None when nobody is available (a menu needs at least one option)."""
    ranked = rank_engineers(engineers, specialty)[:MAX_OPTIONS]
    if not ranked:
        return None
    options = [Option(value=assign_value(ticket, e.user_id), label=engineer_label(tr, e)) for e in ranked]
    current = next((o for o, e in zip(options, ranked, strict=True) if e.user_id == ticket.engineer_id), None)
    return StaticSelectElement(
        action_id=ids.ASSIGN, placeholder=tr("assign.placeholder"), options=options, initial_option=current
    )


def work_buttons(tr: Translator, ticket: Ticket) -> list[ButtonElement]:
    """The status moves legal from where the ticket is, then "Add note"."""
    value = ref_of(ticket).value
    legal = TRANSITIONS[ticket.status_enum]
    buttons = [
        ButtonElement(text=tr(label), action_id=action_id, value=value, style=style)
        for target, action_id, label, style in STATUS_BUTTONS
        if target in legal
    ]
    buttons.append(ButtonElement(text=tr("work.note"), action_id=ids.WORK_NOTE, value=value))
    return buttons


def card_actions(
    tr: Translator,
    ticket: Ticket,
    audience: str,
    engineers: Sequence[EngineerLoad] = (),
    specialty: str | None = None,
) -> list[Block]:
    # A new block id per version: Slack then shows the menu's real choice, not a refused local one.
    block_id = f"{audience}_{ticket.id}_{ticket.version}"
    closed = ticket.status == Status.CLOSED.value
    if audience == TRIAGE:
        if closed:
            return [*csat.staff_blocks(tr, ticket), mark_button(tr, ticket)]  # write its fix up
        picker = assign_select(tr, ticket, engineers, specialty)
        incident = ticket_block(tr, ticket, TRIAGE)  # declare, link, unlink, keep out
        if picker is None:
            nobody = MarkdownTextObject(text=tr("assign.nobody"))
            return [ContextBlock(block_id=block_id, elements=[nobody]), *incident]
        return [ActionsBlock(block_id=block_id, elements=[picker]), *incident]
    if audience == ENGINEER:
        # Its incident's buttons above the work ones, which stay last (nearest the thumb).
        buttons: list[Block] = ticket_block(tr, ticket, ENGINEER)
        buttons.append(ActionsBlock(block_id=block_id, elements=work_buttons(tr, ticket)))
        return buttons + ([*csat.staff_blocks(tr, ticket), mark_button(tr, ticket)] if closed else [])
    if audience == REPORTER and closed:
        return csat.reporter_blocks(tr, ticket)  # "Was your problem solved?", then Reopen
    return []
