"""The App Home tab and its buttons."""

from __future__ import annotations

from slack_bolt import App

from handlers import ids
from handlers.blocks.ticket_form import new_ticket_view
from handlers.dashboard import HomeTabs
from handlers.edge import acks_safely, logs_failures
from handlers.services import Services


def register(app: App, services: Services, homes: HomeTabs) -> None:
    tr = services.tr

    def ack_event(ack):
        ack()

    @logs_failures
    def publish_home(event, client):
        if event.get("tab", "home") != "home":
            return
        homes.publish(client, event["user"])  # by role: admin, engineer or reporter

    app.event("app_home_opened")(services.after_ack.listener(ack_event, publish_home))

    @acks_safely(tr)
    def ack_button(ack):
        ack()

    blank_form = new_ticket_view(tr, services.workspace.categories).to_dict()  # serialized once

    @logs_failures
    def open_modal(body, client):
        client.views_open(trigger_id=body["trigger_id"], view=blank_form)

    app.action(ids.HOME_NEW_TICKET)(services.after_ack.listener(ack_button, open_modal))
