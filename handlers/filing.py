"""The filing modal's submission (`/ticket`, the Home tab's New ticket): files the ticket."""

from __future__ import annotations

from slack_bolt import App

from handlers import ids
from handlers.new_ticket import ack_filing, file_form, parse_new_ticket
from handlers.payload import actor_of
from handlers.services import Services


def register(app: App, services: Services) -> None:
    def file_ticket(ack, body, view):
        actor = actor_of(body)
        tr = services.tr_for(actor.user_id)
        ack_filing(ack, tr, lambda: file_form(services, actor, parse_new_ticket(view), view))

    app.view(ids.NEW_TICKET_VIEW)(file_ticket)
