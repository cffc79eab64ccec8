"""The ticket as a conversation: a message written in the thread of one of its cards is a
comment on it (a NOTE event), public or internal by whose card it is under.

The reporter's DM card is the reporter's line to the helpdesk, the engineer's DM card the
engineer's line to the reporter (both public comments); the triage card's thread is the staff
room (internal notes). Who hears of it is storage.notifications' `relay` and the email plan.

Editing or deleting such a message later changes the comment and its relayed copy, never
writes a new one (storage.comment_edits).

A reply on a closed ticket is never dropped: within the reopen window it reopens the ticket;
after it, nothing is written and the caller offers a new ticket instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from storage.comment_edits import remember_message, taken_already
from storage.domain import NOTE_MAX, Actor, EventKind, Status, Visibility
from storage.errors import InvalidInput, NotAllowed
from storage.models import Engineer, TicketEvent
from storage.notifications import ENGINEER, REPORTER, TRIAGE, Line
from storage.ticket_core import TicketCore

REOPEN_WINDOW = timedelta(days=7)  # REOPEN_WINDOW_DAYS' default


@dataclass(frozen=True)
class Comment:
    event: TicketEvent | None  # None: the ticket was closed too long ago, nothing was written
    reopened: bool = False
    clipped: bool = False  # longer than NOTE_MAX: the rest was cut

    @property
    def too_late(self) -> bool:
        return self.event is None


class Conversation(TicketCore):
    reopen_window: timedelta = REOPEN_WINDOW

    def comment(self, ticket_id: int, actor: Actor, text: str, line: Line) -> Comment:
        """What `actor` wrote in the thread of the `line.audience` card of the ticket."""
        text = text.strip()
        if not text:
            raise InvalidInput({"note": "error.required"})
        clipped = len(text) > NOTE_MAX
        if clipped:  # a Slack message may be far longer than a note: keep what fits
            text = text[: NOTE_MAX - 1] + "…"
        with self._changing(ticket_id) as (session, ticket):
            taken = taken_already(session, line)
            if taken is not None:  # the same message delivered twice: one comment
                return Comment(taken)
            if line.audience == REPORTER:
                allowed = actor.user_id == ticket.reporter_id
            elif line.audience == ENGINEER:
                allowed = actor.user_id == ticket.engineer_id
            else:  # the triage channel: admins, and engineers (any: it is the staff room)
                allowed = self.is_staff_on(ticket, actor.user_id) or session.get(Engineer, actor.user_id)
            if not allowed:
                raise NotAllowed()
            visibility = Visibility.INTERNAL if line.audience == TRIAGE else Visibility.PUBLIC
            reopened = False
            now = self.clock()
            if ticket.status_enum is Status.CLOSED and line.audience == REPORTER:
                closed_at = ticket.closed_at or ticket.updated_at
                if now - closed_at > self.reopen_window:
                    return Comment(None)
                self._move(session, ticket, Status.OPEN, actor, None)  # engineer and triage told
                reopened = True
            self._touch_user(session, actor)
            ticket.updated_at = now
            staff = self.is_staff_on(ticket, actor.user_id)
            if self.levels and visibility is Visibility.PUBLIC and staff:
                self.levels.responded(ticket, now)  # staff answering in public: the first response
            event = self._record(
                session, ticket, actor, EventKind.NOTE, note=text, visibility=visibility, line=line
            )
            remember_message(session, ticket, event, line)  # for its edits and deletion
            return Comment(event, reopened=reopened, clipped=clipped)
