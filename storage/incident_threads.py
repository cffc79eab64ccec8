"""The thread of an incident's card: what staff write there is an update, exactly as the card's
Post update modal posts one (storage.incidents: a public note on every open linked ticket, each
reporter told in their DM thread and by email), then ✅ on the message.

Which incident a thread hangs under is one indexed read of the card's (channel, ts) (migration
0019), asked only of a thread that is no ticket card's (storage.threads). A message becomes an
update once: its ts is kept on the update (unique per incident), so an Events API retry, even
one another process takes, posts nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import outbox
from storage.db import Database
from storage.domain import Actor, format_incident
from storage.incidents import IncidentService, card_stream
from storage.models import Incident, IncidentEvent
from storage.notifications import DELIVERED


@dataclass(frozen=True)
class CardThread:
    """The incident whose card a thread hangs under."""

    incident_id: int

    @property
    def number(self) -> str:
        return format_incident(self.incident_id)


def incident_of_card(db: Database, channel: str, thread_ts: str) -> CardThread | None:
    """The incident whose card is the message at (channel, thread_ts), if any."""
    if not channel or not thread_ts:
        return None
    with db.read() as session:
        found = session.scalar(
            select(Incident.id).where(Incident.triage_channel == channel, Incident.triage_ts == thread_ts)
        )
    return CardThread(int(found)) if found is not None else None


def post_from_thread(
    incidents: IncidentService, actor: Actor, incident_id: int, text: str, channel: str, ts: str
) -> int | None:
    """`actor` wrote `text` at (channel, ts) in the thread of the incident's card: post it as an
    update, with the rules of the modal's (staff only, NotAllowed; not on a resolved incident,
    IncidentResolved; blank or too long, InvalidInput), and ✅ on the message after the card is
    redrawn (the incident's stream). Returns how many tickets it went to; None when that message
    was posted already, changing nothing."""
    text = incidents.update_text(text)
    try:
        with incidents._changing(incident_id) as (session, incident):
            if _posted(session, incident_id, ts):
                return None
            told = incidents._update_within(session, incident, actor, text, message_ts=ts)
            reaction = {"channel": channel, "ts": ts, "name": DELIVERED}
            outbox.write(session, outbox.SLACK_REACTION, reaction, card_stream(incident_id))
            return told
    except IntegrityError:  # another process took the same message (a retry) meanwhile
        return None


def _posted(session: Session, incident_id: int, ts: str) -> bool:
    query = select(IncidentEvent.id).where(
        IncidentEvent.incident_id == incident_id, IncidentEvent.message_ts == ts
    )
    return session.scalar(query.limit(1)) is not None
