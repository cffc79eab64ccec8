"""Splitting the outbox between dispatchers: exports are claimed apart from notifications."""

from __future__ import annotations

from datetime import timedelta

from storage import outbox
from storage.models import utcnow


def test_claim_filters_by_kind_and_leases_as_long_as_asked(db):
    with db.transaction() as session:
        outbox.enqueue(session, outbox.SLACK_TRIAGE_CARD, {"ticket_id": 1}, "triage:1")
        outbox.enqueue(session, outbox.SLACK_EXPORT, {"request_id": "a"})
        outbox.enqueue(session, outbox.SLACK_EVENT_REPLY, {"ticket_id": 1}, "triage:1")
        outbox.enqueue(session, outbox.SLACK_EXPORT_FAILED, {"user_id": "U1"})
    now = utcnow()
    exports = outbox.claim(db, "exporter", 1, now, kinds=outbox.EXPORT_KINDS, lease=timedelta(minutes=30))
    assert [r.kind for r in exports] == [outbox.SLACK_EXPORT]
    notifications = outbox.claim(db, "notifier", 50, now, exclude_kinds=outbox.EXPORT_KINDS)
    assert [r.kind for r in notifications] == [outbox.SLACK_TRIAGE_CARD]  # the reply waits for its card
    # The notifier's lease (2 minutes) expires long before the exporter's (30).
    later = now + timedelta(minutes=5)
    assert [r.kind for r in outbox.claim(db, "other", 50, later, exclude_kinds=outbox.EXPORT_KINDS)] == [
        outbox.SLACK_TRIAGE_CARD
    ]
    assert [r.kind for r in outbox.claim(db, "other", 50, later, kinds=outbox.EXPORT_KINDS)] == [
        outbox.SLACK_EXPORT_FAILED
    ]
