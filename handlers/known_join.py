"""Join INC-… on the reporter's receipt card: a ticket whose words match an open incident
strongly is told "Known issue: … — we are on it" on its reporter's DM card (bot.known_cards),
and the reporter may join it from there as they could have from the filing modal.

Who may and what is refused is the service's (storage.known_join): the reporter only, the
modal's rules. The clicker alone is told what happened (ephemeral); once joined, the cards
say "Part of INC-3" and the button is gone.
"""

from __future__ import annotations

from slack_bolt import App

from handlers import ids
from handlers.answers import tell
from handlers.edge import ack_only, error_text, logs_failures
from handlers.payload import actor_of, string
from handlers.services import Services
from storage.domain import format_incident, format_number
from storage.errors import NotAllowed, TicketError, TicketNotFound
from storage.known_join import join_from_receipt


def _ids(raw: object) -> tuple[int, int] | None:
    """`"42:3"` → (ticket id, incident id), else None."""
    values = string(raw).split(":")
    if len(values) != 2 or not all(v.isdigit() and 0 < len(v) <= 12 for v in values):
        return None
    return int(values[0]), int(values[1])


def register(app: App, services: Services) -> None:
    @logs_failures
    def join_clicked(body, action, client):
        parsed = _ids(action.get("value"))
        if parsed is None:
            return
        ticket_id, incident_id = parsed
        actor = actor_of(body)
        tr = services.tr_for(actor.user_id)
        names = {"ticket": format_number(ticket_id), "incident": format_incident(incident_id)}
        try:
            join_from_receipt(services.incidents, actor, ticket_id, incident_id)
        except (NotAllowed, TicketNotFound):  # read the same: a stranger learns nothing more
            tell(client, services, body, tr("known.join_reporter_only", **names))
            return
        except TicketError as error:
            tell(client, services, body, error_text(tr, error))
            return
        tell(client, services, body, tr("known.joined", **names))

    app.action(ids.KNOWN_JOIN)(services.after_ack.listener(ack_only, join_clicked))
