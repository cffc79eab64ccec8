"""The ticket card: one look for the triage channel, the reporter's DM and the engineer's DM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from handlers.blocks.ticket_form import category_label
from handlers.i18n import Translator
from handlers.text import clip, escape, escaped, mention, slack_date, slack_link
from storage.domain import Category
from storage.models import Ticket
from storage.similar import Suggestion

STATUS_EMOJI = {
    "open": ":large_blue_circle:",
    "in_progress": ":hammer_and_wrench:",
    "on_hold": ":double_vertical_bar:",
    "closed": ":white_check_mark:",
}
PRIORITY_EMOJI = {
    "low": ":white_circle:",
    "medium": ":large_yellow_circle:",
    "high": ":large_orange_circle:",
    "critical": ":red_circle:",
}
DESCRIPTION_LIMIT = 2900  # a section's text may hold 3,000 characters; escaping adds some
SIMILAR_TITLE_LIMIT = 80  # a suggestion is one line: its number and the start of its title


@dataclass(frozen=True)
class Message:
    """What chat.postMessage / chat.update take: a notification text and the blocks."""

    text: str
    blocks: list[Block]

    def as_kwargs(self) -> dict:
        return {"text": self.text, "blocks": [b.to_dict() for b in self.blocks]}


def status_label(tr: Translator, status: str) -> str:
    return f"{STATUS_EMOJI.get(status, '')} {tr(f'status.{status}')}".strip()


def priority_label(tr: Translator, priority: str) -> str:
    return f"{PRIORITY_EMOJI.get(priority, '')} {tr(f'priority.{priority}')}".strip()


def category_name(tr: Translator, categories: Sequence[Category], key: str) -> str:
    for category in categories:
        if category.key == key:
            return category_label(tr, category)
    return key  # a category removed from the configuration since the ticket was filed


def ticket_card(
    tr: Translator,
    ticket: Ticket,
    categories: Sequence[Category],
    *,
    intro: str | None = None,
    actions: Sequence[Block] = (),
    sla: str | None = None,
    similar: Sequence[Suggestion] = (),
    similar_buttons: Mapping[int, ButtonElement] | None = None,
    hints: Sequence[Block] = (),
) -> Message:
    """The card for one ticket. `intro` is an mrkdwn line above it; `actions` go below; `sla`
    is its service-level line (handlers.blocks.sla), for who may see it; `similar` are other
    people's tickets that may be the same problem (storage.similar): for staff cards only, each
    line with its button in `similar_buttons` (by suggested ticket: link to its incident…);
    `hints`, what solved it before (staff) or a known issue and fix (the reporter's receipt)."""
    assignee = mention(ticket.engineer_id) if ticket.engineer_id else tr("card.unassigned")
    fields = [
        (tr("card.reporter"), mention(ticket.reporter_id)),
        (tr("card.status"), status_label(tr, ticket.status)),
        (tr("card.priority"), priority_label(tr, ticket.priority)),
        (tr("card.category"), escape(category_name(tr, categories, ticket.category))),
        (tr("card.assignee"), assignee),
    ]
    if sla:
        fields.append((tr("sla.label"), sla))
    blocks: list[Block] = []
    if intro:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=intro)))
    blocks += [
        HeaderBlock(text=clip(f"{ticket.number} · {ticket.title}", 150)),
        SectionBlock(text=MarkdownTextObject(text=escaped(ticket.description, DESCRIPTION_LIMIT))),
        SectionBlock(fields=[MarkdownTextObject(text=f"*{label}*\n{value}") for label, value in fields]),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{tr('card.created', when=slack_date(ticket.created_at))} · "
                    f"{tr('card.updated', when=slack_date(ticket.updated_at))}"
                )
            ]
        ),
    ]
    if ticket.source_permalink:  # filed from a Slack message: the permalink chat.getPermalink gave
        link = slack_link(ticket.source_permalink, tr("intake.from_message"))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=link)]))
    if ticket.incident is not None:  # storage.incidents: one outage, many tickets
        status = tr(f"incident.status.{ticket.incident.status}")
        part_of = tr("incident.part_of", incident=ticket.incident.number, status=status)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=part_of)]))
    if similar:
        lines = [
            (
                s.ticket_id,
                tr(
                    "card.similar",
                    number=s.number,
                    title=escaped(s.title, SIMILAR_TITLE_LIMIT),
                    status=tr(f"status.{s.status}"),
                ),
            )
            for s in similar[:3]
        ]
        if similar_buttons:  # a line with a button is a section of its own, the button beside it
            for ticket_id, line in lines:
                accessory = similar_buttons.get(ticket_id)
                blocks.append(SectionBlock(text=MarkdownTextObject(text=line), accessory=accessory))
        else:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=line) for _, line in lines]))
    blocks.extend(hints)
    if actions:
        blocks.append(DividerBlock())
        blocks.extend(actions)
    text = tr(
        "card.fallback",
        number=ticket.number,
        title=escape(ticket.title),
        status=tr(f"status.{ticket.status}"),
    )
    return Message(text=text, blocks=blocks)
