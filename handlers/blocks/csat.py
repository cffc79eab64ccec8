"""Satisfaction (CSAT) blocks: the question on the reporter's closed card, the answer on staff
cards, the "No, reopen" and rating modals, the admin Home's satisfaction lines."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers import ids
from handlers.blocks.work_modals import about, modal
from handlers.i18n import Translator
from handlers.refs import TicketRef, parse_ref, ref_of
from handlers.text import clip, escape, escaped
from storage.domain import CSAT_RATINGS, NOTE_MAX, CsatOutcome, format_number
from storage.models import Ticket
from storage.satisfaction import Satisfaction

COMMENT_LIMIT = 500  # of a comment shown on a card; the whole of it is in the thread and history


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (max(CSAT_RATINGS) - rating)


def rating_text(tr: Translator, rating: int) -> str:
    return tr("csat.rating_line", stars=stars(rating), rating=rating)


def rating_value(ticket: Ticket, rating: int) -> str:
    return f"{ref_of(ticket).value}:{rating}"


def parse_rating(value: str | None) -> tuple[TicketRef, int] | None:
    """`"42:7:4"` → (TicketRef(42, 7), 4); anything else → None."""
    if not isinstance(value, str):
        return None
    head, _, rating = value.rpartition(":")
    ref = parse_ref(head)
    if ref is None or not rating.isdigit() or int(rating) not in CSAT_RATINGS:
        return None
    return ref, int(rating)


def _rating_options(tr: Translator, ticket: Ticket) -> list[Option]:
    return [
        Option(value=rating_value(ticket, n), label=tr(f"csat.stars.{n}")) for n in reversed(CSAT_RATINGS)
    ]


def _answer_lines(tr: Translator, ticket: Ticket) -> list[str]:
    lines = []
    if ticket.csat_rating:
        lines.append(rating_text(tr, ticket.csat_rating))
    if ticket.csat_comment:
        lines.append(f"“{escaped(ticket.csat_comment, COMMENT_LIMIT)}”")
    return lines


def reporter_blocks(tr: Translator, ticket: Ticket) -> list[Block]:
    """Under the reporter's closed card: the question, or thanks with the (optional) rating."""
    ref = ref_of(ticket).value
    # A new block id per version, like the other cards: Slack then shows the stored choice.
    suffix = f"{ticket.id}_{ticket.version}"
    reopen = ButtonElement(text=tr("work.reopen"), action_id=ids.REOPEN, value=ref)
    if ticket.csat_outcome is None and ticket.csat_via_id is not None:
        # Closed with an incident: its reporter is asked once, on another ticket of theirs.
        incident = ticket.incident.number if ticket.incident else ""
        asked = tr("csat.asked_on", incident=incident, ticket=format_number(ticket.csat_via_id))
        return [
            ContextBlock(block_id=f"csat_q_{suffix}", elements=[MarkdownTextObject(text=asked)]),
            ActionsBlock(block_id=f"reporter_{suffix}", elements=[reopen]),
        ]
    if ticket.csat_outcome is None:
        return [
            SectionBlock(block_id=f"csat_q_{suffix}", text=MarkdownTextObject(text=tr("csat.question"))),
            ActionsBlock(
                block_id=f"reporter_{suffix}",
                elements=[
                    ButtonElement(text=tr("csat.yes"), action_id=ids.CSAT_YES, value=ref, style="primary"),
                    ButtonElement(text=tr("csat.no"), action_id=ids.CSAT_NO, value=ref, style="danger"),
                ],
            ),
        ]
    if ticket.csat_outcome != CsatOutcome.SOLVED.value:
        return [ActionsBlock(block_id=f"reporter_{suffix}", elements=[reopen])]
    if ticket.csat_rating is None:
        # One click on a star rates; the button adds a comment too.
        menu = StaticSelectElement(
            action_id=ids.CSAT_RATING,
            placeholder=tr("csat.rate_placeholder"),
            options=_rating_options(tr, ticket),
        )
        rate = ButtonElement(text=tr("csat.rate_button"), action_id=ids.CSAT_RATE, value=ref)
        return [
            SectionBlock(
                block_id=f"csat_r_{suffix}", text=MarkdownTextObject(text=tr("csat.thanks")), accessory=menu
            ),
            ActionsBlock(block_id=f"reporter_{suffix}", elements=[rate, reopen]),
        ]
    text = "\n".join([tr("csat.thanks_rated"), *_answer_lines(tr, ticket)])
    change = ButtonElement(text=tr("csat.change_button"), action_id=ids.CSAT_RATE, value=ref)
    return [
        SectionBlock(block_id=f"csat_r_{suffix}", text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id=f"reporter_{suffix}", elements=[change, reopen]),
    ]


def staff_blocks(tr: Translator, ticket: Ticket) -> list[Block]:
    """On the triage and engineer cards of a closed ticket: what the reporter answered, if anything."""
    if ticket.csat_outcome != CsatOutcome.SOLVED.value:
        return []
    text = " · ".join([tr("csat.staff_solved"), *_answer_lines(tr, ticket)])
    return [ContextBlock(block_id=f"csat_{ticket.id}", elements=[MarkdownTextObject(text=text)])]


def _comment_input(tr: Translator, label: str, initial: str | None = None) -> InputBlock:
    return InputBlock(
        block_id=ids.NOTE_BLOCK,
        label=tr(label),
        hint=tr("csat.hint"),
        optional=True,
        element=PlainTextInputElement(
            action_id=ids.NOTE_ACTION, multiline=True, max_length=NOTE_MAX, initial_value=initial or None
        ),
    )


def reopen_view(tr: Translator, ticket: Ticket, metadata: str) -> View:
    """ "No, reopen": what is still wrong, optional — submitting reopens."""
    blocks = [about(tr, ticket), _comment_input(tr, "csat.reopen.label")]
    return modal(tr, ids.CSAT_REOPEN_VIEW, "csat.reopen.title", "csat.reopen.submit", metadata, blocks)


def rate_view(tr: Translator, ticket: Ticket, metadata: str) -> View:
    """A rating (required here: it is what the modal is for) and an optional comment."""
    options = [Option(value=str(n), label=tr(f"csat.stars.{n}")) for n in reversed(CSAT_RATINGS)]
    current = next((o for o in options if o.value == str(ticket.csat_rating)), None)
    rating = InputBlock(
        block_id=ids.CSAT_RATING_BLOCK,
        label=tr("csat.rate.rating"),
        element=StaticSelectElement(
            action_id=ids.CSAT_RATING_ACTION,
            placeholder=tr("csat.rate_placeholder"),
            options=options,
            initial_option=current,
        ),
    )
    blocks = [about(tr, ticket), rating, _comment_input(tr, "csat.rate.comment", ticket.csat_comment)]
    return modal(tr, ids.CSAT_RATE_VIEW, "csat.rate.title", "csat.rate.submit", metadata, blocks)


def dashboard_blocks(tr: Translator, figures: Satisfaction, limit: int = 20) -> list[Block]:
    """The admin Home's satisfaction: overall, then the average per engineer (most rated first)."""
    if not figures.answers and not figures.ratings:
        return [ContextBlock(block_id="csat", elements=[MarkdownTextObject(text=tr("dash.csat_none"))])]
    overall = tr(
        "dash.csat_one" if figures.ratings == 1 else "dash.csat",
        average=_one_decimal(figures.average),
        count=figures.ratings,
        solved=round(100 * figures.solved_share) if figures.answers else "—",
    )
    lines: Sequence[str] = [
        tr("dash.csat_engineer", name=escape(e.name), average=_one_decimal(e.average), count=e.ratings)
        for e in figures.engineers[:limit]
    ]
    text = overall + ("\n" + "\n".join(lines) if lines else "")
    return [SectionBlock(block_id="csat", text=MarkdownTextObject(text=clip(text, 2900)))]


def _one_decimal(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"
