"""Bursts in the triage channel: many new tickets at once are announced in one list message.

The channel takes about one message a second. On an outage morning, when half the office files
"wifi is down" within a minute, posting each card in turn would show the last one minutes late.
So, before a group of rows is delivered (a dispatcher prepare hook), the new tickets waiting for
their first triage card that the channel cannot take right now are listed together in one
message — number, title, reporter, priority and an Assign menu each (handlers/blocks/triage_list.py)
— and recorded as listed (storage.triage_lists). Their own cards then follow at the channel's
pace and are each ticket's card as before: assignment, redraws and thread replies go there.

Admins never miss a ticket (each is listed, or carded, within seconds) and are not flooded: a
ticket is listed once, and lists come at most every LIST_GAP seconds unless LIST_FULL tickets
wait. Only rows this process has claimed are listed, so two processes never list one ticket.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.config import Settings
from bot.dispatcher import Deferred
from bot.slack_errors import call
from bot.slack_pacing import POST, Pacer
from handlers.blocks.triage_list import MAX_TICKETS, new_tickets
from handlers.services import Services
from storage import outbox, triage_lists
from storage.models import Ticket

log = logging.getLogger("ticketbot.slack")

MIN_LIST = 2  # one waiting ticket simply waits for its card
LIST_GAP = 5.0  # seconds between two lists of one channel…
LIST_FULL = MAX_TICKETS  # …unless this many tickets wait


class TriageBursts:
    def __init__(
        self,
        client: WebClient,
        services: Services,
        settings: Settings,
        pacer: Pacer,
        ticket: Callable[[int], Ticket],
        engineers: Callable[[], list],
    ) -> None:
        self.client = client
        self.services = services
        self.settings = settings
        self.pacer = pacer
        self._ticket = ticket  # SlackDelivery._ticket: read ahead for the group
        self._engineers = engineers
        self.listed: set[int] = set()  # tickets of the group already announced

    def prepare(self, rows: list[outbox.Claimed]) -> None:
        """Dispatcher hook (after SlackDelivery.prepare): list the group's waiting new tickets."""
        self.listed = set()
        channel = self.settings.triage_channel_id
        new = [
            row.payload["ticket_id"]
            for row in rows
            if row.kind == outbox.SLACK_TRIAGE_CARD and "ts" not in row.payload
        ]
        if not channel or not new:
            return
        tickets = [t for t in map(self._ticket, new) if not t.triage_ts]
        self.listed = triage_lists.listed(self.services.db, [t.id for t in tickets])
        waiting = [t for t in tickets if t.id not in self.listed]
        if len(waiting) < MIN_LIST or len(waiting) <= self.pacer.free(POST, channel):
            return  # the channel takes them as cards now
        last = triage_lists.last_listed_at(self.services.db, channel)
        if last is not None and self.pacer.clock() - last < LIST_GAP and len(waiting) < LIST_FULL:
            return  # they wait for their cards, or for the next list
        waiting.sort(key=lambda t: t.id)
        for start in range(0, len(waiting), MAX_TICKETS):
            if not self._announce(channel, waiting[start : start + MAX_TICKETS]):
                return

    def _announce(self, channel: str, tickets: list[Ticket]) -> bool:
        try:
            self.pacer.admit(POST, channel, queue=False)
        except Deferred:
            return False  # the channel is full: the tickets come back at its next free slot
        workspace = self.services.workspace
        message = new_tickets(self.services.tr, tickets, self._engineers(), workspace.specialty_for)
        try:
            response = self.pacer.after(
                POST,
                channel,
                lambda: call(self.client.chat_postMessage, channel=channel, **message.as_kwargs()),
            )
        except Exception:
            log.warning("could not list %s new tickets in the triage channel", len(tickets), exc_info=True)
            return False
        ids = [t.id for t in tickets]
        triage_lists.record(self.services.db, ids, response["channel"], response["ts"], self.pacer.clock())
        self.listed.update(ids)
        log.info("listed %s new tickets in one triage message: %s", len(ids), [t.number for t in tickets])
        return True
