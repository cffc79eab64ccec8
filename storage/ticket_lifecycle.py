"""The ticket lifecycle: assign, move along the transition table, note, warn (the SLA sweeps).

Each public method is one transaction: the change, its `TicketEvent` and its notifications
commit together or not at all (storage.ticket_core).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import card_history, notifications
from storage.card_history import CardChange
from storage.domain import NOTE_MAX, SYSTEM_ACTOR, Actor, EventKind, Status, Visibility, can_transition
from storage.errors import InvalidInput, InvalidTransition, NotAllowed, StaleTicket, TicketNotFound
from storage.models import Engineer, SlaAlert, Ticket, TicketEvent
from storage.ticket_core import TicketCore


class TicketLifecycle(TicketCore):
    def assign(
        self, ticket_id: int, engineer_id: str, actor: Actor, expected_version: int | None = None
    ) -> Ticket:
        if not self.is_admin(actor.user_id):
            raise NotAllowed()
        with self._changing(ticket_id) as (session, ticket):
            since = self._since_card(session, ticket, expected_version, actor, card_history.ASSIGN_CONFLICTS)
            engineer = session.get(Engineer, engineer_id)
            if engineer is None:
                raise InvalidInput({"engineer": "error.not_an_engineer"})
            if ticket.status == Status.CLOSED.value:
                if since is not None:  # closed under an old card: it shows what was, not this
                    raise StaleTicket(number=ticket.id)
                raise InvalidTransition(status=ticket.status)
            previous = ticket.engineer_id
            if previous == engineer_id:
                return ticket
            self.touch_user(session, actor)
            previous_card = None
            if ticket.engineer_dm_channel and ticket.engineer_dm_ts:
                previous_card = (ticket.engineer_dm_channel, ticket.engineer_dm_ts)
            # The new engineer gets a card of their own; the old one hears of it in its thread.
            ticket.engineer_dm_channel = ticket.engineer_dm_ts = None
            ticket.engineer_id = engineer_id
            ticket.updated_at = self.clock()
            self._record(
                session,
                ticket,
                actor,
                EventKind.ASSIGNED,
                old_value=previous,
                new_value=engineer_id,
                previous_card=previous_card,
            )
            return ticket

    def change_status(
        self,
        ticket_id: int,
        target: Status,
        actor: Actor,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> Ticket:
        """Move along the transition table. Closing needs a resolution note; reopening goes to Open."""
        return self.change_from_card(ticket_id, target, actor, note, expected_version).ticket

    def change_from_card(
        self, ticket_id: int, target: Status, actor: Actor, note: str | None, card_version: int | None
    ) -> CardChange:
        """`change_status` asked for on a card drawn at `card_version`: also says whether the
        ticket had moved on since (the clicker's own earlier click), so they can be told."""
        note = (note or "").strip() or None
        if note and len(note) > NOTE_MAX:
            raise InvalidInput({"note": "error.too_long"})
        if target in (Status.CLOSED, Status.ON_HOLD) and not note:
            # A resolution to close; a reason to put on hold (it stops the SLA clock).
            raise InvalidInput({"note": "error.required"})
        with self._changing(ticket_id) as (session, ticket):
            moved = self._check_change(session, ticket, target, actor, card_version)
            self._move(session, ticket, target, actor, note)
            return CardChange(ticket, moved)

    def close(
        self, ticket_id: int, actor: Actor, resolution: str, expected_version: int | None = None
    ) -> Ticket:
        return self.change_status(ticket_id, Status.CLOSED, actor, resolution, expected_version)

    def reopen(self, ticket_id: int, actor: Actor, reason: str | None = None) -> Ticket:
        return self.change_status(ticket_id, Status.OPEN, actor, reason)

    def add_note(self, ticket_id: int, actor: Actor, text: str, visibility: Visibility) -> TicketEvent:
        text = text.strip()
        if not text:
            raise InvalidInput({"note": "error.required"})
        if len(text) > NOTE_MAX:
            raise InvalidInput({"note": "error.too_long"})
        with self._changing(ticket_id) as (session, ticket):
            self._check_change(session, ticket, None, actor, None)
            return self.note_within(session, ticket, actor, text, visibility)

    def note_within(
        self, session: Session, ticket: Ticket, actor: Actor, text: str, visibility: Visibility
    ) -> TicketEvent:
        """A note, checks done, in the caller's transaction (storage.incidents: one update becomes
        a public note on every linked ticket, told to each reporter as any public note is)."""
        self._loaded(session, ticket)
        self.touch_user(session, actor)
        ticket.updated_at = self.clock()
        if self.levels and visibility is Visibility.PUBLIC:
            self.levels.responded(ticket, ticket.updated_at)  # only staff may add notes
        return self._record(session, ticket, actor, EventKind.NOTE, note=text, visibility=visibility)

    def close_within(self, session: Session, ticket: Ticket, actor: Actor, resolution: str) -> bool:
        """Close with `resolution` in the caller's transaction, the permission checked by the
        caller (storage.incidents): SLA, CSAT and every notification as for any close. False,
        changing nothing, for a ticket already closed."""
        if not can_transition(ticket.status_enum, Status.CLOSED):
            return False
        self._loaded(session, ticket)
        self._move(session, ticket, Status.CLOSED, actor, resolution)
        return True

    def alert(self, ticket_id: int, kind: EventKind, still_due: Callable[[Ticket], bool]) -> bool:
        """Record a scheduled warning (SLA at risk or breached, late response, unassigned) as an
        internal event by the system, once per ticket and kind; False if it was sent already or
        no longer applies (`still_due` re-checks the ticket inside this transaction)."""
        try:
            with self.db.transaction() as session:
                ticket = session.get(Ticket, ticket_id)
                if ticket is None or session.get(SlaAlert, (ticket_id, kind.value)) is not None:
                    return False
                if not still_due(ticket):
                    return False
                now = self.clock()
                session.add(SlaAlert(ticket_id=ticket_id, kind=kind.value, created_at=now))
                self.touch_user(session, SYSTEM_ACTOR)
                self._record(session, ticket, SYSTEM_ACTOR, kind, visibility=Visibility.INTERNAL, at=now)
                return True
        except IntegrityError:
            return False  # another process sent it in the same instant

    def preview_change(
        self, ticket_id: int, target: Status | None, actor: Actor, expected_version: int | None = None
    ) -> Ticket:
        """Raise now what `change_status(target)` (or `add_note`, for None) would raise, changing
        nothing: a modal asking for a resolution is only opened for a change that can happen."""
        with self.db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise TicketNotFound(number=ticket_id)
            self._check_change(session, ticket, target, actor, expected_version)
            return ticket

    def refresh_cards(self, ticket_id: int) -> None:
        """Redraw every Slack card of a ticket (after a stale click: the clicker's card was old)."""
        with self.db.transaction() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is not None:
                notifications.refresh_cards(session, ticket)

    def _check_change(
        self,
        session: Session,
        ticket: Ticket,
        target: Status | None,
        actor: Actor,
        expected_version: int | None,
    ) -> Status | None:
        """Who may (staff on it; its reporter only to reopen), then whether the card conflicts
        with what happened since (storage.card_history), then whether the move is legal — in that
        order, so a stranger learns nothing. Returns the status the ticket had moved on to since
        an old card, None if the card showed it."""
        current = ticket.status_enum
        # The reporter may ask to reopen; whether the ticket is closed is the transition table's call.
        allowed = self.is_staff_on(ticket, actor.user_id) or (
            target is Status.OPEN and actor.user_id == ticket.reporter_id
        )
        if not allowed:
            if not self._may_view(session, ticket, actor.user_id):
                raise TicketNotFound(number=ticket.id)
            raise NotAllowed()
        since = self._since_card(session, ticket, expected_version, actor, card_history.STATUS_CONFLICTS)
        if target is not None and not can_transition(current, target):
            if since is not None:  # e.g. a double click: the card asks for what it no longer shows
                raise StaleTicket(number=ticket.id)
            raise InvalidTransition(status=current.value, target=target.value)
        if since is None or card_history.shown_status(since, current) is current:
            return None
        return current
