"""Assembly: one place builds the database, services, Bolt app, dispatcher and scheduler
(the deliverers and dispatchers in bot/delivery_wiring.py, the scheduler's jobs in bot/jobs.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from bot.config import Settings
from bot.delivery_wiring import wire_delivery
from bot.dispatcher import Dispatcher
from bot.export_delivery import ExportDelivery
from bot.imap_poll import ImapPoller, MailHandler
from bot.jobs import MailHandlerFactory, install_jobs
from bot.mail_in import MailIn
from bot.slack_clients import web_client
from exports.service import ExportService
from handlers.i18n import Translator
from handlers.malformed import MalformedPayloads
from handlers.services import Services
from handlers.surfaces import register_all
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


class _TokenIsTheClients(logging.Filter):
    """Bolt warns "`token` will be unused" whenever SLACK_BOT_TOKEN is set and a client is given;
    the client it means is built from that very token, so every start logged a false alarm."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.App").addFilter(_TokenIsTheClients())


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

    delivery = wire_delivery(settings, services)
    runtime = Runtime(
        settings,
        services,
        app,
        delivery.dispatcher,
        BackgroundScheduler(timezone="UTC"),
        Leadership(db.engine),
        delivery.export_dispatcher,
        delivery.export_delivery,
    )
    runtime.imap_poller = install_jobs(
        runtime.scheduler, runtime.leader_only, settings, services, delivery, mail_handler
    )
    return runtime
