"""Charts into Slack: the weekly report's two pictures, and a chart for each staff Home tab.

A leader-only job (every HOME_REFRESH_MINUTES) takes the Home figures and queues an outbox row
for each chart whose figures changed; the export dispatcher draws it (once per data hash),
uploads it with files_upload_v2 and stores its file id, which the Home draw then only reads.

Where the files go: Slack shows an image block's `slack_file` only if whoever publishes the
blocks has access to the file, and a viewer sees it only if the file is shared where they can
see it. So each chart is shared in a thread nobody follows (no channel noise, no badge after the
first message): the admins' in the triage channel (admins are in it), each engineer's in their
own DM with the app. A new file replaces the previous one, and the one before that is deleted
(files.delete) so the workspace does not fill up while a tab drawn minutes ago still shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import slack_errors
from bot.charts.report import VERSION, ChartCache, category_labels, report_pictures
from bot.config import Settings
from bot.dispatcher import Deliver, Permanent
from handlers.blocks.charts import alt_text, trend_lines
from handlers.blocks.incident_lists import week_lines
from handlers.services import Services
from handlers.text import escape
from storage import charts, outbox

log = logging.getLogger("ticketbot.charts")

HOME_DAYS = 14
HOME_REFRESH_MINUTES = 10  # the Home charts are at most this old (and redrawn only on change)
GONE = ("file_not_found", "file_deleted")  # a file already deleted is done with


class ChartDelivery:
    def __init__(
        self, client: WebClient, services: Services, settings: Settings, spool: Path | None = None
    ) -> None:
        self.client = client
        self.services = services
        self.settings = settings
        self.cache = ChartCache(spool)

    def install(self, scheduler, export_dispatcher, leader_only: Callable) -> None:
        """Deliverers on the export dispatcher (slow work, one row at a time: paced), the job."""
        export_dispatcher.deliverers.update(self.deliverers())
        scheduler.add_job(
            leader_only(self.refresh_homes),
            "interval",
            minutes=HOME_REFRESH_MINUTES,
            id="home-charts",
            coalesce=True,
            max_instances=1,
        )

    def deliverers(self) -> dict[str, Deliver]:
        return {
            outbox.SLACK_CHART: self.deliver_home,
            outbox.SLACK_REPORT_CHARTS: self.deliver_report,
            outbox.SLACK_FILE_DELETE: self.delete_file,
        }

    # -- the job -----------------------------------------------------------------------------------

    def home_figures(self, now: datetime) -> dict[str, tuple[str | None, charts.Trend]]:
        """key -> (engineer id or None for the admins', the figures)."""
        db, zone = self.services.db, self.settings.timezone
        wanted: dict[str, tuple[str | None, charts.Trend]] = {}
        if self.settings.admin_user_ids and self.settings.triage_channel_id:
            wanted[charts.ADMIN_HOME] = (None, charts.trend(db, now, zone, charts.DAY, HOME_DAYS))
        for engineer in self.services.people.engineers():
            trend = charts.trend(db, now, zone, charts.DAY, HOME_DAYS, engineer_id=engineer.user_id)
            wanted[charts.engineer_home_key(engineer.user_id)] = (engineer.user_id, trend)
        return wanted

    def refresh_homes(self, now: datetime | None = None) -> int:
        """Queue a row for each Home chart whose figures changed; returns how many."""
        now = now or self.services.tickets.clock()
        queued = 0
        for key, (user_id, trend) in self.home_figures(now).items():
            data = trend.to_dict()
            stored = charts.stored(self.services.db, key)
            if stored is not None and stored.data_hash == self._hash(key, user_id, data):
                continue
            with self.services.db.transaction() as session:
                outbox.enqueue(session, outbox.SLACK_CHART, {"key": key, "user_id": user_id, "trend": data})
            queued += 1
        return queued

    def _tr(self, user_id: str | None):
        """An engineer's chart speaks their language; the admins' one, shared, the workspace's."""
        return self.services.tr_for(user_id) if user_id else self.services.tr

    def _hash(self, key: str, user_id: str | None, data: dict[str, Any]) -> str:
        return charts.data_hash(VERSION, self._tr(user_id).language, key.split(":")[1], data)

    # -- delivery ----------------------------------------------------------------------------------

    def deliver_home(self, payload: dict[str, Any]) -> None:
        key, db, user_id = payload["key"], self.services.db, payload.get("user_id")
        tr = self._tr(user_id)
        digest = self._hash(key, user_id, payload["trend"])
        stored = charts.stored(db, key)
        if stored is not None and stored.data_hash == digest and stored.file_id:
            return  # a row queued twice for the same figures (a slow dispatcher): done already
        from bot.charts.render import trend_png  # matplotlib: in the delivery process only, when drawing

        trend = charts.Trend.from_dict(payload["trend"])
        png = self.cache.png(digest, lambda: trend_png(tr, trend))
        words = alt_text(trend_lines(tr, trend))
        channel, thread_ts = self._thread(key, user_id, stored)
        name = "home-chart.png"
        response = slack_errors.call_upload(
            self.client.files_upload_v2,
            channel=channel,
            thread_ts=thread_ts,
            content=png,
            filename=name,
            title=words.split(".")[0],
            alt_txt=words[:1000],
        )
        charts.save_upload(db, key, _file_id(response), digest, words)
        log.info("chart %s uploaded", key)

    def _thread(self, key: str, user_id: str | None, stored: charts.StoredChart | None) -> tuple[str, str]:
        """The quiet thread this chart's files go into: posted once, reused after."""
        if user_id is None:
            channel = self.settings.triage_channel_id
            if not channel:
                raise Permanent("TRIAGE_CHANNEL_ID is not set: nowhere the admins can see the chart")
        else:
            opened = slack_errors.call_upload(self.client.conversations_open, users=user_id)
            channel = opened["channel"]["id"]
        if stored is not None and stored.channel == channel and stored.thread_ts:
            return channel, stored.thread_ts
        posted = slack_errors.call_upload(
            self.client.chat_postMessage, channel=channel, text=self._tr(user_id)("chart.home_thread")
        )
        charts.save_thread(self.services.db, key, channel, posted["ts"])
        return channel, posted["ts"]

    def deliver_report(self, payload: dict[str, Any]) -> None:
        """The weekly report's two charts into the triage channel, beside its workbook."""
        tr = self.services.tr
        labels = category_labels(tr, self.settings)
        pictures = report_pictures(tr, payload, labels, self.cache)
        uploads = [
            {
                "content": p.png,
                "filename": f"{p.name}-{payload['week_of']}.png",
                "title": p.lines[0].rstrip("."),
                "alt_txt": alt_text(p.lines)[:1000],
            }
            for p in pictures
        ]
        comment = tr("chart.report_comment", week=payload["week_of"])
        incidents = week_lines(tr, payload.get("incidents"))  # rows of older versions have none
        if incidents:
            comment += "\n" + "\n".join(escape(line) for line in incidents)
        slack_errors.call_upload(
            self.client.files_upload_v2,
            channel=payload["channel"],
            file_uploads=uploads,
            initial_comment=comment,
        )

    def delete_file(self, payload: dict[str, Any]) -> None:
        try:
            self.client.files_delete(file=payload["file_id"])
        except SlackApiError as error:
            if error.response.get("error") in GONE:
                return
            raise slack_errors.classify(error) from error


def _file_id(response: Any) -> str:
    files = response.get("files") or [response.get("file") or {}]
    file_id = files[0].get("id")
    if not file_id:
        raise Permanent("files_upload_v2 answered without a file id")
    return file_id
