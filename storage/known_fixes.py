"""Known fixes: what solved a problem before, for whoever meets it again.

Two audiences, two things shown. Staff (the engineer's and the triage card) see "Solved before:
TKT-000012 — reinstalled the VPN profile": a ticket closed within KNOWN_FIX_DAYS that looks like
this one (storage.similar's scoring), with its resolution as written. Reporters see only a
`PublicFix`: the title and steps an engineer wrote up for them (`mark`, staff only) — never the
ticket it came from, its reporter, its resolution or its notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.domain import NOTE_MAX, TITLE_MAX, Actor, Status, format_number
from storage.errors import InvalidInput, NotAllowed, TicketError, TicketNotFound
from storage.known_fix_search import WRITTEN, PublicFix, Written, closed_matching, resolutions
from storage.known_issues import shares_a_word
from storage.models import KnownFix, Ticket
from storage.roles import REPORTER
from storage.similar import THRESHOLD, Suggestion, rank, score
from storage.similar_text import search_prefixes, words
from storage.tickets import TicketService

KNOWN_FIX_DAYS = 90
SOLVED_BEFORE = 2  # at most this many on a card


class NotClosed(TicketError):
    """Only a closed ticket has a resolution to write up."""

    code = "knownfix.not_closed"


@dataclass(frozen=True)
class SolvedBefore:
    """For staff: a resembling ticket closed lately, what solved it, where its triage card is."""

    ticket_id: int
    title: str
    resolution: str
    card: tuple[str, str] | None  # (channel, ts) of its triage card, for a link
    known_fix: bool  # written up for reporters too

    @property
    def number(self) -> str:
        return format_number(self.ticket_id)


@dataclass(frozen=True)
class Draft:
    """What the write-up modal starts from: the ticket, its resolution, the fix if written."""

    ticket_id: int
    number: str
    resolution: str
    title: str
    steps: str


class KnownFixes:
    def __init__(self, tickets: TicketService, days: int = KNOWN_FIX_DAYS) -> None:
        self.tickets = tickets
        self.db = tickets.db
        self.window = timedelta(days=days)

    # -- writing up (staff) ------------------------------------------------------------------

    def _closed_ticket(self, session: Session, actor: Actor, ticket_id: int) -> Ticket:
        if self.tickets.roles.role(actor.user_id, session) == REPORTER:
            raise NotAllowed()
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise TicketNotFound(number=ticket_id)
        if ticket.status != Status.CLOSED.value:
            raise NotClosed(number=ticket_id)
        return ticket

    def draft(self, actor: Actor, ticket_id: int) -> Draft:
        """Staff only, a closed ticket: the modal's starting point (its resolution as the steps)."""
        with self.db.read() as session:
            ticket = self._closed_ticket(session, actor, ticket_id)
            resolution = resolutions(session, [ticket.id]).get(ticket.id, "")
            fix = session.scalar(select(KnownFix).where(KnownFix.ticket_id == ticket.id))
            title = fix.title if fix else ticket.title
            return Draft(ticket.id, ticket.number, resolution, title, fix.steps if fix else resolution)

    def mark(self, actor: Actor, ticket_id: int, title: str, steps: str) -> KnownFix:
        """Write up (or rewrite) a closed ticket's fix for reporters. Staff only."""
        title, steps = title.strip(), steps.strip()
        errors = {}
        if not title:
            errors["title"] = "error.required"
        elif len(title) > TITLE_MAX:
            errors["title"] = "error.too_long"
        if not steps:
            errors["note"] = "error.required"
        elif len(steps) > NOTE_MAX:
            errors["note"] = "error.too_long"
        with self.db.transaction() as session:
            ticket = self._closed_ticket(session, actor, ticket_id)  # who may, before what was typed
            if errors:
                raise InvalidInput(errors)
            self.tickets.touch_user(session, actor)
            now = self.tickets.clock()
            fix = session.scalar(select(KnownFix).where(KnownFix.ticket_id == ticket.id))
            if fix is None:
                fix = KnownFix(ticket_id=ticket.id, created_at=now)
                session.add(fix)
            fix.title, fix.steps, fix.author_id, fix.updated_at = title, steps, actor.user_id, now
            session.flush()
            return fix

    # -- suggesting --------------------------------------------------------------------------

    def solved_before(self, ticket: Ticket, *, limit: int = SOLVED_BEFORE) -> list[SolvedBefore]:
        """For a staff card: tickets closed within the window (or written up as known fixes) that
        look like `ticket`, best first, with their resolutions."""
        return self.solved_before_each([ticket], limit=limit).get(ticket.id, [])

    def solved_before_each(
        self, tickets: Sequence[Ticket], *, limit: int = SOLVED_BEFORE
    ) -> dict[int, list[SolvedBefore]]:
        """`solved_before` for several tickets (a group of cards drawn together), with one search
        for the words of all of them."""
        probes = {t.id: (t, words(t.title, t.description)) for t in tickets}
        prefixes = sorted({p for _, probe in probes.values() for p in search_prefixes(probe)})
        if not prefixes:
            return {}
        since = self.tickets.clock() - self.window
        with self.db.read() as session:
            closed = closed_matching(session, prefixes, since, scale=len(probes))
            written: list[Written] = WRITTEN.read(self.db, session)
            cards = {c.id: card for c, card in closed} | {f.ticket.id: f.card for f in written}
            best: dict[int, list[Suggestion]] = {}
            for ticket, probe in probes.values():
                found = {c.id: c for c, _ in closed if c.id != ticket.id}
                for fix in written:  # at any age; only those sharing a word are scored
                    if fix.ticket.id != ticket.id and shares_a_word(probe, fix.ticket_words):
                        found.setdefault(fix.ticket.id, fix.ticket)
                best[ticket.id] = rank(
                    ticket.title, ticket.description, ticket.category, found.values(), limit=limit
                )
            notes = resolutions(session, sorted({s.ticket_id for found in best.values() for s in found}))
        written_up = {fix.ticket.id for fix in written}
        return {
            ticket_id: [
                SolvedBefore(
                    s.ticket_id,
                    s.title,
                    notes[s.ticket_id],
                    cards.get(s.ticket_id),
                    s.ticket_id in written_up,
                )
                for s in found
                if notes.get(s.ticket_id)
            ]
            for ticket_id, found in best.items()
        }

    def try_first(
        self, title: str, description: str = "", category: str = "", *, limit: int = 1
    ) -> list[PublicFix]:
        """For a reporter's words: the written-up fixes that match, best first. A fix matches by
        the words of the ticket it solved, or of its own title."""
        probe = words(title, description)
        if not probe.weights:
            return []
        with self.db.read() as session:
            written: list[Written] = WRITTEN.read(self.db, session)
        scored = []
        for fix in written:
            value = 0.0
            for other, other_category in ((fix.ticket_words, fix.category), (fix.title_words, "")):
                if shares_a_word(probe, other):
                    value = max(value, score(probe, category, other, other_category))
            if value >= THRESHOLD:
                scored.append((value, fix.public))
        scored.sort(key=lambda pair: (-pair[0], -pair[1].id))
        return [fix for _, fix in scored[:limit]]
