"""Known fixes as staff see them: "Solved before: TKT-000012 — reinstalled the VPN profile" on a
ticket's staff cards, the "Known fix…" button of a closed ticket's staff cards, and the modal
that writes a fix up for reporters."""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers import ids
from handlers.i18n import Translator
from handlers.refs import ref_of
from handlers.text import clip, escaped
from storage.domain import NOTE_MAX, TITLE_MAX
from storage.known_fixes import Draft, SolvedBefore
from storage.models import Ticket

RESOLUTION_LIMIT = 120  # one line per ticket solved before
INTRO_RESOLUTION_LIMIT = 2000
_CHANNEL, _TS = re.compile(r"^[CGD][A-Z0-9]{2,30}$"), re.compile(r"^\d{1,12}\.\d{1,9}$")


def card_link(card: tuple[str, str] | None, label: str) -> str:
    """`label` linked to a triage card's message (Slack's archive link: it opens the message in
    the reader's workspace); the bare label for anything that does not look like Slack's ids."""
    if card is None or not (_CHANNEL.match(card[0]) and _TS.match(card[1])):
        return label
    return f"<https://slack.com/archives/{card[0]}/p{card[1].replace('.', '')}|{label}>"


def solved_before_block(tr: Translator, solved: Sequence[SolvedBefore]) -> list[Block]:
    """One context line per ticket solved before (at most 2): staff cards only."""
    if not solved:
        return []
    lines = []
    for s in solved[:2]:
        text = tr(
            "known.solved_before",
            ticket=f"*{card_link(s.card, s.number)}*",
            resolution=escaped(" ".join(s.resolution.split()), RESOLUTION_LIMIT),
        )
        lines.append(MarkdownTextObject(text=text + (tr("known.is_fix") if s.known_fix else "")))
    return [ContextBlock(elements=lines)]


def mark_button(tr: Translator, ticket: Ticket) -> Block:
    """Under a closed ticket's staff cards: write its fix up for reporters."""
    button = ButtonElement(
        text=tr("known.mark_button"), action_id=ids.KNOWN_FIX_MARK, value=ref_of(ticket).value
    )
    return ActionsBlock(block_id=f"known_fix_{ticket.id}_{ticket.version}", elements=[button])


def known_fix_modal(tr: Translator, draft: Draft) -> View:
    intro = tr(
        "known.modal_intro",
        ticket=draft.number,
        resolution=escaped(draft.resolution, INTRO_RESOLUTION_LIMIT),
    )
    return View(
        type="modal",
        callback_id=ids.KNOWN_FIX_VIEW,
        private_metadata=str(draft.ticket_id),
        title=clip(tr("known.modal_title"), 24),
        submit=tr("modal.submit"),
        close=tr("modal.cancel"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=intro)),
            InputBlock(
                block_id=ids.KNOWN_FIX_TITLE_BLOCK,
                label=tr("known.title_label"),
                element=PlainTextInputElement(
                    action_id=ids.KNOWN_FIX_TITLE_ACTION,
                    initial_value=clip(draft.title, TITLE_MAX) or None,
                    max_length=TITLE_MAX,
                ),
            ),
            InputBlock(
                block_id=ids.NOTE_BLOCK,
                label=tr("known.steps_label"),
                element=PlainTextInputElement(
                    action_id=ids.NOTE_ACTION,
                    multiline=True,
                    initial_value=clip(draft.steps, NOTE_MAX) or None,
                    max_length=NOTE_MAX,
                ),
            ),
        ],
    )
