"""The deliverers and the two dispatchers that hand them outbox rows: notifications, and exports
(slow work apart, one row at a time). `bot.app: build` wires them into the Runtime."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.burst_suggestions import BurstSuggestions
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.email.delivery import EmailDelivery
from bot.export_delivery import ExportDelivery
from bot.file_delivery import FileDelivery
from bot.incident_delivery import IncidentCards
from bot.slack_clients import web_client
from bot.slack_delivery import CARD_KINDS, SlackDelivery
from bot.slack_http import KeepAliveWebClient
from bot.slack_pacing import Pacer
from handlers.services import Services
from storage import outbox

EXPORT_LEASE = timedelta(
    minutes=30
)  # a million-ticket export takes minutes: no one else may take it meanwhile
EXPORT_UPLOAD_TIMEOUT = 300  # seconds for a Web API call or the upload of a large workbook
FILE_TIMEOUT = 120  # seconds for the upload of a file shared in a card's thread (FILE_MAX_MB)


@dataclass
class Delivery:
    dispatcher: Dispatcher
    export_dispatcher: Dispatcher
    export_delivery: ExportDelivery
    export_client: KeepAliveWebClient  # the charts upload beside the exports, with its timeout


def wire_delivery(settings: Settings, services: Services) -> Delivery:
    """Every deliverer on its dispatcher; each dispatcher woken by the commits that write rows."""
    db = services.db
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
    return Delivery(dispatcher, export_dispatcher, export_delivery, export_client)
