"""Where a ticket's Slack cards live (channel and ts per audience), and the link back to the
message a ticket was filed from: written by the Slack deliverers after Slack has answered.

Neither is a change of the ticket: no version bump, so the buttons on the cards stay current.
"""

from __future__ import annotations

import functools

from sqlalchemy import Update, bindparam, update

from storage import notifications
from storage.db import Database
from storage.models import Ticket
from storage.notifications import ENGINEER, REPORTER, TRIAGE

# Which ticket columns hold each audience's card.
CARD_COLUMNS = {
    TRIAGE: ("triage_channel", "triage_ts"),
    REPORTER: ("reporter_dm_channel", "reporter_dm_ts"),
    ENGINEER: ("engineer_dm_channel", "engineer_dm_ts"),
}


def card_of(ticket: Ticket, audience: str) -> tuple[str | None, str | None]:
    """(channel, ts) of the audience's card, (None, None) while it has none."""
    channel_col, ts_col = CARD_COLUMNS[audience]
    return getattr(ticket, channel_col), getattr(ticket, ts_col)


def remember_card(db: Database, ticket: Ticket, audience: str, channel: str, ts: str) -> bool:
    """Store where the card lives; False if the ticket has another engineer by now."""
    # One Core UPDATE, on its own: storing where a card lives is not a change of the ticket
    # (no version bump), and neither the ORM's UPDATE, a Session nor a BEGIN … COMMIT around
    # it is needed (each cost more than the statement, twice per ticket filed).
    values = {"ticket_id": ticket.id, "channel": channel, "ts": ts}
    if audience == ENGINEER:  # never None here: a ticket without an engineer posts no card
        values["expected_engineer"] = ticket.engineer_id
    with db.single_statement() as connection:
        return connection.execute(_card_update(audience), values).rowcount > 0


@functools.cache
def _card_update(audience: str) -> Update:
    """UPDATE tickets SET <audience's card channel, ts> WHERE id = :ticket_id, built once per
    audience (building it for each card cost more CPU than running it). Bind names are no
    column's, so no value passed to it can turn into a SET."""
    channel_col, ts_col = CARD_COLUMNS[audience]
    tickets = Ticket.__table__
    query = tickets.update().where(tickets.c.id == bindparam("ticket_id"))
    if audience == ENGINEER:
        # Reassigned while this card was on its way: it belongs to the old engineer.
        query = query.where(tickets.c.engineer_id == bindparam("expected_engineer"))
    return query.values({channel_col: bindparam("channel"), ts_col: bindparam("ts")})


def remember_permalink(db: Database, ticket_id: int, permalink: str) -> None:
    """Store the link to the message a ticket was filed from, and redraw its cards with it."""
    # A Core UPDATE (no version bump: the card's buttons stay current), and the cards redrawn
    # with the link, in one transaction.
    with db.transaction() as session:
        session.execute(update(Ticket).where(Ticket.id == ticket_id).values(source_permalink=permalink))
        fresh = session.get(Ticket, ticket_id)
        if fresh is not None:
            notifications.refresh_cards(session, fresh)
