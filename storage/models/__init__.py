"""SQLAlchemy 2 typed models. The schema itself is created by the Alembic migrations.

One module per concern (people, tickets, conversation, incidents, delivery; what they share in
base); this index re-exports every model so `from storage.models import Ticket` works
everywhere, and importing it registers every table on `Base.metadata` (Alembic's env, the
schema test). The modules never import this index: imports go one way, into the package.
"""

from storage.models.base import TICKET_WORDS, Base, BigId, UTCDateTime, trigram_index, utcnow
from storage.models.conversation import InboundMail, RelayedMessage, TicketAttachment
from storage.models.delivery import Chart, OutboxRow, ScheduledRun, SlackPace, TriageListing
from storage.models.incidents import BurstSuggestion, Incident, IncidentEvent, IncidentExclusion
from storage.models.people import Engineer, User
from storage.models.tickets import KnownFix, SlaAlert, Ticket, TicketEvent

__all__ = [
    "TICKET_WORDS",
    "Base",
    "BigId",
    "BurstSuggestion",
    "Chart",
    "Engineer",
    "InboundMail",
    "Incident",
    "IncidentEvent",
    "IncidentExclusion",
    "KnownFix",
    "OutboxRow",
    "RelayedMessage",
    "ScheduledRun",
    "SlaAlert",
    "SlackPace",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TriageListing",
    "UTCDateTime",
    "User",
    "trigram_index",
    "utcnow",
]
