"""Bursts: N similar tickets filed within M minutes, none yet in an incident, are one problem
more often than not. The triage channel gets ONE suggestion for them ("5 tickets look like one
problem — declare an incident?") with a button that declares it with all of them linked.

Each filing writes an outbox row (outbox.BURST_CHECK, storage.notifications) in the one stream
outbox.BURSTS: the checks run one at a time, in filing order, whichever process delivers them,
so two checks never post two suggestions for one burst. `check` scores the tickets filed within
the window (`storage.similar.rank`, as the triage card's "Possibly the same as") and records the
burst in `burst_suggestions`: a new row, or, when some of its tickets are listed already in a
suggestion not yet declared, that row, grown. Either way a SLACK_BURST_SUGGESTION row (one stream
per suggestion) posts it, or redraws it in place (bot/burst_suggestions.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import outbox
from storage.db import Database
from storage.domain import TITLE_MAX, Actor, Status, format_number
from storage.errors import BurstDeclared, IncidentNotFound
from storage.incidents import IncidentService
from storage.models import BurstSuggestion, Incident, Ticket
from storage.similar import Candidate, rank

RECENT = 500  # the newest tickets of the window scored against a new one


def stream(suggestion_id: int) -> str:
    return f"burst:{suggestion_id}"


@dataclass(frozen=True)
class Member:
    id: int
    title: str
    incident_id: int | None

    @property
    def number(self) -> str:
        return format_number(self.id)


@dataclass(frozen=True)
class Burst:
    """A suggestion as its message shows it."""

    id: int
    tickets: tuple[Member, ...]
    channel: str | None
    ts: str | None
    incident: Incident | None  # declared from it

    @property
    def title(self) -> str:
        """The incident's title to offer: the title most of them share, else the first one's."""
        if not self.tickets:
            return ""
        counted = Counter(" ".join(t.title.split()).casefold() for t in self.tickets)
        common, times = counted.most_common(1)[0]
        if times > 1:
            title = next(t.title for t in self.tickets if " ".join(t.title.split()).casefold() == common)
        else:
            title = self.tickets[0].title
        return " ".join(title.split())[:TITLE_MAX]


def check(db: Database, ticket_id: int, *, count: int, window: timedelta) -> int | None:
    """After `ticket_id` was filed: are it and the open tickets like it filed within `window`
    of it, in no incident, `count` or more? Then record their suggestion (new, or the one some
    of them are in, grown) and ask for it to be drawn. Returns its id (None: no burst)."""
    with db.transaction() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.incident_id is not None or ticket.status == Status.CLOSED.value:
            return None
        filed = ticket.created_at
        rows = session.execute(
            select(
                Ticket.id, Ticket.title, Ticket.description, Ticket.category, Ticket.status, Ticket.created_at
            )
            .where(
                Ticket.created_at >= filed - window,
                Ticket.created_at <= filed + window,
                Ticket.id != ticket.id,
                Ticket.incident_id.is_(None),
                Ticket.status != Status.CLOSED.value,
            )
            .order_by(Ticket.id.desc())
            .limit(RECENT)
        ).all()
        found = rank(
            ticket.title, ticket.description, ticket.category, (Candidate(*r) for r in rows), limit=RECENT
        )
        members = {ticket.id} | {s.ticket_id for s in found}
        if len(members) < count:
            return None
        newest = max([filed] + [r.created_at for r in rows if r.id in members])
        suggestion = _joined(session, members, filed - window)
        if suggestion is None:
            suggestion = BurstSuggestion(ticket_ids=sorted(members), last_filed_at=newest)
            session.add(suggestion)
            session.flush()
        else:
            grown = sorted(set(suggestion.ticket_ids) | members)
            if grown == list(suggestion.ticket_ids):
                return suggestion.id  # nothing new to show
            suggestion.ticket_ids = grown
            suggestion.last_filed_at = max(suggestion.last_filed_at, newest)
        _redraw(session, suggestion.id)
        return suggestion.id


def _joined(session: Session, members: set[int], since) -> BurstSuggestion | None:
    """The suggestion, not yet declared and still within its window, listing any of `members`."""
    query = select(BurstSuggestion).where(
        BurstSuggestion.incident_id.is_(None), BurstSuggestion.last_filed_at >= since
    )
    for suggestion in session.scalars(query.order_by(BurstSuggestion.id)):
        if members & set(suggestion.ticket_ids):
            return suggestion
    return None


def _redraw(session: Session, suggestion_id: int) -> None:
    payload = {"suggestion_id": suggestion_id}
    outbox.write(session, outbox.SLACK_BURST_SUGGESTION, payload, stream(suggestion_id))


def burst(db: Database, suggestion_id: int) -> Burst | None:
    with db.read() as session:
        suggestion = session.get(BurstSuggestion, suggestion_id)
        if suggestion is None:
            return None
        rows = session.execute(
            select(Ticket.id, Ticket.title, Ticket.incident_id)
            .where(Ticket.id.in_(suggestion.ticket_ids))
            .order_by(Ticket.id)
        ).all()
        incident = session.get(Incident, suggestion.incident_id) if suggestion.incident_id else None
        return Burst(
            suggestion.id, tuple(Member(*r) for r in rows), suggestion.channel, suggestion.ts, incident
        )


def remember(db: Database, suggestion_id: int, channel: str, ts: str) -> None:
    """Where its message was posted: later redraws update it there."""
    with db.transaction() as session:
        suggestion = session.get(BurstSuggestion, suggestion_id)
        if suggestion is not None:
            suggestion.channel, suggestion.ts = channel, ts


def declare(incidents: IncidentService, actor: Actor, suggestion_id: int, title: str) -> tuple[Incident, int]:
    """Declare an incident (staff only) with every ticket the suggestion lists still open and in
    no incident linked; the suggestion then says which. Declared already: `BurstDeclared`."""
    shown = burst(incidents.db, suggestion_id)
    if shown is None:
        raise IncidentNotFound(number=suggestion_id)
    if shown.incident is not None:
        raise BurstDeclared(incident=shown.incident.number)

    def remember_incident(session: Session, incident: Incident) -> None:
        suggestion = session.scalars(
            select(BurstSuggestion).where(BurstSuggestion.id == suggestion_id).with_for_update()
        ).one()
        if suggestion.incident_id is not None:  # declared by someone else meanwhile: undo ours
            other = session.get(Incident, suggestion.incident_id)
            raise BurstDeclared(incident=other.number if other else "")
        suggestion.incident_id = incident.id
        _redraw(session, suggestion_id)

    ticket_ids: Sequence[int] = [t.id for t in shown.tickets]
    return incidents.declare_linking(actor, title, ticket_ids, then=remember_incident)
