"""Incidents: `/ticket incident new <title> [TKT-…]`, `/ticket link TKT-… INC-…`,
`/ticket unlink TKT-…`, and the buttons of the incident's card (Post update, status, Resolve).

Every refusal (staff only, one incident per ticket, a resolved incident) is the service's
(storage.incidents); this surface reads the words and the clicks, and says what happened.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from handlers import ids
from handlers.after_ack import NOTHING_FOLLOWS
from handlers.answers import tell
from handlers.blocks.incidents import text_modal
from handlers.edge import ack_only, acks_safely, error_text, field_errors, logs_failures
from handlers.payload import actor_of, field_value, selected_value, state_values, string, trigger_of
from handlers.router import Invocation, Router
from handlers.services import Services
from handlers.text import escape
from storage.domain import Actor, IncidentStatus, format_incident, parse_incident, parse_number
from storage.errors import InvalidInput, NotAllowed, StaleTicket, TicketError

# The button → the modal it opens: (callback id, title key, field label key).
MODALS = {
    ids.INCIDENT_UPDATE: (ids.INCIDENT_UPDATE_VIEW, "incident.update_title", "incident.update_label"),
    ids.INCIDENT_RESOLVE: (ids.INCIDENT_RESOLVE_VIEW, "incident.resolve_title", "incident.resolve_label"),
}


RESOLVE_TRIES = 3  # a resolve rolled back by a linked ticket changing under it is tried again


def _incident_id(raw: object) -> int | None:
    value = string(raw)
    return int(value) if value.isdigit() and 0 < len(value) <= 12 else None


def register(app: App, services: Services, router: Router) -> None:
    incidents = services.incidents

    def say(ack: Callable, text: str) -> None:
        ack(text=text, response_type="ephemeral")

    def declare(invocation: Invocation, ack: Callable) -> None:
        tr = services.tr_for(invocation.user_id)
        words = invocation.rest.split()
        if len(words) < 2 or words[0].lower() not in ("new", "nuevo"):
            say(ack, tr("incident.usage"))
            return
        words = words[1:]
        from_ticket = parse_number(words[-1]) if words[-1].upper().startswith("TKT-") else None
        if from_ticket is not None:
            words = words[:-1]
        actor = Actor(invocation.user_id)
        try:
            incident = incidents.declare(actor, " ".join(words), from_ticket=from_ticket)
        except InvalidInput:
            say(ack, tr("incident.usage"))
            return
        except TicketError as error:
            say(ack, error_text(tr, error))
            return
        say(ack, tr("incident.declared", incident=incident.number, title=escape(incident.title)))

    def link(invocation: Invocation, ack: Callable) -> None:
        tr = services.tr_for(invocation.user_id)
        words = invocation.rest.split()
        ticket_id = parse_number(words[0]) if len(words) == 2 else None
        incident_id = parse_incident(words[1]) if len(words) == 2 else None
        if ticket_id is None or incident_id is None:
            say(ack, tr("incident.usage"))
            return
        try:
            ticket = incidents.link(Actor(invocation.user_id), ticket_id, incident_id)
        except TicketError as error:
            say(ack, error_text(tr, error))
            return
        say(ack, tr("incident.linked", ticket=ticket.number, incident=format_incident(incident_id)))

    def unlink(invocation: Invocation, ack: Callable) -> None:
        tr = services.tr_for(invocation.user_id)
        words = invocation.rest.split()
        ticket_id = parse_number(words[0]) if len(words) == 1 else None
        if ticket_id is None:
            say(ack, tr("incident.usage"))
            return
        try:
            ticket = incidents.unlink(Actor(invocation.user_id), ticket_id)
        except TicketError as error:
            say(ack, error_text(tr, error))
            return
        say(ack, tr("incident.unlinked", ticket=ticket.number))

    router.add(("incident", "incidente"), declare)
    router.add(("link", "vincular"), link)
    router.add(("unlink", "desvincular"), unlink)

    # -- the incident card's buttons ----------------------------------------------------------

    @logs_failures
    def open_modal(body, action, client):
        incident_id = _incident_id(action.get("value"))
        if incident_id is None or not trigger_of(body):
            return
        callback_id, title_key, label_key = MODALS[action["action_id"]]
        tr = services.tr_for(actor_of(body).user_id)
        if not incidents.is_staff(actor_of(body).user_id):  # staff only: said before any modal
            tell(client, services, body, tr("incident.staff_only"))
            return
        view = text_modal(tr, callback_id, title_key, label_key, str(incident_id))
        client.views_open(trigger_id=trigger_of(body), view=view)

    for action_id in MODALS:
        app.action(action_id)(services.after_ack.listener(ack_only, open_modal, trigger_bound=True))

    @logs_failures
    def set_status(body, action, client):
        raw_id, _, chosen = selected_value(action).partition(":")
        incident_id = _incident_id(raw_id)
        if incident_id is None or chosen not in {s.value for s in IncidentStatus}:
            return
        # A resolved incident changes nothing (its card has no menu then); a stranger is told.
        try:
            incidents.set_status(actor_of(body), incident_id, IncidentStatus(chosen))
        except NotAllowed:
            tell(client, services, body, services.tr_for(actor_of(body).user_id)("incident.staff_only"))
        except TicketError:
            pass

    app.action(ids.INCIDENT_STATUS)(services.after_ack.listener(ack_only, set_status))

    def submitted_words(view: dict) -> str:
        return field_value(state_values(view), ids.NOTE_BLOCK, ids.NOTE_ACTION)

    def submission(change: Callable[[Actor, int, str], object]):
        @acks_safely(services.tr_for)
        def submitted(ack, body, view):
            actor = actor_of(body)
            tr = services.tr_for(actor.user_id)
            incident_id = _incident_id(view.get("private_metadata"))
            if incident_id is None:
                ack()
                return NOTHING_FOLLOWS
            words = submitted_words(view)
            try:
                change(actor, incident_id, words)
            except InvalidInput as error:
                ack(response_action="errors", errors=field_errors(tr, error.errors))
                return NOTHING_FOLLOWS
            except TicketError as error:
                ack(response_action="errors", errors={ids.NOTE_BLOCK: error_text(tr, error)})
                return NOTHING_FOLLOWS  # refused: nothing runs after the ack
            ack()
            return None

        return submitted

    app.view(ids.INCIDENT_UPDATE_VIEW)(submission(lambda a, i, w: incidents.post_update(a, i, w)))

    # A resolve closes every linked ticket (hundreds, in an outage): the ack only checks it may,
    # so the modal closes within Slack's 3 s; the closes themselves run right after the ack.
    # A linked ticket changing meanwhile (a reporter writing "any news?") rolls the resolve back
    # whole; it is tried again (resolving a resolved incident is a no-op), and if the tickets
    # keep changing the resolver is told, in a DM, that nothing was closed.
    @logs_failures
    def resolve_after(body, view, client):
        incident_id = _incident_id(view.get("private_metadata"))
        if incident_id is None:
            return
        actor = actor_of(body)
        for _ in range(RESOLVE_TRIES):
            try:
                incidents.resolve(actor, incident_id, submitted_words(view))
                return
            except StaleTicket:
                continue
        said = services.tr_for(actor.user_id)("incident.resolve_retry", incident=format_incident(incident_id))
        client.chat_postMessage(channel=actor.user_id, text=said)

    app.view(ids.INCIDENT_RESOLVE_VIEW)(
        services.after_ack.listener(submission(incidents.check_resolve), resolve_after)
    )
