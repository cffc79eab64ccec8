"""Known issues: the open incident a reporter's words match, while they file ("Known issue: VPN
outage at Bogota (INC-3) — we are on it"), and filing a ticket that joins it.

An incident is matched by its title AND by the words of the tickets already linked to it (an
outage's title is short, "VPN down"; its tickets say it thirty ways), each scored as
storage.similar scores two tickets. Open incidents are few: the newest OPEN_READ are read with
the newest LINKED_READ tickets of each, in two indexed queries, and scored in Python; what was
read is kept until an incident changes (`Snapshot`).

What a reporter is shown of a match is its number and title only (`IncidentMatch`): never a
linked ticket, its reporter or its notes.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from storage.db import Database
from storage.domain import Actor, IncidentStatus, format_incident
from storage.incidents import IncidentService
from storage.models import Incident, IncidentEvent, Ticket
from storage.similar import THRESHOLD, score
from storage.similar_text import Words, words
from storage.tickets import NewTicket

OPEN_READ = 50  # newest open incidents considered (an outage mode has a handful)
LINKED_READ = 20  # newest linked tickets of each whose words match for it
# A receipt (message shortcut, reaction, email) names an incident only on a strong match: the
# reporter did not see it while typing and cannot say it is not theirs.
STRONG = THRESHOLD + 0.1


@dataclass(frozen=True)
class IncidentMatch:
    """An open incident as a reporter may see it: its number and its title (staff wrote it)."""

    id: int
    title: str
    score: float

    @property
    def number(self) -> str:
        return format_incident(self.id)


class Snapshot:
    """What every keystroke reads (the open incidents' words, the written-up fixes), kept per
    database and read again only when a one-row query says it changed: a modal's lookup then
    costs that query and the scoring, not a read of every text and its words."""

    def __init__(self, version: Select, load: Callable[[Session], object]) -> None:
        self.version, self.load = version, load
        self._lock = threading.Lock()
        self._kept: weakref.WeakKeyDictionary[Database, tuple[tuple, object]] = weakref.WeakKeyDictionary()

    def read(self, db: Database, session: Session):
        version = tuple(session.execute(self.version).one())
        with self._lock:
            kept = self._kept.get(db)
        if kept is not None and kept[0] == version:
            return kept[1]
        value = self.load(session)  # a change committed meanwhile has a newer version: read again
        with self._lock:
            self._kept[db] = (version, value)
        return value


def shares_a_word(probe: Words, other: Words) -> bool:
    """No concept or stem in common: the score is the category bonus at most, below THRESHOLD."""
    return not probe.weights.keys().isdisjoint(other.weights)


@dataclass(frozen=True)
class _Open:
    id: int
    title: str
    words: Words
    linked: tuple[tuple[Words, str], ...]  # its newest linked tickets' words and categories


def matching_incidents(
    db: Database,
    title: str,
    description: str = "",
    category: str = "",
    *,
    limit: int = 1,
    threshold: float = THRESHOLD,
) -> list[IncidentMatch]:
    """The open incidents (best first, at most `limit`) that `title` and `description` match."""
    probe = words(title, description)
    if not probe.weights:
        return []
    with db.read() as session:
        incidents: list[_Open] = _OPEN.read(db, session)
    found = []
    for incident in incidents:
        best = 0.0
        for other, other_category in ((incident.words, ""), *incident.linked):
            if shares_a_word(probe, other):
                best = max(best, score(probe, category, other, other_category))
        if best >= threshold:
            found.append(IncidentMatch(incident.id, incident.title, round(best, 3)))
    found.sort(key=lambda m: (-m.score, -m.id))
    return found[:limit]


def _load_open(session: Session) -> list[_Open]:
    query = (
        select(Incident.id, Incident.title)
        .where(Incident.status != IncidentStatus.RESOLVED.value)
        .order_by(Incident.id.desc())
        .limit(OPEN_READ)
    )
    incidents = [(row.id, row.title) for row in session.execute(query)]
    linked = _linked_words(session, [i for i, _ in incidents]) if incidents else {}
    return [
        _Open(
            incident_id,
            incident_title,
            words(incident_title),
            tuple((words(t, d), c) for t, d, c in linked.get(incident_id, ())),
        )
        for incident_id, incident_title in incidents
    ]


# Every change to an incident (declared, linked, unlinked, status, resolved) writes an event.
# Every change to an incident writes an event. Ids may commit out of order on PostgreSQL (a
# sequence hands them out before commit), so the count is in the version too: an event that
# commits late still changes it.
_OPEN = Snapshot(select(func.max(IncidentEvent.id), func.count(IncidentEvent.id)), _load_open)


def _linked_words(session: Session, incident_ids: Iterable[int]) -> dict[int, list[tuple[str, str, str]]]:
    """incident id → (title, description, category) of its newest LINKED_READ tickets."""
    newest = (
        func.row_number().over(partition_by=Ticket.incident_id, order_by=Ticket.id.desc()).label("newest")
    )
    inner = (
        select(Ticket.incident_id, Ticket.title, Ticket.description, Ticket.category, newest)
        .where(Ticket.incident_id.in_(list(incident_ids)))
        .subquery()
    )
    rows = session.execute(
        select(inner.c.incident_id, inner.c.title, inner.c.description, inner.c.category).where(
            inner.c.newest <= LINKED_READ
        )
    )
    found: dict[int, list[tuple[str, str, str]]] = {}
    for row in rows:
        found.setdefault(row.incident_id, []).append((row.title, row.description, row.category))
    return found


def file_joining(
    incidents: IncidentService,
    reporter: Actor,
    new: NewTicket,
    incident_id: int,
    filed_by: Actor | None = None,
) -> tuple[Ticket, bool]:
    """File the ticket and link it to `incident_id` in one transaction: the reporter said "this
    is my problem" in the filing modal. An incident resolved (or gone) since the modal showed it
    takes no more tickets: the ticket is filed on its own, as if the box was not ticked."""

    def join(session: Session, ticket: Ticket) -> None:
        incident = session.get(
            Incident, incident_id, with_for_update={"of": Incident}
        )  # not while it resolves
        if incident is None or incident.status == IncidentStatus.RESOLVED.value:
            return
        # The new ticket is a row INSERTed by a Core statement (storage.inserts), not one the
        # session saves: its link is written the same way.
        session.execute(update(Ticket).where(Ticket.id == ticket.id).values(incident_id=incident.id))
        incidents._link(session, incident, ticket, filed_by or reporter)

    return incidents.tickets.create(reporter, new, filed_by, then=join)
