"""The burst suggestion's "Declare incident" button and its modal (storage.bursts): staff only;
the incident is declared with every ticket the suggestion lists linked."""

from __future__ import annotations

from slack_bolt import App

from handlers import ids
from handlers.after_ack import NOTHING_FOLLOWS
from handlers.answers import tell
from handlers.blocks.bursts import declare_modal
from handlers.edge import ack_only, acks_safely, error_text, field_errors, logs_failures
from handlers.payload import actor_of, field_value, state_values, string, trigger_of
from handlers.services import Services
from storage import bursts
from storage.errors import InvalidInput, TicketError


def _suggestion_id(raw: object) -> int | None:
    value = string(raw)
    return int(value) if value.isdigit() and 0 < len(value) <= 12 else None


def register(app: App, services: Services) -> None:
    incidents = services.incidents

    @logs_failures
    def open_modal(body, action, client):
        suggestion_id = _suggestion_id(action.get("value"))
        user = actor_of(body).user_id
        if suggestion_id is None or not trigger_of(body):
            return
        tr = services.tr_for(user)
        if not incidents.is_staff(user):
            tell(client, services, body, tr("error.not_allowed"))
            return
        burst = bursts.burst(services.db, suggestion_id)
        if burst is None:
            tell(client, services, body, tr("similar_burst.not_found"))
            return
        if burst.incident is not None:
            tell(client, services, body, tr("similar_burst.already_declared", incident=burst.incident.number))
            return
        client.views_open(trigger_id=trigger_of(body), view=declare_modal(tr, burst))

    app.action(ids.BURST_DECLARE)(services.after_ack.listener(ack_only, open_modal, trigger_bound=True))

    @acks_safely(services.tr_for)
    def submitted(ack, body, view):
        actor = actor_of(body)
        tr = services.tr_for(actor.user_id)
        suggestion_id = _suggestion_id(view.get("private_metadata"))
        if suggestion_id is None:
            ack()
            return NOTHING_FOLLOWS
        title = field_value(state_values(view), ids.NOTE_BLOCK, ids.NOTE_ACTION)
        try:
            bursts.declare(incidents, actor, suggestion_id, title)
        except InvalidInput as error:
            errors = field_errors(tr, error.errors)
            ack(response_action="errors", errors={ids.NOTE_BLOCK: " ".join(errors.values())})
            return NOTHING_FOLLOWS
        except TicketError as error:
            ack(response_action="errors", errors={ids.NOTE_BLOCK: error_text(tr, error)})
            return NOTHING_FOLLOWS
        ack()
        return None

    app.view(ids.BURST_DECLARE_VIEW)(submitted)
