"""Delivering `slack.files` rows: the files shared with a message in a ticket card's thread.

The listener only noted them (storage.attachments, `pending`, with the comment). Here, in the
delivery process, each is fetched with the bot token (bot.slack_download; a `check_file_info`
stub is asked of files.info first), stored with the ticket, then uploaded with files_upload_v2
into the thread of the card the comment was relayed to (`to`; none for a triage-thread note with
nobody assigned). The row runs in the relay's stream: after the relayed text, before the ✅.

A redelivered row does only what is left: a stored file is not fetched again, nor one uploaded
(`relayed_file_id`) uploaded twice. A file Slack will not give (404) is marked failed and its
writer told in their thread; the row goes dead with the reason. A server error is retried per
the outbox rules; once the row is dead (`on_dead`), the files still pending are marked failed,
so an email that waited for them leaves without them.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot import slack_errors
from bot.config import Settings
from bot.dispatcher import Deliver, Permanent
from bot.slack_download import TooLarge, download
from handlers.blocks.conversation import notice
from handlers.services import Services
from handlers.text import escape
from storage import outbox, read_ahead
from storage.attachments import MB, PENDING, STORED, Pending
from storage.cards import card_of
from storage.domain import format_number
from storage.models import Ticket

log = logging.getLogger("ticketbot.files")


class FileDelivery:
    def __init__(self, client: WebClient, services: Services, settings: Settings) -> None:
        self.client = client
        self.services = services
        self.settings = settings
        self.files = services.attachments

    def deliverers(self) -> dict[str, Deliver]:
        return {outbox.SLACK_FILES: self.deliver}

    def on_dead(self, row: outbox.Claimed, reason: str) -> None:
        if row.kind == outbox.SLACK_FILES:
            self.files.fail_pending(row.payload["event_id"])

    def deliver(self, payload: dict[str, Any]) -> None:
        ticket = read_ahead.get_ticket(self.services.db, payload["ticket_id"])
        if ticket is None:
            raise Permanent(f"ticket {payload['ticket_id']} not found")
        event_id = payload["event_id"]
        refused = []
        for file in self.files.of_event(event_id):
            if file.state == PENDING and not self._fetch(ticket, payload, file):
                refused.append(file.filename)
        to = payload.get("to")
        channel, thread_ts = card_of(ticket, to) if to else (None, None)
        if channel and thread_ts:
            for file in self.files.of_event(event_id):
                if file.state == STORED and not file.relayed_file_id:
                    self._upload(file, channel, thread_ts)
        if refused:
            raise Permanent(f"not fetched from Slack: {', '.join(refused)}")

    # -- fetching ------------------------------------------------------------------------------

    def _fetch(self, ticket: Ticket, payload: dict[str, Any], file: Pending) -> bool:
        """Fetch and store one file; False if it will never come (told to its writer)."""
        url, name, mimetype = file.url, file.filename, file.mimetype
        limit = self.files.max_bytes
        try:
            if not url:  # `file_access: check_file_info`: Slack tells the rest when asked
                info = slack_errors.call(self.client.files_info, file=file.slack_file_id)["file"]
                url = info.get("url_private_download") or info.get("url_private")
                name, mimetype = info.get("name") or name, info.get("mimetype") or mimetype
                if (info.get("size") or 0) > limit:
                    raise TooLarge()
                if not url:
                    raise Permanent("files.info gave no download URL")
            data, _ = download(
                url, self.client.token or "", limit, api_url=self.settings.slack_api_url, mimetype=mimetype
            )
        except TooLarge:
            self.files.fail(file.id)
            self._tell_writer(ticket, payload, "thread.file_not_kept", name=name, max_mb=limit // MB)
            return True  # refused by rule, not a delivery failure
        except Permanent as error:
            log.warning("file %s of event %s: %s", file.slack_file_id, payload["event_id"], error)
            self.files.fail(file.id)
            self._tell_writer(ticket, payload, "thread.file_failed", name=name)
            return False
        self.files.store(file.id, data, filename=name, mimetype=mimetype)
        return True

    def _tell_writer(self, ticket: Ticket, payload: dict[str, Any], key: str, **params: Any) -> None:
        channel, thread_ts = card_of(ticket, payload.get("from") or "")
        event = read_ahead.get_event(self.services.db, payload["event_id"])
        if not (channel and thread_ts and event):
            return
        tr = self.services.tr_for(event.actor_id)
        params["name"] = escape(str(params["name"]))
        said = notice(tr(key, number=format_number(ticket.id), **params))
        where = {"channel": channel, "thread_ts": thread_ts}
        slack_errors.call(self.client.chat_postMessage, **where, **said.as_kwargs())

    # -- passing on ----------------------------------------------------------------------------

    def _upload(self, file: Pending, channel: str, thread_ts: str) -> None:
        data = self.files.data_of([file.id]).get(file.id)
        if data is None:
            return
        response = slack_errors.call_upload(
            self.client.files_upload_v2,
            channel=channel,
            thread_ts=thread_ts,
            content=data,
            filename=file.filename,
            title=file.filename,
        )
        uploaded = response.get("file") or (response.get("files") or [{}])[0]
        self.files.relayed(file.id, str(uploaded.get("id") or "?"))
