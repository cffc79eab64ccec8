"""Delivering `slack.relayed_copy` rows: the copy a relay posted in the other side's thread,
brought to what its comment is now (storage.comment_edits) — redrawn with the edited text
(chat.update), or removed once the comment was deleted (chat.delete).

Drawn at delivery from the comment as it stands, so a row left late, or twice, shows the newest
text; the row follows the relay in its stream, so the copy exists by then (a relay that went
dead left no copy: nothing to change).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.dispatcher import Permanent
from bot.slack_errors import call
from handlers.blocks.replies import relayed_blocks
from handlers.i18n import Translator
from handlers.services import Services
from storage import read_ahead
from storage.comment_edits import copy_of
from storage.models import Ticket

log = logging.getLogger("ticketbot.slack")

GONE = "message_not_found"  # the copy was deleted already (a redelivered row, or by hand)


class RelayedCopies:
    def __init__(
        self,
        client: WebClient,
        services: Services,
        ticket: Callable[[int], Ticket],
        reader_tr: Callable[[Ticket, str], Translator],
        call: Callable[..., Any] = call,
    ) -> None:
        self.client = client
        self.services = services
        self.ticket = ticket
        self.reader_tr = reader_tr
        self.call = call  # a Pacer's: chat.update and chat.delete are Tier 3 (bot.slack_pacing)

    def deliver(self, payload: dict[str, Any]) -> None:
        copy = copy_of(self.services.db, payload["event_id"])
        if copy is None or copy.channel is None or copy.ts is None:
            return  # never posted: nothing to bring up to date
        where = {"channel": copy.channel, "ts": copy.ts}
        try:
            if copy.deleted:
                self.call(self.client.chat_delete, **where)
                return
            event = read_ahead.get_event(self.services.db, payload["event_id"])
            if event is None:
                raise Permanent(f"event {payload['event_id']} not found")
            ticket = self.ticket(payload["ticket_id"])
            tr = self.reader_tr(ticket, payload["audience"])
            message = relayed_blocks(tr, event, ticket, self.services.roles.admins, edited=True)
            self.call(self.client.chat_update, **where, **message.as_kwargs())
        except Exception as error:  # Retry or Permanent, from the SlackApiError behind it
            cause = error.__cause__
            if isinstance(cause, SlackApiError) and cause.response.get("error") == GONE:
                log.info("the relayed copy of event %s is gone already", payload["event_id"])
                return
            raise
