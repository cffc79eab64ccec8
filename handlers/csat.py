"""Satisfaction (CSAT) on the reporter's closed card: "Was your problem solved?"

"Yes, thanks" is one click (then a 1-5 menu rates in one more, and "Rate and comment" opens a
modal for a comment); "No, reopen" opens a modal asking what is still wrong (optional) and
reopens on submit. Only the reporter may answer: anyone else, an admin included, is told so and
nothing changes. Buttons ack at once and work after the ack, like handlers/work.py.

Button values carry the card's ref (id and version), but the version is not checked: the
reporter's card is not redrawn for internal notes, so it may lag while the question still
stands; the service checks what matters (closed, not yet answered for this close).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App
from slack_sdk import WebClient

from handlers import ids
from handlers.answers import answer_refusal, card_modal_submission, refusal, tell
from handlers.blocks.csat import parse_rating, rate_view, reopen_view
from handlers.edge import ack_only, logs_failures
from handlers.payload import actor_of, field_value, modal_metadata, selected_value, trigger_of
from handlers.refs import TicketRef, clicked_ref
from handlers.services import Services
from storage.domain import Actor, format_number
from storage.errors import (
    AlreadyAnswered,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    StaleTicket,
    TicketError,
    TicketNotFound,
)

log = logging.getLogger("ticketbot.handlers")


def register(app: App, services: Services) -> None:
    tickets = services.tickets

    def refusal_text(error: TicketError, ticket_id: int, viewer: str) -> tuple[str, list]:
        if isinstance(error, (NotAllowed, TicketNotFound)):
            return services.tr_for(viewer)("csat.refused", number=format_number(ticket_id)), []
        text, blocks = refusal(services, error, ticket_id, viewer)
        return text, blocks[1:]

    def refuse(client: WebClient, body: dict, error: TicketError, ticket_id: int) -> None:
        """Tell the clicker why nothing happened (ephemeral under the card)."""
        if isinstance(error, (NotAllowed, TicketNotFound)):
            tell(client, services, body, refusal_text(error, ticket_id, actor_of(body).user_id)[0])
            return
        answer_refusal(services, client, body, error, ticket_id)
        if isinstance(error, AlreadyAnswered):
            tickets.refresh_cards(ticket_id)  # their card still asked: show the answer given

    @logs_failures
    def yes(body, action, client):
        ref = clicked_ref(action)
        if ref is None:
            return
        try:
            tickets.solved(ref.ticket_id, actor_of(body))
        except TicketError as error:
            refuse(client, body, error, ref.ticket_id)

    app.action(ids.CSAT_YES)(services.after_ack.listener(ack_only, yes))

    @logs_failures
    def rate_from_card(body, action, client):
        parsed = parse_rating(selected_value(action))
        if parsed is None:
            log.warning("CSAT rating we never offered: %r", action.get("selected_option"))
            return
        ref, rating = parsed
        try:
            tickets.rate(ref.ticket_id, actor_of(body), rating)
        except TicketError as error:
            refuse(client, body, error, ref.ticket_id)

    app.action(ids.CSAT_RATING)(services.after_ack.listener(ack_only, rate_from_card))

    def opener(build: Callable, *, rating: bool):
        @logs_failures
        def open_modal(body, action, client):
            ref = clicked_ref(action)
            if ref is None or not trigger_of(body):
                return
            try:
                ticket = tickets.preview_feedback(ref.ticket_id, actor_of(body), rating=rating)
            except TicketError as error:
                refuse(client, body, error, ref.ticket_id)
                return
            tr = services.tr_for(actor_of(body).user_id)
            client.views_open(trigger_id=trigger_of(body), view=build(tr, ticket, modal_metadata(ref, body)))

        return open_modal

    for action_id, build, rating in ((ids.CSAT_NO, reopen_view, False), (ids.CSAT_RATE, rate_view, True)):
        listener = services.after_ack.listener(ack_only, opener(build, rating=rating), trigger_bound=True)
        app.action(action_id)(listener)

    def submitted(change):
        refresh_on = (StaleTicket, InvalidTransition, AlreadyAnswered)
        return card_modal_submission(services, change, refusal_text, refresh_on=refresh_on)

    def not_solved(ref: TicketRef, actor: Actor, state: dict) -> None:
        text = field_value(state, ids.NOTE_BLOCK, ids.NOTE_ACTION).strip()
        tr = services.tr  # the note joins the ticket's history, which the staff read
        reason = tr("csat.reopen_note_with", text=text) if text else tr("csat.reopen_note")
        tickets.not_solved(ref.ticket_id, actor, reason, text)

    def rate(ref: TicketRef, actor: Actor, state: dict) -> None:
        rating = field_value(state, ids.CSAT_RATING_BLOCK, ids.CSAT_RATING_ACTION)
        if not rating.isdigit():
            raise InvalidInput({ids.CSAT_RATING_BLOCK: "error.required"})
        tickets.rate(ref.ticket_id, actor, int(rating), field_value(state, ids.NOTE_BLOCK, ids.NOTE_ACTION))

    app.view(ids.CSAT_REOPEN_VIEW)(submitted(not_solved))
    app.view(ids.CSAT_RATE_VIEW)(submitted(rate))
