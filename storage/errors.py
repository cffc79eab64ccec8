"""Typed domain errors; Slack handlers turn each into an ephemeral message or a modal error."""

from __future__ import annotations

from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError

# The database's own errors, as the floors above storage catch them (they import no SQLAlchemy).
DatabaseError = SQLAlchemyError  # any failure of the database or of the driver
DatabaseUnusable = OperationalError  # cannot connect, no such table, a locked file
DuplicateKey = IntegrityError  # a row with that key exists (another process wrote it first)
RefusedValue = DataError  # a value the database will never take (a NUL byte, out of range): no retry helps


class TicketError(Exception):
    """Base of every refusal the ticket service can give. `code` is an i18n key."""

    code = "error.generic"

    def __init__(self, message: str = "", **params: object) -> None:
        super().__init__(message or self.code)
        self.params = params


class TicketNotFound(TicketError):
    """Also raised for a ticket that exists but that the asker may not see: existence is not leaked."""

    code = "error.not_found"


class NotAllowed(TicketError):
    code = "error.not_allowed"


class InvalidTransition(TicketError):
    code = "error.invalid_transition"


class StaleTicket(TicketError):
    """Someone else changed the ticket between the card being drawn and the click."""

    code = "error.stale"


class InvalidInput(TicketError):
    """Field-level problems: `errors` maps a field name to an i18n key (with `params`)."""

    code = "error.invalid_input"

    def __init__(self, errors: dict[str, str], **params: object) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), **params)
        self.errors = errors


class AlreadyAnswered(TicketError):
    """The reporter already said whether this close solved their problem."""

    code = "csat.already_answered"


class IncidentNotFound(TicketError):
    code = "incident.not_found"


class AlreadyLinked(TicketError):
    """A ticket is part of at most one incident: unlink it from the other first."""

    code = "incident.already_linked"


class IncidentResolved(TicketError):
    """A resolved incident takes no more links, updates or status changes."""

    code = "incident.resolved"


class FileTooLarge(TicketError):
    """A file over FILE_MAX_MB: refused, and nothing of its message is written (`name`, `max_mb`)."""

    code = "error.file_too_large"


class AlreadyResolved(TicketError):
    """Resolving a resolved incident: a no-op, said so."""

    code = "incident.resolved_already"


class BurstDeclared(TicketError):
    """An incident was declared from this burst suggestion already."""

    code = "similar_burst.already_declared"


class NotJoinable(TicketError):
    """A receipt's Join INC-… pressed on a ticket that may no longer join it (closed since, or
    kept out of it by staff): storage.known_join."""

    code = "known.not_joinable"
