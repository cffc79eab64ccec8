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
from bot.dispatcher import Deferred, Permanent, Retry
from bot.slack_errors import call
from bot.slack_pacing import CHANNEL_INTERVAL, POST, Pacer
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
        self._ticket = ticket  # CardReads.ticket: read ahead for the group
        self._engineers = engineers
        self.listed: set[int] = set()  # tickets of the group already announced
        self.next_list_at: float | None = None  # the next list of waiting tickets (epoch seconds)
        self._left_over = False  # the last list was full and tickets were left: no gap

    def prepare(self, rows: list[outbox.Claimed]) -> None:
        """Dispatcher hook (after CardReads.prepare): when the group holds a new ticket's
        first triage card, list every new ticket waiting for one that the channel cannot take."""
        self.listed = set()
        self.next_list_at = None
        channel = self.settings.triage_channel_id
        new = [
            r.payload["ticket_id"]
            for r in rows
            if r.kind == outbox.SLACK_TRIAGE_CARD and "ts" not in r.payload
        ]
        if not channel or not new:
            return
        db = self.services.db
        waiting = triage_lists.waiting(db)
        self.listed = {i for i in new if i not in waiting}  # listed already (or carded meanwhile)
        if len(waiting) < MIN_LIST or len(waiting) <= self.pacer.free(POST, channel):
            return  # the channel takes them as cards now
        now = self.pacer.clock()
        last = triage_lists.last_listed_at(db, channel)
        if last is not None and now - last < LIST_GAP and len(waiting) < LIST_FULL and not self._left_over:
            self.next_list_at = last + LIST_GAP  # they wait for their cards, or for that list
            return
        self._left_over = False
        for start in range(0, len(waiting), MAX_TICKETS):
            chunk = waiting[start : start + MAX_TICKETS]
            if not self._announce(channel, chunk):
                # More than one list's worth, or the channel is full: the rest go in the next
                # list, at the channel's next free slot.
                self._left_over = start > 0
                self.next_list_at = now + CHANNEL_INTERVAL
                return

    def later(self, ticket_id: int, error: Deferred) -> Deferred:
        """A new ticket whose card the channel cannot take now: back with the others for the
        next list, when one is due, so that they are listed together."""
        if ticket_id in self.listed or self.next_list_at is None:
            return error
        return Deferred(
            f"{error} (waits for the next list)", max(error.seconds, self.next_list_at - self.pacer.clock())
        )

    def _announce(self, channel: str, ticket_ids: list[int]) -> bool:
        db = self.services.db
        try:
            self.pacer.admit(POST, channel, queue=False)
        except Deferred:
            return False  # the channel is full: the tickets come back at its next free slot
        if not triage_lists.reserve(db, ticket_ids, channel, self.pacer.clock()):
            return False  # another delivery process is listing them
        tickets = [self._ticket(i) for i in ticket_ids]
        workspace = self.services.workspace
        message = new_tickets(self.services.tr, tickets, self._engineers(), workspace.specialty_for)
        try:
            response = self.pacer.after(
                POST,
                channel,
                lambda: call(self.client.chat_postMessage, channel=channel, **message.as_kwargs()),
            )
        except (Deferred, Retry, Permanent) as error:
            # Slack's answer (a 429 now holds the channel): the tickets wait for the next list.
            triage_lists.unreserve(db, ticket_ids)
            log.warning("could not list %s new tickets in the triage channel: %s", len(tickets), error)
            return False
        except Exception:
            triage_lists.unreserve(db, ticket_ids)
            log.exception("could not list %s new tickets in the triage channel", len(tickets))
            return False
        triage_lists.posted(db, ticket_ids, response["ts"])
        self.listed.update(ticket_ids)
        log.info("listed %s new tickets in one triage message: %s", len(tickets), [t.number for t in tickets])
        return True
