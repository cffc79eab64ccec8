"""Assigning from the triage card's (or an admin Home tab's) engineer picker."""

from __future__ import annotations

from slack_bolt import App

from handlers import ids
from handlers.answers import answer_refusal, tell
from handlers.edge import ack_only, logs_failures
from handlers.home_tabs import HomeTabs
from handlers.payload import actor_of, selected_value
from handlers.refs import parse_assign
from handlers.services import Services
from storage.errors import NotAllowed, TicketError


def register(app: App, services: Services, homes: HomeTabs) -> None:
    @logs_failures
    def assign(body, action, client):
        parsed = parse_assign(selected_value(action))
        if parsed is None:
            return
        ref, engineer_id = parsed
        try:
            services.tickets.assign(ref.ticket_id, engineer_id, actor_of(body), expected_version=ref.version)
        except NotAllowed:
            tell(client, services, body, services.tr_for(actor_of(body).user_id)("assign.refused"))
            return
        except TicketError as error:
            answer_refusal(services, client, body, error, ref.ticket_id)
        # The triage card and the DMs are redrawn by the outbox; a Home tab is ours to redraw.
        services.after_ack.may_sleep(homes.republish_after, client=client, body=body)

    # Trigger-bound: a refusal on an admin's Home tab is told in a modal.
    app.action(ids.ASSIGN)(services.after_ack.listener(ack_only, assign, trigger_bound=True))
