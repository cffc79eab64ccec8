"""Answering one person about their click: ephemeral under a card, a small modal on a Home tab.

Runs after the ack only: these are Slack Web API calls.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from handlers.blocks.detail import state_line
from handlers.blocks.work_modals import notice_view
from handlers.edge import error_text, field_errors
from handlers.services import Services
from storage.domain import Actor, format_number
from storage.errors import (
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    StaleTicket,
    TicketError,
    TicketNotFound,
)

log = logging.getLogger("ticketbot.handlers")


def actor_of(body: dict) -> Actor:
    user = body.get("user") or {}
    return Actor(user_id=user.get("id", ""), name=user.get("username") or user.get("name") or "")


def from_home(body: dict) -> bool:
    return (body.get("view") or {}).get("type") == "home"


def tell(
    client: WebClient, services: Services, body: dict, text: str, blocks: list[Block] | None = None
) -> None:
    """Only the clicker sees it: an ephemeral message beside the card, or a modal over the Home tab."""
    container = body.get("container") or {}
    user = actor_of(body).user_id
    if container.get("type") == "message":
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        shown = blocks or [SectionBlock(text=MarkdownTextObject(text=text))]
        client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=[b.to_dict() for b in shown])
    else:
        client.views_open(trigger_id=body["trigger_id"], view=notice_view(services.tr, text, blocks))


def refusal(services: Services, error: TicketError, ticket_id: int, viewer: str) -> tuple[str, list[Block]]:
    """The words for a refused change, and where the ticket stands now when the viewer may know.

    Not allowed and not found read the same on a card: the person holds the card anyway, and
    a forwarded card must not tell a stranger more than it already shows.
    """
    tr = services.tr
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
