"""Assembly: one place builds the database, services, Bolt app, dispatcher and scheduler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from bot.burst_suggestions import BurstSuggestions
from bot.charts.delivery import ChartDelivery
from bot.config import Settings
from bot.digests import MISFIRE_GRACE, Digests
from bot.dispatcher import Dispatcher
from bot.email.delivery import EmailDelivery
from bot.export_delivery import ExportDelivery
from bot.file_delivery import FileDelivery
from bot.imap_poll import ImapPoller, MailHandler
from bot.imap_poll import install as install_imap_poll
from bot.incident_delivery import IncidentCards
from bot.mail_in import MailIn
from bot.slack_delivery import CARD_KINDS, SlackDelivery
from bot.slack_http import KeepAliveWebClient
from bot.slack_pacing import Pacer
from bot.slack_retries import listener_retries
from exports.service import ExportService
from handlers.i18n import Translator
from handlers.malformed import MalformedPayloads
from handlers.services import Services
from handlers.surfaces import register_all
from storage import outbox, sla_sweep
from storage.attachments import MB, Attachments
from storage.dashboards import Dashboards
from storage.db import Database
from storage.email_plan import MailPolicy
from storage.incidents import IncidentService
from storage.known_fixes import KnownFixes
from storage.leader import Leadership
from storage.people import People
from storage.roles import Roles
from storage.tickets import TicketService

log = logging.getLogger("ticketbot")


class _TokenIsTheClients(logging.Filter):
    """Bolt warns "`token` will be unused" whenever SLACK_BOT_TOKEN is set and a client is given;
    the client it means is built from that very token, so every start logged a false alarm."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.App").addFilter(_TokenIsTheClients())

EXPORT_LEASE = timedelta(
    minutes=30
)  # a million-ticket export takes minutes: no one else may take it meanwhile
EXPORT_UPLOAD_TIMEOUT = 300  # seconds for a Web API call or the upload of a large workbook
FILE_TIMEOUT = 120  # seconds for the upload of a file shared in a card's thread (FILE_MAX_MB)


def web_client(settings: Settings, *, retries: bool) -> KeepAliveWebClient:
    """Listeners retry a 429, a 5xx or a dropped connection on the spot, except that a call spending
    a trigger_id never sleeps first (bot/slack_retries.py; a `views.open` that did reach Slack cannot
    open twice: a trigger is single-use); the dispatcher leaves all that to the outbox's backoff (a
    sleeping retry there would hold up every other row)."""
    return KeepAliveWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=listener_retries() if retries else [],
    )


@dataclass
class Runtime:
    settings: Settings
    services: Services
    app: App
    dispatcher: Dispatcher
    scheduler: BackgroundScheduler
    leadership: Leadership
    export_dispatcher: Dispatcher | None = None  # exports only: slow work apart from notifications
    export_delivery: ExportDelivery | None = None
    imap_poller: ImapPoller | None = None  # email in by IMAP (IMAP_HOST), run by the leader

    @property
    def db(self) -> Database:
        return self.services.db

    def start_background(self) -> None:
        """Start delivering notifications: the dispatcher thread and the APScheduler jobs."""
        self.dispatcher.start()
        if self.export_dispatcher is not None:
            self.export_dispatcher.start()
        if not self.scheduler.running:
            self.scheduler.start()

    def kick(self) -> None:
        """Deliver whatever is due now, exports too (another process's commit wrote rows)."""
        self.dispatcher.kick()
        if self.export_dispatcher is not None:
            self.export_dispatcher.kick()

    def stop(self) -> None:
        self.services.after_ack.stop()  # modals on their way still open
        if self.imap_poller is not None:
            self.imap_poller.stop()  # a poll in progress finishes its message in hand, takes no more
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.export_delivery is not None:
            self.export_delivery.cancel()
        if self.export_dispatcher is not None:
            self.export_dispatcher.stop()
        self.dispatcher.stop()
        self.leadership.release()
        self.db.dispose()

    def leader_only(self, job):
        """Wrap a scheduled job that must run in one process only (the leader)."""

        def run() -> None:
            if self.leadership.is_leader():
                job()

        run.__name__ = getattr(job, "__name__", "job")
        return run


def build_services(settings: Settings, db: Database) -> Services:
    """What the listeners and deliverers share: the ticket service, people, the translator."""
    roles = Roles(db, settings.admin_user_ids)
    tickets = TicketService(
        db,
        roles=roles,
        categories=settings.category_keys,
        levels=settings.service_levels,
        mail=MailPolicy(settings.admin_user_ids, settings.admin_emails),
        reopen_window=timedelta(days=settings.reopen_window_days),
        file_max_bytes=settings.file_max_mb * MB,
    )
    return Services(
        workspace=settings.workspace,
        db=db,
        tickets=tickets,
        people=People(db),
        tr=Translator(settings.language),
        roles=roles,
        dashboards=Dashboards(db, roles),
        exports=ExportService(db, roles),
        incidents=IncidentService(tickets),
        attachments=Attachments(db, settings.file_max_mb * MB),
        known_fixes=KnownFixes(tickets, days=settings.known_fix_days),
    )


def share_client(app: App) -> None:
    """Listeners get the app's keep-alive client, not the plain WebClient Bolt makes for each
    request (one new connection, and against slack.com one TLS handshake, per `views.open`).
    Sharing is safe here: one workspace, one bot token never changed by a listener, and the
    client keeps a connection per thread."""

    @app.middleware
    def shared_client(context, next) -> None:  # Bolt passes the arguments by name
        context["client"] = app.client
        next()


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


MailHandlerFactory = Callable[[Services, Settings], MailHandler]


def mail_in_handler(services: Services, settings: Settings) -> MailHandler:
    """What takes each message read from the IMAP mailbox: bot.mail_in, as `ticketbot mail-in`."""
    return MailIn(services, settings, lambda: web_client(settings, retries=True)).take


def build(
    settings: Settings, db: Database | None = None, mail_handler: MailHandlerFactory = mail_in_handler
) -> Runtime:
    """`mail_handler`: what the IMAP poller hands each message to (tests give their own)."""
    db = db or Database.from_url(settings.database_url)
    services = build_services(settings, db)

    app = App(
        signing_secret=settings.slack_signing_secret or "socket-mode-needs-no-signing-secret",
        client=web_client(settings, retries=True),
        # Answer Slack as soon as the ack listener returns; Slack API calls run after it
        # (handlers/after_ack.py).
        process_before_response=True,
        token_verification_enabled=False,  # `ticketbot run` checks the token itself, with a clear message
        raise_error_for_unhandled_request=False,
        # Signed payloads Bolt itself cannot read get a 400, not a 500 (handlers/malformed.py).
        before_authorize=MalformedPayloads(),
    )
    share_client(app)
    register_all(app, services)

    # Slack's rate budgets, shared with every other delivery process through the database.
    pacer = Pacer(db, enabled=settings.slack_pacing)
    delivery = SlackDelivery(web_client(settings, retries=False), services, settings, pacer=pacer)
    email = EmailDelivery.build(services, settings, web_client(settings, retries=False), pacer=pacer)
    incident_cards = IncidentCards(web_client(settings, retries=False), services, settings)
    files_client = web_client(settings, retries=False)
    files_client.timeout = FILE_TIMEOUT
    files = FileDelivery(files_client, services, settings)
    burst_suggestions = BurstSuggestions(web_client(settings, retries=False), services, settings, pacer)
    deliverers = {
        **delivery.deliverers(),
        **email.deliverers(),
        **incident_cards.deliverers(),
        **files.deliverers(),
        **burst_suggestions.deliverers(),
    }
    dispatcher = Dispatcher(
        db,
        deliverers,
        max_attempts=settings.outbox_max_attempts,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        exclude_kinds=outbox.EXPORT_KINDS,
        # Several changes to one card pending: one redraw (storage.outbox_pacing). Incident cards
        # and burst suggestions too: a declare linking 30 tickets redraws its card once.
        mergeable=CARD_KINDS | {outbox.SLACK_INCIDENT_CARD, outbox.SLACK_BURST_SUGGESTION},
        on_dead=files.on_dead,  # files that will never come: an email waiting for them leaves
    )
    dispatcher.on_idle(email.tidy)
    dispatcher.on_prepare(delivery.prepare)
    dispatcher.on_prepare(email.prepare)
    db.on_commit(dispatcher.kick)
    export_client = web_client(settings, retries=False)
    export_client.timeout = EXPORT_UPLOAD_TIMEOUT
    export_delivery = ExportDelivery(export_client, services, settings)
    export_dispatcher = Dispatcher(
        db,
        export_delivery.deliverers(),
        max_attempts=settings.export_max_attempts,
        batch=1,  # each export is long: lease one at a time
        kinds=outbox.EXPORT_KINDS,
        lease=EXPORT_LEASE,
        on_dead=export_delivery.on_dead,
        name="export-dispatcher",
        concurrency=1,
    )
    db.on_commit(export_dispatcher.kick)

    scheduler = BackgroundScheduler(timezone="UTC")
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
    runtime = Runtime(
        settings,
        services,
        app,
        dispatcher,
        scheduler,
        Leadership(db.engine),
        export_dispatcher,
        export_delivery,
    )
    scheduler.add_job(
        runtime.leader_only(lambda: sweep_outbox(db)),
        "interval",
        minutes=10,
        id="outbox-cleanup",
        coalesce=True,
    )
    scheduler.add_job(
        runtime.leader_only(lambda: sweep_sla(services, settings)),
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
            runtime.leader_only(job.run),
            job.trigger,
            id=job.id,
            coalesce=True,
            misfire_grace_time=MISFIRE_GRACE,
            max_instances=1,
        )
    # Charts: the weekly report's and the Home tabs', drawn and uploaded beside the exports.
    ChartDelivery(export_client, services, settings).install(
        scheduler, export_dispatcher, runtime.leader_only
    )
    if settings.imap is not None:  # email in by IMAP: the leader reads the mailbox
        handler = mail_handler(services, settings)
        runtime.imap_poller = ImapPoller(settings.imap, handler, max_bytes=settings.mail_max_bytes)
        install_imap_poll(scheduler, runtime.leader_only, runtime.imap_poller)
    return runtime
