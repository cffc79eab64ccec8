"""Working a ticket from its card or the Home tab: In progress, On hold, Close, Add note, Reopen.

Buttons ack at once; the change runs right after the ack on handlers/after_ack.py's pool and
its effects leave through the outbox (cards redrawn in place, thread replies). Buttons that need
words first open a modal — from that pool too, first thing after a quick read, since the
trigger_id lives 3 seconds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from slack_bolt import App

from handlers import ids
from handlers.blocks.work_modals import close_view, hold_view, note_view, notice_view
from handlers.dashboard import HomeTabs
from handlers.edge import field_errors, logs_failures
from handlers.feedback import actor_of, answer_refusal, from_home, refusal
from handlers.home_state import HomeState
from handlers.refs import TicketRef, clicked_ref
from handlers.services import Services
from handlers.views import _value
from storage.domain import Status, Visibility
from storage.errors import InvalidInput, InvalidTransition, StaleTicket, TicketError
from storage.models import Ticket

log = logging.getLogger("ticketbot.handlers")

ModalBuilder = Callable[..., object]
# Button → (the status it leads to, or None for a note; the modal asking for words, if any).
MODALS: dict[str, tuple[Status | None, ModalBuilder]] = {
    ids.WORK_HOLD: (Status.ON_HOLD, hold_view),
    ids.WORK_CLOSE: (Status.CLOSED, close_view),
    ids.WORK_NOTE: (None, note_view),
}


def modal_metadata(ref: TicketRef, body: dict) -> str:
    """The ticket ref, and the Home tab's own metadata when opened from it (to redraw it after)."""
    home = (body.get("view") or {}).get("private_metadata") if from_home(body) else None
    return json.dumps({"t": ref.ticket_id, "v": ref.version, "home": home})


def parse_metadata(raw: str | None) -> tuple[TicketRef, str | None] | None:
    try:
        data = json.loads(raw or "")
        home = data.get("home")
        return TicketRef(int(data["t"]), int(data["v"])), home if isinstance(home, str) else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def register(app: App, services: Services, homes: HomeTabs) -> None:
    tr, tickets = services.tr, services.tickets

    def ack_now(ack):
        ack()

    @logs_failures
    def start_work(body, action, client):
        ref = clicked_ref(action)
        if ref is None:
            return
        try:
            tickets.change_status(
                ref.ticket_id, Status.IN_PROGRESS, actor_of(body), expected_version=ref.version
            )
        except TicketError as error:
            answer_refusal(services, client, body, error, ref.ticket_id)
        homes.republish_after(client, body)

    app.action(ids.WORK_START)(services.after_ack.listener(ack_now, start_work))

    @logs_failures
    def reopen(body, action, client):
        ref = clicked_ref(action)
        if ref is None:
            return
        try:
            # No version check: the reporter's card is not redrawn for internal notes (that would
            # tell them something happened), so its version can lag while "closed" is still true.
            # The transition table refuses a second reopen all the same.
            tickets.reopen(ref.ticket_id, actor_of(body))
        except TicketError as error:
            answer_refusal(services, client, body, error, ref.ticket_id)

    app.action(ids.REOPEN)(services.after_ack.listener(ack_now, reopen))

    @logs_failures
    def open_modal(body, action, client):
        ref = clicked_ref(action)
        if ref is None:
            return
        target, build = MODALS[action["action_id"]]
        version = ref.version if target is not None else None  # a note never conflicts
        try:
            ticket: Ticket = tickets.preview_change(ref.ticket_id, target, actor_of(body), version)
        except TicketError as error:
            answer_refusal(services, client, body, error, ref.ticket_id)
            homes.republish_after(client, body)
            return
        metadata = modal_metadata(ref, body)
        client.views_open(trigger_id=body["trigger_id"], view=build(tr, ticket, metadata))

    for action_id in MODALS:
        app.action(action_id)(services.after_ack.listener(ack_now, open_modal))

    def submitted(change: Callable[[TicketRef, object, str, dict], None]):
        """The ack of a modal: apply the change, or say in the modal why it cannot be applied."""

        def on_submit(ack, body, view):
            parsed = parse_metadata(view.get("private_metadata"))
            if parsed is None:
                ack(response_action="update", view=notice_view(tr, tr("error.generic")))
                return
            ref, _home = parsed
            actor = actor_of(body)
            state = (view.get("state") or {}).get("values") or {}
            try:
                change(ref, actor, _value(state, ids.NOTE_BLOCK, ids.NOTE_ACTION), state)
            except InvalidInput as error:
                ack(response_action="errors", errors=field_errors(tr, error.errors))
                return
            except TicketError as error:
                text, blocks = refusal(services, error, ref.ticket_id, actor.user_id)
                ack(response_action="update", view=notice_view(tr, text, blocks[1:]))
                if isinstance(error, (StaleTicket, InvalidTransition)):
                    tickets.refresh_cards(ref.ticket_id)
                return
            except Exception:
                log.exception("modal %s failed", view.get("callback_id"))
                ack(response_action="errors", errors={ids.NOTE_BLOCK: tr("error.generic")})
                return
            ack()

        return on_submit

    @logs_failures
    def redraw_home(body, view, client):
        parsed = parse_metadata(view.get("private_metadata"))
        if parsed and parsed[1] is not None:
            homes.publish(client, actor_of(body).user_id, HomeState.from_metadata(parsed[1]))

    def hold(ref, actor, text, state):
        tickets.change_status(ref.ticket_id, Status.ON_HOLD, actor, note=text, expected_version=ref.version)

    def close(ref, actor, text, state):
        tickets.close(ref.ticket_id, actor, text, expected_version=ref.version)

    def note(ref, actor, text, state):
        chosen = _value(state, ids.VISIBILITY_BLOCK, ids.VISIBILITY_ACTION)
        visibility = Visibility.PUBLIC if chosen == Visibility.PUBLIC.value else Visibility.INTERNAL
        tickets.add_note(ref.ticket_id, actor, text, visibility)

    app.view(ids.HOLD_VIEW)(services.after_ack.listener(submitted(hold), redraw_home))
    app.view(ids.CLOSE_VIEW)(services.after_ack.listener(submitted(close), redraw_home))
    app.view(ids.NOTE_VIEW)(services.after_ack.listener(submitted(note), redraw_home))
