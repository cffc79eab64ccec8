"""Nothing is lost: a mail server refusing for a while, a refused recipient, a dropped
connection, a dispatcher dying mid-batch, two dispatchers sharing PostgreSQL."""

from __future__ import annotations

import logging
import multiprocessing
from collections import Counter

import pytest
from sqlalchemy import select, update

from bot.app import build_services, web_client
from bot.dispatcher import Dispatcher
from bot.email.delivery import EmailDelivery
from storage import email_plan, outbox
from storage.db import Database
from storage.domain import Status, Visibility
from storage.models import OutboxRow
from tests.bot.email.conftest import (
    ADMIN,
    ADMIN_MAIL,
    ANA,
    ANA_MAIL,
    CARLOS,
    CARLOS_MAIL,
    TEAM_MAIL,
    new_ticket,
)
from tests.outbox_helpers import expire_leases, make_due


def rows(db, kind: str | None = None) -> list[OutboxRow]:
    with db.read() as s:
        query = select(OutboxRow).order_by(OutboxRow.id)
        if kind:
            query = query.where(OutboxRow.kind == kind)
        return list(s.scalars(query))


def file_some_tickets(runtime, count: int = 3) -> list[tuple[str, str]]:
    """File `count` tickets and move each along; returns the (recipient, subject) expected."""
    tickets, expected = runtime.services.tickets, []
    for i in range(1, count + 1):
        ticket, _ = tickets.create(ANA, new_ticket(f"Printer {i} jams"))
        tickets.assign(ticket.id, "U0CARLOS", ADMIN)
        tickets.change_status(ticket.id, Status.IN_PROGRESS, CARLOS)
        tickets.add_note(ticket.id, CARLOS, "internal only", Visibility.INTERNAL)
        number = f"[TKT-{ticket.id:06d}]"
        expected += [
            (ANA_MAIL, f"{number} Your ticket was received: Printer {i} jams"),
            (ADMIN_MAIL, f"{number} New high ticket: Printer {i} jams"),
            (TEAM_MAIL, f"{number} New high ticket: Printer {i} jams"),
            (CARLOS_MAIL, f"{number} Assigned to you: Printer {i} jams"),
            (ANA_MAIL, f"{number} Status: In progress"),
        ]
    return expected


def test_a_mail_server_refusing_for_a_while_delays_emails_but_loses_and_repeats_none(runtime, smtp):
    smtp.refuse("421 4.3.2 Service not available, try again later")
    expected = file_some_tickets(runtime)  # filing works while mail is down
    assert len(runtime.services.tickets.reported_by(ANA.user_id)[0]) == 3

    for _ in range(3):  # refused round after round; the backoff between rounds is skipped
        runtime.dispatcher.drain()
        make_due(runtime.db)
    emails = rows(runtime.db, email_plan.EMAIL)
    assert smtp.received == [] and all(r.state == "pending" for r in emails)
    # Each recipient's first email is tried, and retried; the ones behind it wait their turn.
    tried = [r for r in emails if r.attempts]
    assert len(tried) == 12 and all(r.attempts >= 3 and "421" in r.last_error for r in tried)
    assert all(r.state == "done" for r in rows(runtime.db) if r.kind.startswith("slack."))

    smtp.accept()
    runtime.dispatcher.drain()
    mails = smtp.wait_for(len(expected))
    assert sorted((m.rcpt_to, m.subject) for m in mails) == sorted(expected)
    assert Counter((m.rcpt_to, m.message_id) for m in mails).most_common(1)[0][1] == 1  # none twice
    assert all(r.state == "done" for r in rows(runtime.db))


def test_a_refused_recipient_is_dead_at_once_and_the_others_still_get_theirs(runtime, smtp, caplog):
    smtp.reject(TEAM_MAIL, "550 5.1.1 <it-team@example.com>: Recipient address rejected")
    runtime.services.tickets.create(ANA, new_ticket())
    with caplog.at_level(logging.WARNING):
        runtime.dispatcher.drain()
    assert sorted(m.rcpt_to for m in smtp.wait_for(2)) == [ADMIN_MAIL, ANA_MAIL]
    (dead,) = [r for r in rows(runtime.db) if r.state == "dead"]
    assert dead.payload["to"] == {"address": TEAM_MAIL} and dead.attempts == 1
    assert dead.last_error.startswith("permanent: recipient refused: 550")
    loud = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert len(loud) == 1 and f"ticketbot outbox retry {dead.id}" in loud[0].getMessage()

    # Fixed on the mail server's side, the operator requeues it (`ticketbot outbox retry`).
    smtp.unreject(TEAM_MAIL)
    assert outbox.requeue(runtime.db, [dead.id]) == 1
    runtime.dispatcher.drain()
    assert [m.rcpt_to for m in smtp.wait_for(3)].count(TEAM_MAIL) == 1


def test_a_connection_the_server_dropped_is_reopened_without_losing_the_email(runtime, smtp):
    tickets = runtime.services.tickets
    ticket, _ = tickets.create(ANA, new_ticket())
    runtime.dispatcher.drain()
    smtp.wait_for(3)
    smtp.drop_connections()  # e.g. the server's idle timeout struck between two batches
    tickets.change_status(ticket.id, Status.IN_PROGRESS, ADMIN)
    runtime.dispatcher.drain()
    assert smtp.wait_for(1, lambda m: m.subject.endswith("In progress"))
    assert smtp.sessions == 2 and len(smtp.received) == 4
    assert all(r.state == "done" for r in rows(runtime.db))


class ProcessKilled(BaseException):
    """Not an Exception: like SIGKILL, nothing in the dispatcher gets to handle it."""


def test_a_dispatcher_killed_mid_batch_loses_nothing(runtime, smtp, mail_settings, db):
    expected = file_some_tickets(runtime, count=4)
    email = runtime.dispatcher.deliverers[email_plan.EMAIL]
    sent = 0

    def dies_after_the_third_email(payload):
        nonlocal sent
        email(payload)
        sent += 1
        if sent == 3:  # the server accepted it; the row was never marked done
            raise ProcessKilled

    deliverers = {**runtime.dispatcher.deliverers, email_plan.EMAIL: dies_after_the_third_email}
    doomed = Dispatcher(db, deliverers, max_attempts=43, concurrency=1)
    with pytest.raises(ProcessKilled):
        doomed.run_once()
    assert len(smtp.wait_for(3)) == 3
    orphaned = [r for r in rows(db) if r.claimed_by == doomed.worker]
    assert orphaned and all(r.state == "pending" for r in orphaned)

    # Another process finds the dead one's rows leased: it cannot take them yet…
    runtime.dispatcher.drain()
    assert all(r.state == "pending" for r in rows(db) if r.id in {o.id for o in orphaned})
    # …and once the lease has run out, it delivers them.
    expire_leases(db)
    runtime.dispatcher.drain()
    assert all(r.state == "done" for r in rows(db))
    mails = smtp.wait_for(len(expected) + 1)
    assert sorted({(m.rcpt_to, m.subject) for m in mails}) == sorted(expected)  # none lost
    # At-least-once: only the email in flight at the kill came twice, with the same Message-ID.
    twice = [key for key, n in Counter((m.rcpt_to, m.message_id) for m in mails).items() if n > 1]
    assert len(mails) == len(expected) + 1 and len(twice) == 1


def _dispatch_in_a_process(settings, start_together, results) -> None:
    """A bot process of its own: its engine, SMTP connection and worker id; no thread shared."""
    db = Database.from_url(settings.database_url)
    services = build_services(settings, db)
    email = EmailDelivery.build(services, settings, web_client(settings, retries=False))
    delivered = 0

    def counted(payload) -> None:
        nonlocal delivered
        email.deliver(payload)
        delivered += 1

    start_together.wait(60)
    Dispatcher(db, {email_plan.EMAIL: counted}, max_attempts=43, batch=25).drain(rounds=10_000)
    email.tidy(final=True)
    db.dispose()
    results.put(delivered)


def test_two_processes_on_postgresql_deliver_2000_emails_exactly_once(
    runtime, smtp, mail_settings, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite is for one process: SKIP LOCKED claiming is tested on PostgreSQL")
    ticket, _ = runtime.services.tickets.create(ANA, new_ticket())
    event_id = rows(runtime.db, email_plan.EMAIL)[0].payload["event_id"]
    with runtime.db.transaction() as session:
        session.execute(update(OutboxRow).values(state=outbox.DONE))  # only the 2,000 below count
        for i in range(2000):
            payload = {"ticket_id": ticket.id, "event_id": event_id, "template": "update"}
            address = f"user{i:04d}@example.com"
            outbox.enqueue(session, email_plan.EMAIL, {**payload, "to": {"address": address}}, f"bulk:{i}")

    context = multiprocessing.get_context("spawn")
    start_together, results = context.Barrier(2), context.Queue()
    processes = [
        context.Process(target=_dispatch_in_a_process, args=(mail_settings, start_together, results))
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(300)
        assert process.exitcode == 0
    counts = sorted(results.get(timeout=5) for _ in processes)
    assert sum(counts) == 2000 and counts[0] > 0, counts  # both took part

    mails = smtp.wait_for(2000, timeout=30)
    assert len(mails) == 2000
    assert sorted(Counter(m.rcpt_to for m in mails).values()) == [1] * 2000  # each exactly once
    assert all(r.state == "done" for r in rows(runtime.db, email_plan.EMAIL))
