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

from storage import attachments, inbound_mail
from storage.comment_edits import remember_message, taken_already
from storage.domain import NOTE_MAX, Actor, EventKind, Status, Visibility
from storage.errors import FileTooLarge, InvalidInput, NotAllowed
from storage.inbound_mail import Inbound
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


def files_line(files) -> str:
    """The text of a message that was only files: a comment all the same."""
    return "📎 " + ", ".join(f.name for f in files)


class Conversation(TicketCore):
    reopen_window: timedelta = REOPEN_WINDOW
    file_max_bytes: int = attachments.MAX_BYTES

    def comment(
        self, ticket_id: int, actor: Actor, text: str, line: Line, *, mail: Inbound | None = None
    ) -> Comment:
        """What `actor` wrote in the thread of the `line.audience` card of the ticket, with the
        files shared with it (`line.files`). A file over the size limit refuses the whole message
        (FileTooLarge): nothing is written. By email (`mail`: the message, recorded in the same
        transaction, `DuplicateMail` if it was before) the engineer's side is the engineer's or an
        admin's."""
        for file in line.files:
            if attachments.too_large(file.size, self.file_max_bytes):
                raise FileTooLarge(name=file.name, max_mb=self.file_max_bytes // attachments.MB)
        text = text.strip() or (files_line(line.files) if line.files else "")
        if not text:
            raise InvalidInput({"note": "error.required"})
        clipped = len(text) > NOTE_MAX
        if clipped:  # a Slack message may be far longer than a note: keep what fits
            text = text[: NOTE_MAX - 1] + "…"
        with self._changing(ticket_id) as (session, ticket):
            if mail is not None:
                inbound_mail.claim(session, mail.key, mail.message_id, ticket.id)
            else:
                taken = taken_already(session, line)
                if taken is not None:  # the same message delivered twice: one comment
                    return Comment(taken)
            if line.audience == REPORTER:
                allowed = actor.user_id == ticket.reporter_id
            elif line.audience == ENGINEER:
                allowed = actor.user_id == ticket.engineer_id
                allowed = allowed or (line.by_email and self.is_admin(actor.user_id))  # admins by email
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
            self.touch_user(session, actor)
            ticket.updated_at = now
            staff = self.is_staff_on(ticket, actor.user_id)
            if self.levels and visibility is Visibility.PUBLIC and staff:
                self.levels.responded(ticket, now)  # staff answering in public: the first response
            event = self._record(
                session, ticket, actor, EventKind.NOTE, note=text, visibility=visibility, line=line
            )
            attachments.record_pending(session, event, line.files)
            for file in mail.files if mail is not None else ():
                attachments.record(
                    session, event, file.filename, file.mimetype, file.data, max_bytes=self.file_max_bytes
                )
            if not line.by_email:
                remember_message(session, ticket, event, line)  # for its edits and deletion
            return Comment(event, reopened=reopened, clipped=clipped)
