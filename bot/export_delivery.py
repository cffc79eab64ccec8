"""The export worker: writes the workbook asked for and uploads it into Slack (files_upload_v2).

Runs on a dispatcher of its own (`outbox.EXPORT_KINDS`), so a long export never holds up ticket
notifications. A failed upload is retried by the outbox; the workbook written for the first
attempt is kept in a spool folder and reused. When the row finally goes dead, the requester is
told in a DM (an ephemeral answer's response_url has expired by then).
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot import slack_errors
from bot.config import Settings
from bot.dispatcher import Deliver, Permanent, Retry
from exports.describe import describe_filter, describe_scope, ticket_count
from exports.scope import ExportScope, filter_from_dict
from exports.service import ExportRefused, scope_for
from exports.workbook import ExportJob, write_workbook
from handlers.i18n import Translator
from handlers.services import Services
from handlers.text import escape, slack_date
from storage import outbox
from storage.domain import SYSTEM_USER_ID
from storage.reports import name_of

log = logging.getLogger("ticketbot.exports")

SPOOL_MAX_AGE = 24 * 3600  # seconds a left-over workbook of a crashed process is kept


class ExportDelivery:
    def __init__(
        self, client: WebClient, services: Services, settings: Settings, spool: Path | None = None
    ) -> None:
        self.client = client
        self.services = services
        self.settings = settings
        self.exports = services.exports
        self.spool = spool or Path(tempfile.gettempdir()) / "ticketbot-exports"
        self._cancel = threading.Event()

    def deliverers(self) -> dict[str, Deliver]:
        return {outbox.SLACK_EXPORT: self.export, outbox.SLACK_EXPORT_FAILED: self.export_failed}

    def cancel(self) -> None:
        """Stop an export in progress (shutdown): it is retried later, by this or another process."""
        self._cancel.set()

    # -- the export ----------------------------------------------------------------------------

    def export(self, payload: dict[str, Any]) -> None:
        try:  # asked for earlier: an admin may have lost the role since
            scope = self.exports.authorize(payload["user_id"], payload["scope"])
        except ExportRefused as refused:
            raise Permanent(f"no longer allowed: {refused.code}") from None
        channel, note = self._destination(payload)
        meta = self._workbook(payload, scope)
        if note and payload.get("response_url") and not meta.get("told_moved"):
            self._respond(payload["response_url"], note)
            self._save_meta(payload, {**meta, "told_moved": True})
        tr = self.services.tr  # the workbook and its comment may land in a channel: the workspace's
        generated_at = datetime.fromisoformat(meta["generated_at"])
        comment = tr(
            "export.comment",
            scope=escape(meta["scope_text"]),
            filter=escape(meta["filter_text"]),
            tickets=ticket_count(tr, meta["tickets"]),
            when=slack_date(generated_at),
        )
        filename = f"{tr('export.filename')}-{payload['scope']}-{generated_at:%Y%m%d-%H%M}.xlsx"
        if payload.get("week_of"):  # the weekly report (bot.digests)
            comment = tr("report.weekly_comment", week=payload["week_of"]) + "\n" + comment
            filename = f"{tr('report.filename')}-{payload['week_of']}.xlsx"
        slack_errors.call_upload(
            self.client.files_upload_v2,
            channel=channel,
            file=str(self._path(payload)),
            filename=filename,
            title=filename.removesuffix(".xlsx"),
            initial_comment=comment,
        )
        self._forget(payload)

    def _destination(self, payload: dict[str, Any]) -> tuple[str, str | None]:
        """The channel where `all` was typed if the bot is a member, else the requester's DM.
        Returns it and, when the export had to move away from where it was asked for, why."""
        channel = payload.get("channel_id")
        if channel and payload["user_id"] == SYSTEM_USER_ID:
            return channel, None  # the weekly report: the triage channel, where the bot posts cards
        note = None
        if channel:
            try:
                info = slack_errors.call_upload(self.client.conversations_info, channel=channel)["channel"]
            except Permanent as refused:  # channel_not_found: a DM between people, a channel we cannot see
                info = {}
                if str(refused) == "missing_scope":
                    note = self._missing_scope(refused, channel, payload["user_id"])
            if info.get("is_member") and not info.get("is_im"):
                return channel, None
            if note is None and not info.get("is_im"):
                note = self.services.tr_for(payload["user_id"])("export.not_member")
        dm = slack_errors.call_upload(self.client.conversations_open, users=payload["user_id"])["channel"][
            "id"
        ]
        return dm, note

    def _missing_scope(self, refused: Permanent, channel: str, requester: str) -> str:
        """The word for a conversation the app may not even look at: the scope it lacks, named
        (Slack says which in `needed`), so the requester can tell an admin what to add."""
        cause = refused.__cause__
        response = cause.response if isinstance(cause, SlackApiError) else None
        needed = response.get("needed") if response is not None and isinstance(response.data, dict) else None
        if not isinstance(needed, str) or not needed:
            needed = "im:read" if channel.startswith("D") else "channels:read"
        log.warning("conversations.info on %s: missing scope %s (add it and reinstall)", channel, needed)
        return self.services.tr_for(requester)("export.missing_scope", scope=needed)

    def _workbook(self, payload: dict[str, Any], scope: ExportScope) -> dict[str, Any]:
        """Write the workbook, or find the one an earlier attempt wrote."""
        meta_path = self._path(payload).with_suffix(".json")
        if meta_path.exists() and self._path(payload).exists():
            return json.loads(meta_path.read_text())
        self._sweep()
        settings = self.settings
        job = ExportJob(
            scope,
            filter_from_dict(payload["filter"]),
            Translator(settings.language),
            settings.timezone,
            settings.categories,
        )
        result = write_workbook(self.services.db, job, self._path(payload), progress=self._progress)
        meta = {
            "tickets": result.tickets,
            "events": result.events,
            "generated_at": result.generated_at.isoformat(),
            "scope_text": result.scope_text,
            "filter_text": result.filter_text,
        }
        self._save_meta(payload, meta)
        log.info("export %s: %s tickets, %s events", payload["request_id"], result.tickets, result.events)
        return meta

    def _progress(self, done: int, expected: int) -> None:
        if self._cancel.is_set():
            raise Retry("export interrupted: the bot is shutting down")

    # -- telling the requester it failed ---------------------------------------------------------

    def on_dead(self, row: outbox.Claimed, reason: str) -> None:
        """An export row failed for the last time: drop its workbook, queue a word to the user."""
        if row.kind != outbox.SLACK_EXPORT:
            return
        self._forget(row.payload)
        if row.payload.get("user_id") == SYSTEM_USER_ID:
            log.error("the weekly report could not be uploaded: %s", reason)
            return  # nobody to tell in a DM
        fields = {k: row.payload.get(k) for k in ("user_id", "scope", "filter")}
        outbox.enqueue_alone(self.services.db, outbox.SLACK_EXPORT_FAILED, {**fields, "reason": reason[:500]})

    def export_failed(self, payload: dict[str, Any]) -> None:
        user_id = payload["user_id"]
        tr = self.services.tr_for(user_id)  # a DM to the requester
        name = name_of(self.services.db, user_id)
        scope = scope_for(user_id, payload["scope"])
        text = tr(
            "export.failed",
            scope=escape(describe_scope(tr, scope, name)),
            filter=escape(describe_filter(tr, filter_from_dict(payload["filter"]))),
        )
        slack_errors.call_upload(self.client.chat_postMessage, channel=user_id, text=text)

    # -- plumbing --------------------------------------------------------------------------------

    def _path(self, payload: dict[str, Any]) -> Path:
        return self.spool / f"{payload['request_id']}.xlsx"

    def _save_meta(self, payload: dict[str, Any], meta: dict[str, Any]) -> None:
        self._path(payload).with_suffix(".json").write_text(json.dumps(meta))

    def _forget(self, payload: dict[str, Any]) -> None:
        for path in (self._path(payload), self._path(payload).with_suffix(".json")):
            path.unlink(missing_ok=True)

    def _sweep(self) -> None:
        self.spool.mkdir(parents=True, exist_ok=True)
        for path in self.spool.iterdir():
            try:
                if time.time() - path.stat().st_mtime > SPOOL_MAX_AGE:
                    path.unlink()
            except OSError:
                pass  # another process swept it first

    def _respond(self, response_url: str, text: str) -> None:
        """An ephemeral word where the command was typed; a failure here is not worth a retry."""
        try:
            WebhookClient(response_url, timeout=10).send(
                text=text, response_type="ephemeral", replace_original=False
            )
        except Exception:
            log.exception("could not answer through the response_url")
