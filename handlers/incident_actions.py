"""The incident buttons of a ticket's cards and of its suggestion lines: Declare incident (a
modal, the title from the ticket's), Declare incident with TKT-…, Link to INC-…, Link to
incident… (a modal, a menu of the open incidents), Unlink, Not part of it; and the incident
card's List tickets (a modal paged 25 at a time).

Who may is the service's (storage.incidents, storage.incident_reads): declaring and keeping out,
an admin or the ticket's engineer; linking and unlinking, staff. A refusal is said to the
clicker alone (ephemeral), before any modal opens; nothing changes.
"""

from __future__ import annotations

import contextlib

from slack_bolt import App

from handlers import ids
from handlers.answers import refusal, tell
from handlers.blocks.incident_actions import declare_view, link_view
from handlers.blocks.incident_list import list_view, parse_page
from handlers.edge import ack_only, acks_safely, error_text, field_errors, logs_failures
from handlers.payload import actor_of, field_value, obj, state_values, string, trigger_of
from handlers.refs import parse_ref
from handlers.services import Services
from storage.domain import format_incident, format_number
from storage.errors import InvalidInput, NotAllowed, TicketError, TicketNotFound


def _ids(raw: object, parts: int) -> list[int] | None:
    """`"42"` / `"42:7"` / `"42:7:41"` → its numbers when there are `parts` of them, else None."""
    values = string(raw).split(":")
    if len(values) != parts or not all(v.isdigit() and 0 < len(v) <= 12 for v in values):
        return None
    return [int(v) for v in values]


def register(app: App, services: Services) -> None:
    incidents = services.incidents

    def refuse(client, body, error: TicketError, ticket_id: int, *, staff_only: bool = False) -> None:
        viewer = actor_of(body).user_id
        if staff_only and isinstance(error, (NotAllowed, TicketNotFound)):
            tell(client, services, body, services.tr_for(viewer)("incident.staff_only"))
            return
        text, blocks = refusal(services, error, ticket_id, viewer)
        tell(client, services, body, text, blocks)

    # -- declaring ---------------------------------------------------------------------------

    def open_declare(body, client, ticket_id: int, also: int | None) -> None:
        actor = actor_of(body)
        try:
            ticket = incidents.check_may_declare(actor, ticket_id)
        except TicketError as error:
            refuse(client, body, error, ticket_id)
            return
        view = declare_view(services.tr_for(actor.user_id), ticket, also)
        client.views_open(trigger_id=trigger_of(body), view=view)

    @logs_failures
    def declare_clicked(body, action, client):
        ref = parse_ref(action.get("value"))
        if ref is not None and trigger_of(body):
            open_declare(body, client, ref.ticket_id, None)

    @logs_failures
    def declare_with_clicked(body, action, client):
        parsed = _ids(action.get("value"), 3)  # ticket, version, the suggested ticket
        if parsed is not None and trigger_of(body):
            open_declare(body, client, parsed[0], parsed[2])

    app.action(ids.INCIDENT_DECLARE)(
        services.after_ack.listener(ack_only, declare_clicked, trigger_bound=True)
    )
    app.action(ids.INCIDENT_DECLARE_WITH)(
        services.after_ack.listener(ack_only, declare_with_clicked, trigger_bound=True)
    )

    @acks_safely(services.tr_for)
    def declare_submitted(ack, body, view):
        actor = actor_of(body)
        tr = services.tr_for(actor.user_id)
        parsed = _ids(view.get("private_metadata"), 1) or _ids(view.get("private_metadata"), 2)
        if parsed is None:
            ack()
            return
        title = field_value(state_values(view), ids.NOTE_BLOCK, ids.NOTE_ACTION)
        also = parsed[1] if len(parsed) == 2 else None
        try:
            incidents.declare(actor, title, from_ticket=parsed[0], also=also)
        except InvalidInput as error:
            ack(response_action="errors", errors=field_errors(tr, {ids.NOTE_BLOCK: error.errors["title"]}))
            return
        except TicketError as error:
            ack(response_action="errors", errors={ids.NOTE_BLOCK: error_text(tr, error)})
            return
        ack()

    app.view(ids.INCIDENT_DECLARE_VIEW)(declare_submitted)

    # -- linking -----------------------------------------------------------------------------

    @logs_failures
    def link_to_clicked(body, action, client):
        parsed = _ids(action.get("value"), 3)  # ticket, version, the incident
        if parsed is None:
            return
        try:
            incidents.link(actor_of(body), parsed[0], parsed[2])
        except TicketError as error:
            refuse(client, body, error, parsed[0], staff_only=True)
            return
        tr = services.tr_for(actor_of(body).user_id)
        number = format_number(parsed[0])
        tell(
            client, services, body, tr("incident.linked", ticket=number, incident=format_incident(parsed[2]))
        )

    app.action(ids.INCIDENT_LINK_TO)(services.after_ack.listener(ack_only, link_to_clicked))

    @logs_failures
    def link_clicked(body, action, client):
        ref = parse_ref(action.get("value"))
        if ref is None or not trigger_of(body):
            return
        actor = actor_of(body)
        tr = services.tr_for(actor.user_id)
        try:
            ticket = incidents.check_may_link(actor, ref.ticket_id)
        except TicketError as error:
            refuse(client, body, error, ref.ticket_id, staff_only=True)
            return
        open_ones = incidents.open_incidents(ticket.id)
        if not open_ones:
            tell(client, services, body, tr("incident.none_open"))
            return
        client.views_open(trigger_id=trigger_of(body), view=link_view(tr, ticket, open_ones))

    app.action(ids.INCIDENT_LINK)(services.after_ack.listener(ack_only, link_clicked, trigger_bound=True))

    @acks_safely(services.tr_for)
    def link_submitted(ack, body, view):
        actor = actor_of(body)
        tr = services.tr_for(actor.user_id)
        ticket = _ids(view.get("private_metadata"), 1)
        chosen = _ids(field_value(state_values(view), ids.INCIDENT_PICK_BLOCK, ids.INCIDENT_PICK_ACTION), 1)
        if ticket is None:
            ack()
            return
        if chosen is None:
            ack(response_action="errors", errors={ids.INCIDENT_PICK_BLOCK: tr("error.required")})
            return
        try:
            incidents.link(actor, ticket[0], chosen[0])
        except TicketError as error:
            words = tr("incident.staff_only") if isinstance(error, NotAllowed) else error_text(tr, error)
            ack(response_action="errors", errors={ids.INCIDENT_PICK_BLOCK: words})
            return
        ack()

    app.view(ids.INCIDENT_LINK_VIEW)(link_submitted)

    # -- taking out --------------------------------------------------------------------------

    def taking_out(change, staff_only: bool, done_key: str | None):
        @logs_failures
        def clicked(body, action, client):
            ref = parse_ref(action.get("value"))
            if ref is None:
                return
            actor = actor_of(body)
            before = None
            with contextlib.suppress(TicketError):  # the change below refuses it
                before = incidents.tickets.get(ref.ticket_id, actor.user_id).incident
            try:
                change(actor, ref.ticket_id)
            except TicketError as error:
                refuse(client, body, error, ref.ticket_id, staff_only=staff_only)
                return
            if done_key and before is not None:
                tr = services.tr_for(actor.user_id)
                words = tr(done_key, ticket=format_number(ref.ticket_id), incident=before.number)
                tell(client, services, body, words)

        return clicked

    app.action(ids.INCIDENT_UNLINK)(
        services.after_ack.listener(ack_only, taking_out(incidents.unlink, True, None))
    )
    app.action(ids.INCIDENT_KEEP_OUT)(
        services.after_ack.listener(ack_only, taking_out(incidents.keep_out, False, "incident.kept_out"))
    )

    # -- the incident's tickets, a page at a time --------------------------------------------

    @logs_failures
    def list_clicked(body, action, client):
        parsed = _ids(action.get("value"), 1)
        actor = actor_of(body)
        if parsed is None or not trigger_of(body):
            return
        if not incidents.is_staff(actor.user_id):  # other people's tickets: staff only
            tell(client, services, body, services.tr_for(actor.user_id)("incident.staff_only"))
            return
        page = incidents.page(parsed[0], 1)
        client.views_open(trigger_id=trigger_of(body), view=list_view(services.tr_for(actor.user_id), page))

    app.action(ids.INCIDENT_LIST)(services.after_ack.listener(ack_only, list_clicked, trigger_bound=True))

    @logs_failures
    def page_clicked(body, action, client):
        parsed = parse_page(action.get("value"))
        view = obj(body.get("view"))
        actor = actor_of(body)
        if parsed is None or not string(view.get("id")) or not incidents.is_staff(actor.user_id):
            return
        page = incidents.page(*parsed)
        shown = list_view(services.tr_for(actor.user_id), page)
        client.views_update(view_id=view["id"], view=shown)

    for action_id in (ids.INCIDENT_PAGE_PREVIOUS, ids.INCIDENT_PAGE_NEXT):
        app.action(action_id)(services.after_ack.listener(ack_only, page_clicked))
