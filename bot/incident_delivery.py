"""Delivering an incident's card (outbox kind slack.incident_card): posted in the triage channel
once, then redrawn in place (chat.update) as tickets are linked and its status moves; and the
DM telling a resolved incident's owner that a ticket of it was reopened (slack.incident_notice)."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.dispatcher import Deliver, Permanent
from bot.slack_errors import call
from handlers.blocks.incidents import incident_card, reopened_notice
from handlers.services import Services
from storage import outbox, read_ahead
from storage.errors import IncidentNotFound

log = logging.getLogger("ticketbot.slack")


class IncidentCards:
    def __init__(self, client: WebClient, services: Services, settings: Settings) -> None:
        self.client = client
        self.services = services
        self.settings = settings

    def deliverers(self) -> dict[str, Deliver]:
        return {outbox.SLACK_INCIDENT_CARD: self.sync, outbox.SLACK_INCIDENT_NOTICE: self.notice}

    def notice(self, payload: dict[str, Any]) -> None:
        """The owner hears, in their language, which ticket came back and why; the card is redrawn."""
        try:
            incident = self.services.incidents.get(payload["incident_id"])
        except IncidentNotFound:
            return
        ticket = read_ahead.get_ticket(self.services.db, payload["ticket_id"])
        event = read_ahead.get_event(self.services.db, payload["event_id"])
        if ticket is None or event is None:
            raise Permanent(f"ticket {payload['ticket_id']} or its event is gone")
        message = reopened_notice(self.services.tr_for(incident.owner_id), incident, ticket, event)
        call(self.client.chat_postMessage, channel=incident.owner_id, **message.as_kwargs())
        self.sync({"incident_id": incident.id})

    def sync(self, payload: dict[str, Any]) -> None:
        incidents = self.services.incidents
        try:
            summary = incidents.summary(payload["incident_id"])
        except IncidentNotFound:
            return  # cannot happen (incidents are never deleted); nothing to draw
        incident = summary.incident
        # The triage channel's language, like the tickets' triage cards.
        message = incident_card(self.services.tr, summary).as_kwargs()
        if incident.triage_channel and incident.triage_ts:
            try:
                call(
                    self.client.chat_update, channel=incident.triage_channel, ts=incident.triage_ts, **message
                )
                return
            except Permanent as error:
                if "message_not_found" not in str(error):
                    raise
                log.warning("card of %s was deleted; posting it again", incident.number)
        if not self.settings.triage_channel_id:
            raise Permanent("TRIAGE_CHANNEL_ID is not set")
        response = call(self.client.chat_postMessage, channel=self.settings.triage_channel_id, **message)
        incidents.remember_card(incident.id, response["channel"], response["ts"])
