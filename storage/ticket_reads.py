"""Reading tickets as someone may see them: one ticket, its history, a reporter's list."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.domain import Visibility
from storage.errors import TicketNotFound
from storage.models import Ticket, TicketEvent
from storage.ticket_core import TicketCore


class TicketReads(TicketCore):
    def get(self, ticket_id: int, viewer: str) -> Ticket:
        """The ticket if `viewer` may see it: its reporter, its engineer, or an admin."""
        with self.db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None or not self._may_view(session, ticket, viewer):
                raise TicketNotFound(number=ticket_id)
            return ticket

    def history(self, ticket_id: int, viewer: str) -> list[TicketEvent]:
        """Events `viewer` may see, oldest first: internal notes only for staff on the ticket."""
        with self.db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None or not self._may_view(session, ticket, viewer):
                raise TicketNotFound(number=ticket_id)
            query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
            if not self.is_staff_on(ticket, viewer):
                query = query.where(TicketEvent.visibility == Visibility.PUBLIC.value)
            return list(session.scalars(query))

    def reported_by(self, user_id: str, limit: int = 20) -> tuple[list[Ticket], int]:
        """A reporter's tickets, newest first, and how many there are in all."""
        with self.db.read() as session:
            tickets = session.scalars(
                select(Ticket).where(Ticket.reporter_id == user_id).order_by(Ticket.id.desc()).limit(limit)
            ).all()
            total = session.scalar(
                select(func.count()).select_from(Ticket).where(Ticket.reporter_id == user_id)
            )
            return list(tickets), int(total or 0)

    def filed_from(self, channel: str, ts: str) -> Ticket | None:
        """The ticket already filed from the Slack message at (channel, ts), if any."""
        with self.db.read() as session:
            query = select(Ticket).where(Ticket.source_channel == channel, Ticket.source_ts == ts)
            return session.scalars(query.order_by(Ticket.id).limit(1)).first()
