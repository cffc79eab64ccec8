"""Digests and reports: the daily digest to the triage channel, engineers' morning DMs, and the
weekly Excel report (uploaded to the triage channel, mailed to ADMIN_EMAILS).

The jobs only write outbox rows, each run once per period (`storage.scheduled.run_once`), so a
Slack or mail outage delays them but loses nothing, and two schedulers firing together send
one. Digest figures are computed by the job (a snapshot at DIGEST_TIME) and drawn at delivery.
The weekly report is the admin "all" export (`slack.export`) asked for by the bot itself; the
email rows write the same workbook again on the export dispatcher (once per process and week:
bot.report_email).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from slack_sdk import WebClient

from bot import slack_errors
from bot.charts.report import report_figures
from bot.config import Settings
from bot.cron import cron_trigger
from bot.dispatcher import Deliver
from bot.email.links import SlackLinks
from bot.email.smtp import Sender
from bot.report_email import ReportEmails
from exports.scope import ALL, ExportScope, filter_to_dict
from handlers.blocks.digest import daily_digest_message, engineer_summary_message
from handlers.services import Services
from storage import outbox
from storage.digest_payloads import DailyDigest, EngineerSummary
from storage.digests import daily_digest, engineer_summary, local_day
from storage.domain import SYSTEM_USER_ID
from storage.queries import TicketFilter, count_matching
from storage.scheduled import run_once

log = logging.getLogger("ticketbot.digests")

DAILY, DM, WEEKLY = "daily_digest", "digest_dm", "weekly_report"
# A digest a few minutes late (a restart, a busy scheduler) is still worth sending; a day late not.
MISFIRE_GRACE = 3600


class CronJob(NamedTuple):
    id: str
    run: Callable[[], object]
    trigger: BaseTrigger


class Digests:
    def __init__(
        self,
        client: WebClient,
        services: Services,
        settings: Settings,
        sender: Sender | None = None,
        spool: Path | None = None,
    ) -> None:
        self.client = client
        self.services = services
        self.settings = settings
        self.links = SlackLinks(client, settings.triage_channel_id)
        self.report_emails = ReportEmails(services, settings, sender, spool)  # bot.report_email

    @property
    def zone(self) -> str:
        return self.settings.timezone

    # -- wiring (bot.jobs adds these to its dispatchers and scheduler) -----------------------------

    def jobs(self) -> list[CronJob]:
        """The cron jobs in the workspace's zone (run by the leader only): none when switched off."""
        settings = self.settings
        jobs: list[CronJob] = []
        if settings.digest_time:
            hour, minute = (int(part) for part in settings.digest_time.split(":"))
            trigger = CronTrigger(hour=hour, minute=minute, timezone=self.zone)
            jobs.append(CronJob("daily-digest", self.morning, trigger))
        if settings.weekly_report_cron:
            trigger = cron_trigger(settings.weekly_report_cron, self.zone)
            jobs.append(CronJob("weekly-report", self.weekly_report, trigger))
        return jobs

    def deliverers(self) -> dict[str, Deliver]:
        return {outbox.SLACK_DIGEST: self.deliver_digest, outbox.SLACK_DIGEST_DM: self.deliver_summary}

    def report_deliverers(self) -> dict[str, Deliver]:
        return {outbox.EMAIL_REPORT: self.report_emails.deliver}

    # -- jobs ----------------------------------------------------------------------------------------

    def morning(self, now: datetime | None = None) -> None:
        """The digest and the engineers' DMs, on business days only (BUSINESS_HOURS): nobody
        reads a helpdesk digest on a Saturday, and Monday's covers the weekend."""
        now = now or self.services.tickets.clock()
        if not self.business_day(local_day(now, self.zone)):
            log.info("no digest today: not a business day (BUSINESS_HOURS)")
            return
        self.daily_digest(now)
        self.engineer_summaries(now)

    def business_day(self, day: date) -> bool:
        return day.weekday() in self.settings.service_levels.hours.days

    def previous_business_day(self, day: date) -> date:
        """The business day before `day` (the day before it when every day is one)."""
        for back in range(1, 8):
            if self.business_day(day - timedelta(days=back)):
                return day - timedelta(days=back)
        return day - timedelta(days=1)

    def daily_digest(self, now: datetime | None = None) -> bool:
        """Queue today's digest (about yesterday) for the triage channel; False if already queued."""
        now = now or self.services.tickets.clock()
        channel = self.settings.triage_channel_id
        if not channel:
            log.warning("no daily digest: TRIAGE_CHANNEL_ID is not set")
            return False
        # Since the previous digest's day: on a Monday after a Mon-Fri week, Friday to Sunday.
        figures = daily_digest(
            self.services.db, now, self.zone, self.previous_business_day(local_day(now, self.zone))
        )
        payload = {"channel": channel, "digest": figures.to_dict()}
        period = local_day(now, self.zone).isoformat()
        queued = run_once(
            self.services.db, DAILY, period, lambda s: outbox.enqueue(s, outbox.SLACK_DIGEST, payload)
        )
        log.info("daily digest for %s %s", period, "queued" if queued else "was already sent")
        return queued

    def engineer_summaries(self, now: datetime | None = None) -> int:
        """Queue each opted-in engineer's morning DM, once a day each; returns how many were queued."""
        now = now or self.services.tickets.clock()
        day = local_day(now, self.zone).isoformat()
        queued = 0
        for user_id in self.services.people.digest_subscribers():
            summary = engineer_summary(self.services.db, user_id, now)
            payload = {"user_id": user_id, "summary": summary.to_dict()}
            queued += run_once(
                self.services.db,
                DM,
                f"{day}:{user_id}",
                lambda s, p=payload: outbox.enqueue(s, outbox.SLACK_DIGEST_DM, p),
            )
        return queued

    def weekly_report(self, now: datetime | None = None) -> bool:
        """Queue this week's report: the "all" export into the triage channel, one email per
        address of ADMIN_EMAILS. False if this week's was already queued (or nothing to report)."""
        now = now or self.services.tickets.clock()
        settings = self.settings
        local = now.astimezone(ZoneInfo(self.zone))
        year, week, _ = local.isocalendar()
        period = f"{year}-W{week:02d}"
        week_of = (local.date() - timedelta(days=local.weekday())).isoformat()
        flt = TicketFilter()
        tickets = count_matching(self.services.db, ExportScope(ALL).narrow(flt))
        if not tickets:
            log.info("no weekly report for %s: there are no tickets yet", period)
            return False
        # The shape of exports.service.ExportService.request's payload, asked for by the bot itself.
        export = {
            "request_id": uuid.uuid4().hex,
            "user_id": SYSTEM_USER_ID,
            "scope": ALL,
            "filter": filter_to_dict(flt),
            "channel_id": settings.triage_channel_id,
            "response_url": None,
            "count": tickets,
            "requested_at": now.isoformat(),
            "week_of": week_of,
        }

        figures = report_figures(self.services.db, now, self.zone)  # the charts (bot.charts)

        def write(session) -> None:
            if settings.triage_channel_id:
                outbox.enqueue(session, outbox.SLACK_EXPORT, export)
                charts = {"channel": settings.triage_channel_id, "week_of": week_of, **figures}
                outbox.enqueue(session, outbox.SLACK_REPORT_CHARTS, charts)
            for address in settings.admin_emails:
                mail = {"to": address, "week_of": week_of, "period": period, "requested_at": now.isoformat()}
                mail["charts"] = figures
                outbox.enqueue(session, outbox.EMAIL_REPORT, mail)

        queued = run_once(self.services.db, WEEKLY, period, write)
        log.info("weekly report for %s %s", period, "queued" if queued else "was already sent")
        return queued

    # -- delivery ------------------------------------------------------------------------------------

    def deliver_digest(self, payload: dict[str, Any]) -> None:
        figures = DailyDigest.from_dict(payload["digest"])
        message = daily_digest_message(
            self.services.tr, figures, lambda line: self.links.message(line.triage_channel, line.triage_ts)
        )
        slack_errors.call(self.client.chat_postMessage, channel=payload["channel"], **message.as_kwargs())

    def deliver_summary(self, payload: dict[str, Any]) -> None:
        summary = EngineerSummary.from_dict(payload["summary"])
        message = engineer_summary_message(self.services.tr_for(payload["user_id"]), summary)  # their DM
        # A user id as channel: Slack posts in the app's DM with them.
        slack_errors.call(self.client.chat_postMessage, channel=payload["user_id"], **message.as_kwargs())
