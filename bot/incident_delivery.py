"""Delivering an incident's card (outbox kind slack.incident_card): posted in the triage channel
once, then redrawn in place (chat.update) as tickets are linked and its status moves."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.dispatcher import Deliver, Permanent
from bot.slack_errors import call
from handlers.blocks.incidents import incident_card
from handlers.services import Services
from storage import outbox
from storage.errors import IncidentNotFound

log = logging.getLogger("ticketbot.slack")


class IncidentCards:
    def __init__(self, client: WebClient, services: Services, settings: Settings) -> None:
        self.client = client
        self.services = services
        self.settings = settings

    def deliverers(self) -> dict[str, Deliver]:
        return {outbox.SLACK_INCIDENT_CARD: self.sync}

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
