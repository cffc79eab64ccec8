"""The weekly report's email to each address of ADMIN_EMAILS (`email.report` rows, on the export
dispatcher): the "all" workbook attached, the charts inline (bot.charts.mail). The workbook is
written once per process and week, by the first row, and reused by the others."""

from __future__ import annotations

import hashlib
import html
import os
import tempfile
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from bot.charts.mail import report_email
from bot.charts.report import category_labels
from bot.config import Settings
from bot.email.attachments import Attachment, attach
from bot.email.compose import compose
from bot.email.inline import inline_images
from bot.email.render import EmailContent
from bot.email.smtp import Sender, sender_for
from exports.scope import ALL, ExportScope
from exports.workbook import ExportJob, write_workbook
from handlers.i18n import Translator
from handlers.services import Services
from storage.queries import TicketFilter


class ReportEmails:
    def __init__(
        self, services: Services, settings: Settings, sender: Sender | None = None, spool: Path | None = None
    ) -> None:
        self.services = services
        self.settings = settings
        self._sender = sender
        self.spool = spool or Path(tempfile.gettempdir()) / "ticketbot-reports"

    def deliver(self, payload: dict[str, Any]) -> None:
        settings, tr = self.settings, self.services.tr
        address = payload["to"]
        path = self._workbook(payload["period"])
        content = EmailContent(
            subject=tr("report.subject", week=payload["week_of"]),
            text=tr("report.body", when=payload["requested_at"][:16].replace("T", " "), bot=tr("report.bot")),
            html="",
        )
        content = EmailContent(content.subject, content.text, _html(content.text))
        images = []
        if payload.get("charts"):  # the report's pictures inline, their numbers in the text part
            content, images = report_email(tr, content, payload["charts"], category_labels(tr, settings))
        key = hashlib.sha1(address.lower().encode()).hexdigest()[:12]
        message_id = f"<report.{payload['period'].lower()}.{key}@{settings.mail_domain}>"
        body = compose(
            content,
            sender=settings.mail_from,
            to=("", address),
            reply_to=settings.mail_reply_to,
            message_id=message_id,
            root=message_id,  # a report starts no thread
            date=datetime.fromisoformat(payload["requested_at"]),
        )
        if images:
            inline_images(body, content.html, images)
        filename = f"{tr('report.filename')}-{payload['week_of']}.xlsx"
        message = attach(body, Attachment(filename, path.read_bytes()))
        sender = self._sender or sender_for(settings)
        try:
            sender.send(message, parseaddr(settings.mail_from)[1], address)
        finally:
            if self._sender is None:
                sender.tidy(final=True)  # a report a week: no connection worth keeping open

    def _workbook(self, period: str) -> Path:
        """This week's workbook for the emails: written by the first row, reused by the others."""
        path = self.spool / f"weekly-{period}.xlsx"
        if path.exists():
            return path
        self.spool.mkdir(parents=True, exist_ok=True)
        for old in self.spool.glob("weekly-*"):
            if not old.name.startswith(f"weekly-{period}."):  # last week's, never this week's
                old.unlink(missing_ok=True)
        settings = self.settings
        job = ExportJob(
            ExportScope(ALL),
            TicketFilter(),
            Translator(settings.language),
            settings.timezone,
            settings.categories,
        )
        partial = self.spool / f"weekly-{period}.{os.getpid()}.part.xlsx"
        write_workbook(self.services.db, job, partial)  # a failure is retried by the outbox
        partial.replace(path)
        return path


def _html(text: str) -> str:
    paragraphs = (html.escape(p).replace("\n", "<br>") for p in text.split("\n\n"))
    return "<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
