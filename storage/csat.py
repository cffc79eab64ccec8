"""Satisfaction (CSAT): "Was your problem solved?", asked of the reporter on each close.

A yes may be followed by a 1-5 rating (and comment), changeable while the ticket stays closed;
a no reopens the ticket. Each answer is a history event. The figures: storage.satisfaction.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.domain import CSAT_RATINGS, NOTE_MAX, Actor, CsatOutcome, EventKind, Status
from storage.errors import AlreadyAnswered, InvalidInput, InvalidTransition, NotAllowed, TicketNotFound
from storage.models import Ticket
from storage.ticket_core import TicketCore

KEEP = object()  # `rate(comment=KEEP)`: leave the comment as it is


class CsatAnswers(TicketCore):
    def preview_feedback(self, ticket_id: int, actor: Actor, *, rating: bool = False) -> Ticket:
        """Raise now what `not_solved` (or `rate`, with `rating`) would raise, changing nothing:
        a modal is only opened for an answer that can be given."""
        with self.db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise TicketNotFound(number=ticket_id)
            self._check_feedback(session, ticket, actor, rating=rating)
            return ticket

    def solved(self, ticket_id: int, actor: Actor) -> Ticket:
        """The reporter says yes: the problem is solved. A rating may follow (`rate`)."""
        with self._changing(ticket_id) as (session, ticket):
            self._check_feedback(session, ticket, actor)
            self.touch_user(session, actor)
            ticket.updated_at = ticket.csat_at = self.clock()
            ticket.csat_outcome = CsatOutcome.SOLVED.value
            self._record(session, ticket, actor, EventKind.FEEDBACK, new_value=CsatOutcome.SOLVED.value)
            return ticket

    def not_solved(self, ticket_id: int, actor: Actor, reason: str, comment: str | None = None) -> Ticket:
        """The reporter says no: the ticket is reopened (`reason` is the reopen's note, which the
        engineer and the triage thread are told) and the answer kept with their `comment`."""
        comment = self._comment(comment)
        if len(reason) > NOTE_MAX:  # a prefix and a comment of the maximum length
            reason = reason[: NOTE_MAX - 1] + "…"
        with self._changing(ticket_id) as (session, ticket):
            self._check_feedback(session, ticket, actor)
            self._move(session, ticket, Status.OPEN, actor, reason)
            ticket.csat_outcome = CsatOutcome.REOPENED.value
            ticket.csat_comment, ticket.csat_at = comment, ticket.updated_at
            outcome = CsatOutcome.REOPENED.value
            self._record(session, ticket, actor, EventKind.FEEDBACK, new_value=outcome, note=comment)
            return ticket

    def rate(self, ticket_id: int, actor: Actor, rating: int, comment: str | object | None = KEEP) -> Ticket:
        """A 1-5 rating (and comment) of a ticket its reporter said was solved; it may be changed
        while the ticket stays closed, each change a history event."""
        if rating not in CSAT_RATINGS:
            raise InvalidInput({"rating": "error.unknown_choice"})
        with self._changing(ticket_id) as (session, ticket):
            self._check_feedback(session, ticket, actor, rating=True)
            old_rating, old_comment = ticket.csat_rating, ticket.csat_comment
            new_comment = old_comment if comment is KEEP else self._comment(comment)  # type: ignore[arg-type]
            if (rating, new_comment) == (old_rating, old_comment):
                return ticket  # the same answer again: nothing to record
            self.touch_user(session, actor)
            ticket.updated_at = ticket.csat_at = self.clock()
            ticket.csat_rating, ticket.csat_comment = rating, new_comment
            self._record(
                session,
                ticket,
                actor,
                EventKind.FEEDBACK,
                old_value=str(old_rating) if old_rating else None,
                new_value=str(rating),
                note=new_comment if new_comment != old_comment else None,
            )
            return ticket

    def _check_feedback(
        self, session: Session, ticket: Ticket, actor: Actor, *, rating: bool = False
    ) -> None:
        """Only the reporter answers (not even an admin for them), only while it is closed, and
        yes or no once per close; a rating only after a yes."""
        if actor.user_id != ticket.reporter_id:
            if not self._may_view(session, ticket, actor.user_id):
                raise TicketNotFound(number=ticket.id)
            raise NotAllowed()
        if ticket.status != Status.CLOSED.value:
            raise InvalidTransition(status=ticket.status)
        if rating and ticket.csat_outcome != CsatOutcome.SOLVED.value:
            raise InvalidTransition(status=ticket.status)
        if not rating and (ticket.csat_outcome is not None or ticket.csat_via_id is not None):
            raise AlreadyAnswered(number=ticket.id)  # or asked on another ticket of theirs

    @staticmethod
    def _comment(comment: str | None) -> str | None:
        comment = (comment or "").strip() or None
        if comment and len(comment) > NOTE_MAX:
            raise InvalidInput({"note": "error.too_long"})
        return comment
