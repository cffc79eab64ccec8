"""Ticket cards carry message metadata (`ticket_created` when posted, `ticket_updated` when
redrawn) for workflows and other apps; the fake Slack checks its shape on every post."""

from __future__ import annotations

from storage.domain import Actor
from tests.handlers.kit import CARLOS, card_where, filed, staff, ticket
from tests.waiting import wait_until


def metadata_of(h, where: tuple[str, str]) -> dict:
    return h.fake.message(*where).get("metadata") or {}


def test_cards_are_posted_as_ticket_created_and_redrawn_as_ticket_updated(harness):
    staff(harness)
    ticket_id = filed(harness)
    triage = card_where(harness.db, "triage", ticket_id)
    assert metadata_of(harness, triage) == {
        "event_type": "ticket_created",
        "event_payload": {
            "number": "TKT-000001",
            "ticket_id": ticket_id,
            "status": "open",
            "priority": "high",
            "engineer": "",
            "audience": "triage",
        },
    }
    harness.services.tickets.assign(ticket_id, CARLOS, Actor("U0ADMIN"))
    engineer = card_where(harness.db, "engineer", ticket_id)

    def redrawn() -> dict | None:
        found = metadata_of(harness, triage)
        return found if found["event_payload"]["engineer"] == CARLOS else None

    updated = wait_until(redrawn, what="the redrawn triage card")
    assert updated["event_type"] == "ticket_updated"
    assert updated["event_payload"]["status"] == ticket(harness.db, ticket_id).status
    mine = metadata_of(harness, engineer)
    assert (mine["event_type"], mine["event_payload"]["audience"]) == ("ticket_created", "engineer")
    harness.runtime.dispatcher.drain()
    assert harness.fake.violations == []
