"""Writing a closed ticket's fix up for reporters: `/ticket knownfix TKT-…` and the "Known fix…"
button of a closed ticket's staff cards open the modal; its submission saves the fix
(storage.known_fixes: staff only, closed tickets only). Reporters who then file a matching
problem see it as "Try this first" (handlers/filing_hints.py)."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App
from slack_sdk import WebClient

from handlers import ids
from handlers.after_ack import NOTHING_FOLLOWS
from handlers.answers import answer_refusal
from handlers.blocks.known_fixes import known_fix_modal
from handlers.blocks.work_modals import notice_view
from handlers.edge import ack_only, acks_safely, error_text, field_errors, logs_failures
from handlers.payload import actor_of, field_value, state_values, string, trigger_of
from handlers.refs import clicked_ref
from handlers.router import Invocation, Router
from handlers.services import Services
from handlers.text import escape
from storage.domain import Actor, parse_number
from storage.errors import InvalidInput, TicketError


def register(app: App, services: Services, router: Router) -> None:
    fixes = services.known_fixes

    def ticket_of(invocation: Invocation) -> int | None:
        words = invocation.rest.split()
        return parse_number(words[0]) if len(words) == 1 else None

    def answer(invocation: Invocation, ack: Callable) -> None:
        tr = services.tr_for(invocation.user_id)
        ticket_id = ticket_of(invocation)
        if ticket_id is None:
            ack(text=tr("known.usage"), response_type="ephemeral")
            return
        try:
            fixes.draft(Actor(invocation.user_id), ticket_id)  # who may, and a closed ticket
        except TicketError as error:
            ack(text=error_text(tr, error), response_type="ephemeral")
            return
        ack()  # the modal opens right after (`later`)

    def later(invocation: Invocation, client: WebClient, respond) -> None:
        ticket_id, trigger = ticket_of(invocation), string(invocation.command.get("trigger_id"))
        if ticket_id is None or not trigger:
            return
        try:
            draft = fixes.draft(Actor(invocation.user_id), ticket_id)
        except TicketError:
            return  # the answer said why
        client.views_open(
            trigger_id=trigger, view=known_fix_modal(services.tr_for(invocation.user_id), draft)
        )

    router.add(("knownfix", "solucion"), answer, later, help_key="help.knownfix")

    @logs_failures
    def open_modal(body, action, client):
        ref = clicked_ref(action)
        if ref is None or not trigger_of(body):
            return
        actor = actor_of(body)
        try:
            draft = fixes.draft(actor, ref.ticket_id)
        except TicketError as error:
            answer_refusal(services, client, body, error, ref.ticket_id)
            return
        view = known_fix_modal(services.tr_for(actor.user_id), draft)
        client.views_open(trigger_id=trigger_of(body), view=view)

    app.action(ids.KNOWN_FIX_MARK)(services.after_ack.listener(ack_only, open_modal, trigger_bound=True))

    @acks_safely(services.tr_for)
    def submitted(ack, body, view):
        actor = actor_of(body)
        tr = services.tr_for(actor.user_id)
        raw = string(view.get("private_metadata"))
        if not (raw.isdigit() and len(raw) <= 12):
            ack()
            return NOTHING_FOLLOWS
        state = state_values(view)
        title = field_value(state, ids.KNOWN_FIX_TITLE_BLOCK, ids.KNOWN_FIX_TITLE_ACTION)
        steps = field_value(state, ids.NOTE_BLOCK, ids.NOTE_ACTION)
        try:
            fix = fixes.mark(actor, int(raw), title, steps)
        except InvalidInput as error:
            ack(response_action="errors", errors=field_errors(tr, error.errors))
            return NOTHING_FOLLOWS
        except TicketError as error:
            ack(response_action="errors", errors={ids.NOTE_BLOCK: error_text(tr, error)})
            return NOTHING_FOLLOWS
        done = tr("known.saved", title=escape(fix.title))
        ack(response_action="update", view=notice_view(tr, done).to_dict())
        return NOTHING_FOLLOWS

    app.view(ids.KNOWN_FIX_VIEW)(submitted)
