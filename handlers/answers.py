"""Answering one person about their click: ephemeral under a card, a small modal on a Home tab
(after the ack: these are Slack Web API calls); and the ack of a card's modal, which answers in
the modal itself."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from handlers import ids
from handlers.blocks.detail import state_line
from handlers.blocks.work_modals import notice_view
from handlers.edge import error_text, field_errors
from handlers.payload import actor_of, obj, parse_metadata, state_values, trigger_of
from handlers.refs import TicketRef
from handlers.services import Services
from storage.domain import Actor, Status, format_number
from storage.errors import (
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    StaleTicket,
    TicketError,
    TicketNotFound,
)

log = logging.getLogger("ticketbot.handlers")


def tell(
    client: WebClient, services: Services, body: dict, text: str, blocks: list[Block] | None = None
) -> None:
    """Only the clicker sees it: an ephemeral message beside the card, or a modal over the Home tab."""
    container = obj(body.get("container"))
    user = actor_of(body).user_id
    if container.get("type") == "message":
        channel = container.get("channel_id") or obj(body.get("channel")).get("id")
        shown = blocks or [SectionBlock(text=MarkdownTextObject(text=text))]
        blocks_ = [b.to_dict() for b in shown]
        post = client.chat_postEphemeral  # unlike a modal, it can wait out a 429: not on a trigger's time
        services.after_ack.may_sleep(post, channel=channel, user=user, text=text, blocks=blocks_)
    elif trigger_of(body):
        client.views_open(trigger_id=trigger_of(body), view=notice_view(services.tr_for(user), text, blocks))


def refusal(services: Services, error: TicketError, ticket_id: int, viewer: str) -> tuple[str, list[Block]]:
    """The words for a refused change, and where the ticket stands now when the viewer may know.

    Not allowed and not found read the same on a card: the person holds the card anyway, and
    a forwarded card must not tell a stranger more than it already shows. In the viewer's language.
    """
    tr = services.tr_for(viewer)
    if isinstance(error, (NotAllowed, TicketNotFound)):
        text = tr("work.refused", number=format_number(ticket_id))
        return text, [SectionBlock(text=MarkdownTextObject(text=text))]
    if isinstance(error, InvalidInput):
        text = " ".join(field_errors(tr, error.errors).values())  # e.g. "not a registered engineer"
    else:
        text = error_text(tr, error)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if isinstance(error, (StaleTicket, InvalidTransition)):
        try:
            ticket = services.tickets.get(ticket_id, viewer)
        except TicketError:
            return text, blocks
        blocks.append(SectionBlock(text=MarkdownTextObject(text=state_line(tr, ticket))))
    return text, blocks


def answer_refusal(
    services: Services, client: WebClient, body: dict, error: TicketError, ticket_id: int
) -> None:
    """Tell the clicker why nothing happened; after a lost race, redraw the cards they saw."""
    viewer = actor_of(body).user_id
    text, blocks = refusal(services, error, ticket_id, viewer)
    tell(client, services, body, text, blocks)  # first: on a Home tab it spends the trigger_id
    if isinstance(error, (StaleTicket, InvalidTransition)):
        services.tickets.refresh_cards(ticket_id)


def moved_on(services: Services, viewer: str, done: Status, moved: Status) -> str:
    """What a click on a card that was not yet redrawn did, in the clicker's language:
    "Closed. (It was already in progress.)"."""
    tr = services.tr_for(viewer)
    return f"{tr(f'work.done.{done.value}')} {tr(f'work.already.{moved.value}')}"


# A card modal's change: (the ticket ref, who submitted, the view's state values) → what to
# tell them in the modal once it is made, if anything (None closes it, as for any form).
Change = Callable[[TicketRef, Actor, dict], str | None]
# The words of a refusal inside the modal: (error, ticket id, viewer) → (text, extra blocks).
Refuse = Callable[[TicketError, int, str], tuple[str, list]]


def card_modal_submission(
    services: Services, change: Change, refuse: Refuse, *, refresh_on: tuple[type[TicketError], ...]
) -> Callable:
    """The ack of a modal opened from a ticket card (hold, close, note, CSAT): apply the change,
    or say in the modal why it cannot be applied — and redraw the ticket's cards when the refusal
    means they show an old state (`refresh_on`). In the submitter's language."""

    def on_submit(ack, body, view):
        parsed, actor = parse_metadata(view.get("private_metadata")), actor_of(body)
        tr = services.tr_for(actor.user_id)
        if parsed is None:
            ack(response_action="update", view=notice_view(tr, tr("error.generic")))
            return
        ref = parsed[0]
        try:
            told = change(ref, actor, state_values(view))
        except InvalidInput as error:
            ack(response_action="errors", errors=field_errors(tr, error.errors))
            return
        except TicketError as error:
            text, blocks = refuse(error, ref.ticket_id, actor.user_id)
            ack(response_action="update", view=notice_view(tr, text, blocks))
            if isinstance(error, refresh_on):
                services.tickets.refresh_cards(ref.ticket_id)
            return
        except Exception:
            log.exception("modal %s failed", view.get("callback_id"))
            ack(response_action="errors", errors={ids.NOTE_BLOCK: tr("error.generic")})
            return
        if told:
            ack(response_action="update", view=notice_view(tr, told))
        else:
            ack()

    return on_submit
