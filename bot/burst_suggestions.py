"""Delivering bursts (storage.bursts): each filing's check (outbox.BURST_CHECK, database work
only), and the suggestion it may record (outbox.SLACK_BURST_SUGGESTION): posted once in the
triage channel, then redrawn in place as tickets join and when an incident is declared from it.
Its posts and updates draw on the triage channel's budgets like every other triage post."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.dispatcher import Deliver, Permanent
from bot.slack_pacing import Pacer
from handlers.blocks.bursts import burst_suggestion
from handlers.services import Services
from storage import bursts, outbox

log = logging.getLogger("ticketbot.slack")


class BurstSuggestions:
    def __init__(self, client: WebClient, services: Services, settings: Settings, pacer: Pacer) -> None:
        self.client = client
        self.services = services
        self.settings = settings
        self.pacer = pacer

    def deliverers(self) -> dict[str, Deliver]:
        return {outbox.BURST_CHECK: self.check, outbox.SLACK_BURST_SUGGESTION: self.sync}

    def check(self, payload: dict[str, Any]) -> None:
        count = self.settings.similar_burst_count
        if not count:
            return  # SIMILAR_BURST_COUNT=0: off
        window = timedelta(minutes=self.settings.similar_burst_minutes)
        found = bursts.check(self.services.db, payload["ticket_id"], count=count, window=window)
        if found is not None:
            log.info("ticket %s is part of burst suggestion %s", payload["ticket_id"], found)

    def sync(self, payload: dict[str, Any]) -> None:
        burst = bursts.burst(self.services.db, payload["suggestion_id"])
        if burst is None:
            return
        message = burst_suggestion(self.services.tr, burst).as_kwargs()  # the channel's language
        if burst.channel and burst.ts:
            try:
                self.pacer.call(self.client.chat_update, channel=burst.channel, ts=burst.ts, **message)
                return
            except Permanent as error:
                if "message_not_found" not in str(error):
                    raise
                log.warning("burst suggestion %s was deleted; posting it again", burst.id)
        channel = self.settings.triage_channel_id
        if not channel:
            raise Permanent("TRIAGE_CHANNEL_ID is not set")
        response = self.pacer.call(self.client.chat_postMessage, channel=channel, **message)
        bursts.remember(self.services.db, burst.id, response["channel"], response["ts"])
