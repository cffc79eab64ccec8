"""The ticket domain's vocabulary and its one transition table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

LANGUAGES = ("en", "es")  # the catalogs' languages, in the order each message gives them


@dataclass(frozen=True)
class Category:
    """A ticket category (TICKET_CATEGORIES): its stored key and, for one the operator named, a label."""

    key: str
    label: str | None = None  # None: take the label from the language catalog


class Status(str, Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


# Every status but closed, spelled out: `status IN (…)` reads an index range of the few tickets
# still being worked, where `status != 'closed'` would walk past every closed one.
NOT_CLOSED_STATUSES = (Status.OPEN.value, Status.IN_PROGRESS.value, Status.ON_HOLD.value)


class Priority(str, Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Higher is more urgent; queues sort on it."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.LOW: 0, Priority.MEDIUM: 1, Priority.HIGH: 2, Priority.CRITICAL: 3}


class EventKind(str, Enum):
    CREATED = "created"
    ASSIGNED = "assigned"
    STATUS = "status"
    NOTE = "note"
    CLOSED = "closed"
    REOPENED = "reopened"
    # Written by the scheduled sweeps (actor: SYSTEM_USER_ID), internal: the reporter is not told.
    SLA_AT_RISK = "sla_at_risk"  # 75 % of the resolution target spent
    SLA_BREACHED = "sla_breached"  # resolution target passed
    RESPONSE_LATE = "response_late"  # no first response within its target
    UNASSIGNED = "unassigned"  # nobody took it within UNASSIGNED_REMINDER_MINUTES
    FEEDBACK = "feedback"  # the reporter answered "Was your problem solved?"


class Visibility(str, Enum):
    PUBLIC = "public"  # the reporter sees it
    INTERNAL = "internal"  # engineers and admins only (the seed's "notas internas")


# Open → In progress → On hold → In progress → Closed; Closed → reopened (back to Open).
# Closing straight from Open or On hold is allowed too: a duplicate or a problem that solved
# itself should not need two clicks through In progress.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.IN_PROGRESS, Status.ON_HOLD, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.ON_HOLD, Status.CLOSED}),
    Status.ON_HOLD: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.OPEN}),
}


def can_transition(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


# The author of what the bot does on its own (SLA warnings, reminders). Lower case, so no Slack
# user id can ever be equal to it; it has a users row like any actor (foreign keys need one).
SYSTEM_USER_ID = "ticketbot"


@dataclass(frozen=True)
class Actor:
    """Who acts, as Slack told us (the id is trusted: it comes from a signed request)."""

    user_id: str
    name: str = ""


SYSTEM_ACTOR = Actor(SYSTEM_USER_ID, "ticketbot")

# How long what people type may be (the ticket service checks; the forms say so up front).
TITLE_MAX = 150
DESCRIPTION_MAX = 3000
NOTE_MAX = 3000

TICKET_PREFIX = "TKT-"


def format_number(ticket_id: int) -> str:
    return f"{TICKET_PREFIX}{ticket_id:06d}"


def parse_number(text: str) -> int | None:
    """`TKT-000042`, `tkt-42`, `#42` or `42` → 42; anything else → None."""
    value = text.strip().upper().lstrip("#")
    if value.startswith(TICKET_PREFIX):
        value = value[len(TICKET_PREFIX) :]
    if not value.isdigit() or len(value) > 12:
        return None
    number = int(value)
    return number if number > 0 else None


INCIDENT_PREFIX = "INC-"


def format_incident(incident_id: int) -> str:
    """INC-3: incidents are few, so their numbers stay short (people say them aloud in an outage)."""
    return f"{INCIDENT_PREFIX}{incident_id}"


def parse_incident(text: str) -> int | None:
    """`INC-3`, `inc-3`, `INC-0003` → 3; anything else (a bare number too: it could be a ticket) → None."""
    value = text.strip().upper()
    if not value.startswith(INCIDENT_PREFIX):
        return None
    value = value[len(INCIDENT_PREFIX) :]
    if not value.isdigit() or len(value) > 12 or int(value) == 0:
        return None
    return int(value)


class IncidentStatus(str, Enum):
    """Investigating → identified → monitoring → resolved; any order before resolved (an outage
    is not tidy), nothing after it."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class CsatOutcome(str, Enum):
    """The reporter's answer to "Was your problem solved?" (tickets.csat_outcome)."""

    SOLVED = "solved"
    REOPENED = "reopened"


CSAT_RATINGS = range(1, 6)  # 1 to 5 stars
