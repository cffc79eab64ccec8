"""Working a ticket from its card or the Home tab: In progress, On hold, Close, Add note, Reopen.

Buttons ack at once; the change runs right after the ack (handlers/after_ack.py) and its effects
leave through the outbox (cards redrawn in place, thread replies). Buttons that need words first
open a modal — first thing after the ack and a quick read, since the trigger_id lives 3 seconds.
Those follow-ups, and the ones whose refusal opens a notice over a Home tab, are trigger-bound
(handlers/after_ack.py): they hand the Home tab's redraw to the general pool.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from handlers import ids
from handlers.answers import answer_refusal, card_modal_submission, moved_on, refusal, tell
from handlers.blocks.work_modals import close_view, hold_view, note_view
from handlers.edge import ack_only, logs_failures
from handlers.home_state import HomeState
from handlers.home_tabs import HomeTabs
from handlers.payload import actor_of, field_value, modal_metadata, parse_metadata, trigger_of
from handlers.refs import clicked_ref
from handlers.services import Services
from storage.domain import Status, Visibility
from storage.errors import InvalidTransition, StaleTicket, TicketError
from storage.models import Ticket

ModalBuilder = Callable[..., object]
# Button → (the status it leads to, or None for a note; the modal asking for words, if any).
MODALS: dict[str, tuple[Status | None, ModalBuilder]] = {
    ids.WORK_HOLD: (Status.ON_HOLD, hold_view),
    ids.WORK_CLOSE: (Status.CLOSED, close_view),
    ids.WORK_NOTE: (None, note_view),
}


def register(app: App, services: Services, homes: HomeTabs) -> None:
    tickets = services.tickets

    @logs_failures
    def start_work(body, action, client):
        ref = clicked_ref(action)
        if ref is None:
            return
        try:
            actor = actor_of(body)
            done = tickets.change_from_card(ref.ticket_id, Status.IN_PROGRESS, actor, None, ref.version)
        except TicketError as error:
            answer_refusal(services, client, body, error, ref.ticket_id)
        else:
            if done.moved:  # their card was not redrawn yet: say what it acted on
                tell(
                    client, services, body, moved_on(services, actor.user_id, Status.IN_PROGRESS, done.moved)
                )
        services.after_ack.may_sleep(homes.republish_after, client=client, body=body)

    app.action(ids.WORK_START)(services.after_ack.listener(ack_only, start_work, trigger_bound=True))

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

    app.action(ids.REOPEN)(services.after_ack.listener(ack_only, reopen))

    @logs_failures
    def open_modal(body, action, client):
        ref = clicked_ref(action)
        if ref is None or not trigger_of(body):
            return
        target, build = MODALS[action["action_id"]]
        version = ref.version if target is not None else None  # a note never conflicts
        try:
            ticket: Ticket = tickets.preview_change(ref.ticket_id, target, actor_of(body), version)
        except TicketError as error:
            answer_refusal(services, client, body, error, ref.ticket_id)
            services.after_ack.may_sleep(homes.republish_after, client=client, body=body)
            return
        metadata = modal_metadata(ref, body)
        tr = services.tr_for(actor_of(body).user_id)  # in the clicker's language
        client.views_open(trigger_id=trigger_of(body), view=build(tr, ticket, metadata))

    for action_id in MODALS:
        app.action(action_id)(services.after_ack.listener(ack_only, open_modal, trigger_bound=True))

    @logs_failures
    def redraw_home(body, view, client):
        parsed = parse_metadata(view.get("private_metadata"))
        if parsed and parsed[1] is not None:
            homes.publish(client, actor_of(body).user_id, HomeState.from_metadata(parsed[1]))

    def words(state: dict) -> str:
        return field_value(state, ids.NOTE_BLOCK, ids.NOTE_ACTION)

    def move(target: Status):
        """A modal opened from a card (maybe old by now) submits against the ticket as it is."""

        def submit(ref, actor, state) -> str | None:
            done = tickets.change_from_card(ref.ticket_id, target, actor, words(state), ref.version)
            return moved_on(services, actor.user_id, target, done.moved) if done.moved else None

        return submit

    def note(ref, actor, state):
        chosen = field_value(state, ids.VISIBILITY_BLOCK, ids.VISIBILITY_ACTION)
        visibility = Visibility.PUBLIC if chosen == Visibility.PUBLIC.value else Visibility.INTERNAL
        tickets.add_note(ref.ticket_id, actor, words(state), visibility)

    def refuse(error: TicketError, ticket_id: int, viewer: str) -> tuple[str, list]:
        text, blocks = refusal(services, error, ticket_id, viewer)
        return text, blocks[1:]  # the first block says `text` again: the modal shows it once

    def submitted(change):
        return card_modal_submission(services, change, refuse, refresh_on=(StaleTicket, InvalidTransition))

    app.view(ids.HOLD_VIEW)(services.after_ack.listener(submitted(move(Status.ON_HOLD)), redraw_home))
    app.view(ids.CLOSE_VIEW)(services.after_ack.listener(submitted(move(Status.CLOSED)), redraw_home))
    app.view(ids.NOTE_VIEW)(services.after_ack.listener(submitted(note), redraw_home))
