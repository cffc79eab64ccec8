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
from handlers.blocks.csat import parse_rating, rate_view, reopen_view
from handlers.blocks.work_modals import notice_view
from handlers.edge import field_errors, logs_failures
from handlers.feedback import actor_of, answer_refusal, refusal, tell
from handlers.refs import clicked_ref
from handlers.services import Services
from handlers.views import _value
from handlers.work import modal_metadata, parse_metadata
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
    tr, tickets = services.tr, services.tickets

    def ack_now(ack):
        ack()

    def refusal_text(error: TicketError, ticket_id: int, viewer: str) -> tuple[str, list]:
        if isinstance(error, (NotAllowed, TicketNotFound)):
            return tr("csat.refused", number=format_number(ticket_id)), []
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

    app.action(ids.CSAT_YES)(services.after_ack.listener(ack_now, yes))

    @logs_failures
    def rate_from_card(body, action, client):
        parsed = parse_rating((action.get("selected_option") or {}).get("value"))
        if parsed is None:
            log.warning("CSAT rating we never offered: %r", action.get("selected_option"))
            return
        ref, rating = parsed
        try:
            tickets.rate(ref.ticket_id, actor_of(body), rating)
        except TicketError as error:
            refuse(client, body, error, ref.ticket_id)

    app.action(ids.CSAT_RATING)(services.after_ack.listener(ack_now, rate_from_card))

    def opener(build: Callable, *, rating: bool):
        @logs_failures
        def open_modal(body, action, client):
            ref = clicked_ref(action)
            if ref is None:
                return
            try:
                ticket = tickets.preview_feedback(ref.ticket_id, actor_of(body), rating=rating)
            except TicketError as error:
                refuse(client, body, error, ref.ticket_id)
                return
            client.views_open(
                trigger_id=body["trigger_id"], view=build(tr, ticket, modal_metadata(ref, body))
            )

        return open_modal

    app.action(ids.CSAT_NO)(services.after_ack.listener(ack_now, opener(reopen_view, rating=False)))
    app.action(ids.CSAT_RATE)(services.after_ack.listener(ack_now, opener(rate_view, rating=True)))

    def submitted(change: Callable[[int, Actor, dict], None]):
        """The ack of a CSAT modal: apply the answer, or say in the modal why it cannot be."""

        def on_submit(ack, body, view):
            parsed = parse_metadata(view.get("private_metadata"))
            if parsed is None:
                ack(response_action="update", view=notice_view(tr, tr("error.generic")))
                return
            ticket_id, actor = parsed[0].ticket_id, actor_of(body)
            try:
                change(ticket_id, actor, (view.get("state") or {}).get("values") or {})
            except InvalidInput as error:
                ack(response_action="errors", errors=field_errors(tr, error.errors))
                return
            except TicketError as error:
                text, blocks = refusal_text(error, ticket_id, actor.user_id)
                ack(response_action="update", view=notice_view(tr, text, blocks))
                if isinstance(error, (StaleTicket, InvalidTransition, AlreadyAnswered)):
                    tickets.refresh_cards(ticket_id)
                return
            except Exception:
                log.exception("modal %s failed", view.get("callback_id"))
                ack(response_action="errors", errors={ids.NOTE_BLOCK: tr("error.generic")})
                return
            ack()

        return on_submit

    def not_solved(ticket_id: int, actor: Actor, state: dict) -> None:
        text = _value(state, ids.NOTE_BLOCK, ids.NOTE_ACTION).strip()
        reason = tr("csat.reopen_note_with", text=text) if text else tr("csat.reopen_note")
        tickets.not_solved(ticket_id, actor, reason, text)

    def rate(ticket_id: int, actor: Actor, state: dict) -> None:
        rating = _value(state, ids.CSAT_RATING_BLOCK, ids.CSAT_RATING_ACTION)
        if not rating.isdigit():
            raise InvalidInput({ids.CSAT_RATING_BLOCK: "error.required"})
        tickets.rate(ticket_id, actor, int(rating), _value(state, ids.NOTE_BLOCK, ids.NOTE_ACTION))

    app.view(ids.CSAT_REOPEN_VIEW)(submitted(not_solved))
    app.view(ids.CSAT_RATE_VIEW)(submitted(rate))
