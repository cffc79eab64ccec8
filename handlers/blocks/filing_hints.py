"""What a reporter is told while filing, and on their receipt: "Known issue: VPN outage at
Bogota (INC-3) — we are on it" (with, in the modal, a box to join it) and "Try this first: …".

Only what a reporter may see reaches these builders: an incident's number and title, a fix's
written-up title and steps (storage.known_issues.IncidentMatch, storage.known_fixes.PublicFix).
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)

from handlers import ids
from handlers.i18n import Translator
from handlers.text import clip, escaped
from storage.known_fix_search import PublicFix
from storage.known_issues import IncidentMatch

HINT_TITLE_LIMIT = 150
STEPS_LIMIT = 2500  # a section holds 3,000 characters: the title and the label share the rest
# What views.update is sent of the view a block_actions payload carries (not its id, hash, state…).
VIEW_KEYS = ("type", "callback_id", "private_metadata", "title", "submit", "close", "clear_on_close")
VIEW_KEYS += ("notify_on_close", "external_id")


def issue_line(tr: Translator, match: IncidentMatch) -> str:
    return tr("known.issue", title=escaped(match.title, HINT_TITLE_LIMIT), incident=match.number)


def try_first_text(tr: Translator, fix: PublicFix) -> str:
    title, steps = escaped(fix.title, HINT_TITLE_LIMIT), escaped(fix.steps, STEPS_LIMIT)
    return tr("known.try_first", title=title, steps=steps)


def modal_hints(tr: Translator, incident: IncidentMatch | None, fixes: Sequence[PublicFix]) -> list[Block]:
    """The blocks the filing modal shows below the description; their ids name what they show,
    so an update that would show the same is not sent."""
    blocks: list[Block] = []
    if incident is not None:
        blocks.append(
            ContextBlock(
                block_id=f"{ids.HINT_KNOWN_ISSUE}{incident.id}",
                elements=[MarkdownTextObject(text=issue_line(tr, incident))],
            )
        )
        # Its own block id per incident: a box ticked for INC-3 never stays ticked for INC-4.
        option = Option(
            value=str(incident.id), label=clip(tr("known.join_option", incident=incident.number), 75)
        )
        blocks.append(
            InputBlock(
                block_id=f"{ids.HINT_JOIN}{incident.id}",
                label=tr("known.join_label"),
                optional=True,
                hint=tr("known.join_hint", incident=incident.number),
                element=CheckboxesElement(action_id=ids.JOIN_ACTION, options=[option]),
            )
        )
    for fix in fixes:
        blocks.append(
            SectionBlock(
                block_id=f"{ids.HINT_TRY_FIRST}{fix.id}",
                text=MarkdownTextObject(text=try_first_text(tr, fix)),
            )
        )
    return blocks


def _block_ids(blocks: Sequence[dict]) -> list[str]:
    return [str(b.get("block_id", "")) for b in blocks]


def with_hints(view: dict, hints: Sequence[Block]) -> dict | None:
    """The view to send to views.update: `view` (as a block_actions payload carries it) with its
    hint blocks replaced by `hints`, below the description; None when it shows those already.
    Every input keeps its block and action id, so Slack keeps what the person typed."""
    blocks = [b for b in view.get("blocks") or [] if isinstance(b, dict)]
    shown = [b for b in blocks if str(b.get("block_id", "")).startswith(ids.HINT)]
    wanted = [h.to_dict() for h in hints]
    if _block_ids(shown) == _block_ids(wanted):
        return None
    kept = [b for b in blocks if b not in shown]
    at = next(
        (i + 1 for i, b in enumerate(kept) if b.get("block_id") == ids.DESCRIPTION_BLOCK),
        len(kept),
    )
    updated = {key: view[key] for key in VIEW_KEYS if view.get(key) not in (None, "")}
    updated["blocks"] = kept[:at] + wanted + kept[at:]
    return updated


def receipt_hints(
    tr: Translator, incident: IncidentMatch | None, fixes: Sequence[PublicFix], ticket_id: int | None = None
) -> list[Block]:
    """On the reporter's card of a new ticket filed without the modal's hints (the message
    shortcut, a :ticket: reaction, an email): the known issue it matches strongly, with Join
    INC-… (`ticket_id`'s: value "ticket id:incident id"), a written-up fix."""
    blocks: list[Block] = []
    if incident is not None:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=issue_line(tr, incident))]))
        if ticket_id is not None:
            join = ButtonElement(
                text=clip(tr("known.join_button", incident=incident.number), 75),
                action_id=ids.KNOWN_JOIN,
                value=f"{ticket_id}:{incident.id}",
            )
            blocks.append(ActionsBlock(elements=[join]))
    blocks += [SectionBlock(text=MarkdownTextObject(text=try_first_text(tr, fix))) for fix in fixes]
    return blocks
