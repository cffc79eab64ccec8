"""Who is emailed for which event: the policy on its own, no database needed."""

from __future__ import annotations

import pytest

from storage.email_plan import MailPolicy, Recipient, emails_for, recipient_key
from storage.models import Ticket, TicketEvent

ANA, CARLOS, MARIA, ADMIN = "U0REPORTER", "U0CARLOS", "U0MARIA", "U0ADMIN"
POLICY = MailPolicy(admin_user_ids=frozenset({ADMIN, "U0BOSS"}), admin_emails=("it@example.com",))


def ticket(engineer: str | None = CARLOS) -> Ticket:
    return Ticket(id=42, reporter_id=ANA, engineer_id=engineer, title="t", description="d", category="other")


def event(kind: str, actor: str, old=None, new=None, visibility="public") -> TicketEvent:
    return TicketEvent(id=7, kind=kind, actor_id=actor, old_value=old, new_value=new, visibility=visibility)


def planned(t: Ticket, e: TicketEvent, policy: MailPolicy = POLICY) -> list[tuple[str, dict]]:
    return [(template, r.as_payload()) for template, r in emails_for(t, e, policy)]


def test_a_new_ticket_mails_the_reporter_every_admin_and_the_extra_addresses():
    assert planned(ticket(None), event("created", ANA)) == [
        ("received", {"user": ANA}),
        ("new_ticket", {"user": "U0ADMIN"}),
        ("new_ticket", {"user": "U0BOSS"}),
        ("new_ticket", {"address": "it@example.com"}),
    ]


def test_an_admin_filing_a_ticket_gets_the_receipt_only():
    t = Ticket(id=1, reporter_id=ADMIN, title="t", description="d", category="other")
    assert [to for _, to in planned(t, event("created", ADMIN))].count({"user": ADMIN}) == 1


def test_without_a_policy_only_the_reporter_hears_of_a_new_ticket():
    assert planned(ticket(None), event("created", ANA), MailPolicy()) == [("received", {"user": ANA})]


@pytest.mark.parametrize(
    ("e", "expected"),
    [
        (event("assigned", ADMIN, None, CARLOS), [("assigned", {"user": CARLOS})]),
        (
            event("assigned", ADMIN, CARLOS, MARIA),
            [("assigned", {"user": MARIA}), ("reassigned", {"user": CARLOS})],
        ),
        (event("status", CARLOS, "open", "in_progress"), [("status", {"user": ANA})]),
        (event("status", CARLOS, "in_progress", "on_hold"), [("status", {"user": ANA})]),
        (event("reopened", ADMIN, "closed", "open"), [("status", {"user": ANA})]),
        (event("closed", CARLOS, "in_progress", "closed"), [("closed", {"user": ANA})]),
        (event("note", CARLOS), [("update", {"user": ANA})]),
        (event("note", CARLOS, visibility="internal"), []),  # never emailed to the reporter
    ],
)
def test_each_change_mails_the_people_it_concerns(e, expected):
    assert planned(ticket(), e) == expected


def test_nobody_is_mailed_about_what_they_just_did():
    assert planned(ticket(), event("assigned", CARLOS, None, CARLOS)) == []  # an admin taking it
    assert planned(ticket(), event("reopened", ANA, "closed", "open")) == []  # the reporter reopening


def test_recipient_keys_are_short_stable_and_hide_addresses():
    assert Recipient(user_id="U0CARLOS").key == "u0carlos"
    key = Recipient(address="Boss@Example.com").key
    assert key == recipient_key({"address": "boss@example.com"}) and len(key) == 13 and "@" not in key


def test_the_reporters_comment_mails_the_engineer_or_while_nobody_has_it_the_admins():
    assert planned(ticket(), event("note", ANA)) == [("comment", {"user": CARLOS})]
    assert planned(ticket(None), event("note", ANA)) == [
        ("comment", {"user": "U0ADMIN"}),
        ("comment", {"user": "U0BOSS"}),
        ("comment", {"address": "it@example.com"}),
    ]
