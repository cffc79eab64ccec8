"""The scheduler's jobs: the dispatchers' sweeps in every process; the outbox cleanup, the SLA
sweep, digests, charts and the IMAP poll in the leader only (`leader_only` wraps those)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.charts.delivery import ChartDelivery
from bot.config import Settings
from bot.delivery_wiring import Delivery
from bot.digests import MISFIRE_GRACE, Digests
from bot.imap_poll import ImapPoller, MailHandler
from bot.imap_poll import install as install_imap_poll
from bot.slack_clients import web_client
from handlers.services import Services
from storage import outbox, sla_sweep
from storage.db import Database

log = logging.getLogger("ticketbot")

MailHandlerFactory = Callable[[Services, Settings], MailHandler]
LeaderOnly = Callable[[Callable], Callable]


def sweep_outbox(db: Database) -> None:
    deleted, dead = outbox.sweep(db)
    if deleted:
        log.info("outbox sweep: deleted %s delivered rows older than a week", deleted)
    if dead:
        log.error("%s outbox rows are dead (never delivered): see `ticketbot outbox list --dead`", dead)


def sweep_sla(services: Services, settings: Settings) -> None:
    """Warn about tickets at risk, breached, unanswered or unassigned: each once (storage.sla_sweep)."""
    minutes = settings.unassigned_reminder_minutes
    sla_sweep.run(services.tickets, services.tickets.clock(), timedelta(minutes=minutes) if minutes else None)


def install_jobs(
    scheduler: BackgroundScheduler,
    leader_only: LeaderOnly,
    settings: Settings,
    services: Services,
    delivery: Delivery,
    mail_handler: MailHandlerFactory,
) -> ImapPoller | None:
    """Every job on the scheduler; returns the IMAP poller when IMAP_HOST is set."""
    db, dispatcher, export_dispatcher = services.db, delivery.dispatcher, delivery.export_dispatcher
    scheduler.add_job(
        dispatcher.kick, "interval", seconds=settings.dispatch_interval, id="outbox-sweep", coalesce=True
    )
    scheduler.add_job(
        export_dispatcher.kick,
        "interval",
        seconds=settings.dispatch_interval,
        id="export-sweep",
        coalesce=True,
    )
    scheduler.add_job(
        leader_only(lambda: sweep_outbox(db)),
        "interval",
        minutes=10,
        id="outbox-cleanup",
        coalesce=True,
    )
    scheduler.add_job(
        leader_only(lambda: sweep_sla(services, settings)),
        "interval",
        seconds=settings.sla_sweep_seconds,
        id="sla-sweep",
        coalesce=True,
        max_instances=1,
    )
    # Daily digest, engineers' morning DMs, weekly report: their deliverers and cron jobs.
    digests = Digests(web_client(settings, retries=False), services, settings)
    dispatcher.deliverers.update(digests.deliverers())
    export_dispatcher.deliverers.update(digests.report_deliverers())
    for job in digests.jobs():
        scheduler.add_job(
            leader_only(job.run),
            job.trigger,
            id=job.id,
            coalesce=True,
            misfire_grace_time=MISFIRE_GRACE,
            max_instances=1,
        )
    # Charts: the weekly report's and the Home tabs', drawn and uploaded beside the exports.
    charts = ChartDelivery(delivery.export_client, services, settings)
    charts.install(scheduler, export_dispatcher, leader_only)
    if settings.imap is None:
        return None
    # Email in by IMAP: the leader reads the mailbox.
    poller = ImapPoller(settings.imap, mail_handler(services, settings), max_bytes=settings.mail_max_bytes)
    install_imap_poll(scheduler, leader_only, poller)
    return poller
