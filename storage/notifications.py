"""Who is told what when a ticket changes: the outbox rows each event writes.

Domain policy only — rows name a surface and a ticket or event; how a card or an email looks
is decided at delivery, far from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage import email_plan, outbox
from storage.attachments import SlackFile
from storage.domain import CsatOutcome, EventKind, IncidentStatus, Visibility
from storage.models import Ticket, TicketEvent

TRIAGE, REPORTER, ENGINEER = "triage", "reporter", "engineer"
FORMER_ENGINEER = "former_engineer"  # the DM card of an engineer a ticket was taken from
SOURCE = "source"  # the thread of the Slack message a ticket was filed from
_CARD_KIND = {
    TRIAGE: outbox.SLACK_TRIAGE_CARD,
    REPORTER: outbox.SLACK_REPORTER_CARD,
    ENGINEER: outbox.SLACK_ENGINEER_CARD,
}


DELIVERED = "white_check_mark"  # the reaction a thread message gets once it is relayed


@dataclass(frozen=True)
class Line:
    """A message someone wrote in the thread of a ticket's card (storage.conversation): whose
    card (`audience`), and where the message is, for the reaction that says it was delivered;
    `files`, those shared with it (storage.attachments: fetched and passed on at delivery).
    An email (bot.mail_in) is a line with no channel: the writer's side by their role, nothing
    to react to."""

    audience: str
    channel: str = ""
    ts: str = ""
    files: tuple[SlackFile, ...] = ()
    mailed_files: bool = False  # an email with attachments: stored with it, uploaded at delivery

    @property
    def by_email(self) -> bool:
        return not self.channel


def stream(audience: str, ticket_id: int) -> str:
    """One ordered stream per Slack surface of a ticket: a card is posted before it is updated."""
    return f"{audience}:{ticket_id}"


def relay_stream(audience: str, ticket_id: int) -> str:
    """The copies relayed into the thread of the audience's card, in the order they were written
    (then their edits): a stream apart from the card's, so that a card redraw waiting on
    chat.update's Tier 3 budget never holds a copy back (bench/relay.py). A copy whose card is
    not posted yet waits for it (bot.thread_replies)."""
    return f"relay-{audience}:{ticket_id}"


def sync_card(session: Session, ticket: Ticket, audience: str) -> None:
    outbox.write(session, _CARD_KIND[audience], {"ticket_id": ticket.id}, stream(audience, ticket.id))


def reply(
    session: Session,
    ticket: Ticket,
    event: TicketEvent,
    audience: str,
    thread: tuple[str, str] | None = None,
    *,
    broadcast: bool = False,
    reader: str | None = None,
    relay: bool = False,
) -> None:
    """A line in the thread of the audience's card (or of an explicit `thread`: channel, ts,
    whose `reader` is named for their language); `broadcast` also shows it in the channel, for
    what must not hide in a thread."""
    payload: dict = {"ticket_id": ticket.id, "event_id": event.id, "audience": audience}
    if thread:
        payload["channel"], payload["thread_ts"] = thread
        if reader:
            payload["user"] = reader
    if broadcast:
        payload["broadcast"] = True
    if relay:  # a message written in another card's thread, passed on: says who wrote it
        payload["relay"] = True
    where = relay_stream(audience, ticket.id) if relay else stream(audience, ticket.id)
    outbox.write(session, outbox.SLACK_EVENT_REPLY, payload, where)


def plan(
    session: Session,
    ticket: Ticket,
    event: TicketEvent,
    mail: email_plan.MailPolicy,
    *,
    previous_card: tuple[str, str] | None = None,
    line: Line | None = None,
) -> None:
    """Write the outbox rows for `event` (already flushed, so it has an id).

    `mail` says who besides the people on the ticket hears of it by email; `previous_card` is
    the DM card of an engineer the ticket was just taken from; `line`, the thread message a
    note was written as.
    """
    email_plan.plan(session, ticket, event, mail)
    kind = EventKind(event.kind)
    if kind is EventKind.REOPENED:
        reopened_child(session, ticket, event)
    if kind in WARNINGS:
        warn(session, ticket, event, kind)
        return
    if kind is EventKind.CREATED:
        sync_card(session, ticket, TRIAGE)
        sync_card(session, ticket, REPORTER)
        # Is it one of N similar tickets within M minutes? (storage.bursts, at delivery)
        outbox.write(session, outbox.BURST_CHECK, {"ticket_id": ticket.id}, outbox.BURSTS)
        return
    if line is not None:
        relay(session, ticket, event, line)
        return
    if previous_card:  # an assignment's old value: the engineer whose card it is
        former_card(session, ticket, previous_card, event.old_value)
        reply(session, ticket, event, ENGINEER, thread=previous_card, reader=event.old_value)

    if kind is EventKind.FEEDBACK and event.new_value == CsatOutcome.REOPENED.value:
        return  # "No, reopen": the reopen event written with it told every card and thread
    internal = event.visibility == Visibility.INTERNAL.value
    found = [TRIAGE, REPORTER] + ([ENGINEER] if ticket.engineer_id else [])
    for audience in found:
        if audience == REPORTER and internal:
            continue  # internal notes never reach the reporter, not even as a redrawn card
        # Notes too: every change bumps the version that a card's buttons carry.
        sync_card(session, ticket, audience)
        if audience == ENGINEER and kind is EventKind.ASSIGNED:
            continue  # the engineer's new card says it all; a reply would repeat it
        if audience == REPORTER and kind is EventKind.FEEDBACK:
            continue  # their own answer: their redrawn card shows it
        reply(session, ticket, event, audience)


def reopened_child(session: Session, ticket: Ticket, event: TicketEvent) -> None:
    """A ticket of a resolved incident reopened (its reporter replied, or said "not solved"):
    the incident stays resolved and its owner is told, in a DM; its card is redrawn (its count
    of open tickets)."""
    incident = ticket.incident
    if incident is None or incident.status != IncidentStatus.RESOLVED.value:
        return
    payload = {"incident_id": incident.id, "ticket_id": ticket.id, "event_id": event.id}
    outbox.write(session, outbox.SLACK_INCIDENT_NOTICE, payload, f"incident:{incident.id}")


def relay(session: Session, ticket: Ticket, event: TicketEvent, line: Line) -> None:
    """A note written in a card's thread goes to the other side's thread only, never back into
    its own: the reporter's to the engineer (nobody assigned: the triage channel), the
    engineer's to the reporter, the triage channel's (internal) to the engineer; its files after
    it (in the same stream). Then ✅ on the message once the copy was posted: the relay's
    deliverer writes it then (`delivered`); with nobody to relay to, at once; an email has no
    message to react to. The cards are redrawn in their own streams (their "updated" time and
    SLA line, the version on their buttons)."""
    internal = event.visibility == Visibility.INTERNAL.value
    to = relay_audience(ticket, event, line)
    if to is not None:
        reply(session, ticket, event, to, relay=True)
    if line.files or line.mailed_files:  # fetched, then uploaded into the `to` thread, after the text
        pass_files(session, ticket, event, to, line.audience, relay_stream(to, ticket.id) if to else None)
    if line.by_email:
        # No Slack thread of the writer's shows it: an admin's public answer by email is shown
        # to the engineer too, and nothing is reacted to.
        if to == REPORTER and ticket.engineer_id and event.actor_id != ticket.engineer_id:
            reply(session, ticket, event, ENGINEER, relay=True)
    elif to is None:
        delivered(session, ticket.id, line.channel, line.ts)
    for audience in [TRIAGE, REPORTER] + ([ENGINEER] if ticket.engineer_id else []):
        if not (audience == REPORTER and internal):
            sync_card(session, ticket, audience)


def pass_files(
    session: Session,
    ticket: Ticket,
    event: TicketEvent,
    to: str | None,
    written_under: str,
    where: str | None,
) -> None:
    """The files of `event` (fetched from Slack if they are not stored yet) uploaded into the
    thread of `to`'s card; `written_under`: the card whose writer hears if one cannot be had.
    In stream `where` (None: the writer's card's), after what it follows."""
    files = {"ticket_id": ticket.id, "event_id": event.id, "to": to, "from": written_under}
    outbox.write(session, outbox.SLACK_FILES, files, where or stream(written_under, ticket.id))


def relay_audience(ticket: Ticket, event: TicketEvent, line: Line) -> str | None:
    """Whose card's thread a comment written under `line.audience`'s card is relayed to (None:
    nobody's, a triage note with no engineer assigned)."""
    if line.audience == REPORTER:
        return ENGINEER if ticket.engineer_id else TRIAGE
    if line.audience == ENGINEER:
        return TRIAGE if event.visibility == Visibility.INTERNAL.value else REPORTER
    return ENGINEER if ticket.engineer_id else None


def delivered(session: Session, ticket_id: int, channel: str, ts: str) -> None:
    """✅ on the thread message at (channel, ts): what it said was passed on (Tier 3: in a
    stream of its own, where it holds back no copy)."""
    payload = {"channel": channel, "ts": ts, "name": DELIVERED}
    outbox.write(session, outbox.SLACK_REACTION, payload, f"reaction:{ticket_id}")


def copy_sync(session: Session, ticket: Ticket, event: TicketEvent, audience: str) -> None:
    """The relayed copy of a comment in `audience`'s thread, brought to what the comment is now:
    its edited text (chat.update), or gone once deleted (chat.delete). In the relays' stream, so
    it leaves after the copy was posted."""
    payload = {"ticket_id": ticket.id, "event_id": event.id, "audience": audience}
    outbox.write(session, outbox.SLACK_RELAYED_COPY, payload, relay_stream(audience, ticket.id))


WARNINGS = frozenset(
    {EventKind.SLA_AT_RISK, EventKind.SLA_BREACHED, EventKind.RESPONSE_LATE, EventKind.UNASSIGNED}
)


def warn(session: Session, ticket: Ticket, event: TicketEvent, kind: EventKind) -> None:
    """A scheduled warning: the engineer hears of a deadline coming, the triage channel of one
    missed (in the channel itself, not only the thread) and of tickets nobody has taken."""
    engineer = ticket.engineer_id is not None
    sync_card(session, ticket, TRIAGE)  # staff cards show the SLA state
    if engineer:
        sync_card(session, ticket, ENGINEER)
    if kind is EventKind.SLA_AT_RISK:
        reply(session, ticket, event, ENGINEER if engineer else TRIAGE)
    elif kind is EventKind.SLA_BREACHED:
        sync_card(session, ticket, REPORTER)  # its "expected by" time has passed: drop it
        reply(session, ticket, event, TRIAGE, broadcast=True)
        if engineer:
            reply(session, ticket, event, ENGINEER)
    else:
        reply(session, ticket, event, TRIAGE, broadcast=kind is EventKind.UNASSIGNED)


def source_reply(session: Session, ticket: Ticket, event: TicketEvent, thread_ts: str | None) -> None:
    """Answer in the thread of the Slack message a ticket was filed from: its number (delivery
    also fetches the message's permalink for the cards)."""
    payload = {"ticket_id": ticket.id, "event_id": event.id, "thread_ts": thread_ts or ticket.source_ts}
    outbox.write(session, outbox.SLACK_SOURCE_REPLY, payload, stream(SOURCE, ticket.id))


def refresh_cards(session: Session, ticket: Ticket) -> None:
    """Redraw the cards that exist, unchanged ticket: a click showed someone an old one."""
    for audience in (TRIAGE, REPORTER, ENGINEER):
        if audience != ENGINEER or ticket.engineer_id:
            sync_card(session, ticket, audience)


def former_card(session: Session, ticket: Ticket, card: tuple[str, str], reader: str | None = None) -> None:
    """Redraw the card of the engineer (`reader`) a ticket was taken from: no buttons they may
    no longer use."""
    payload = {"ticket_id": ticket.id, "channel": card[0], "ts": card[1]}
    if reader:
        payload["user"] = reader
    outbox.write(session, _CARD_KIND[ENGINEER], payload, stream(ENGINEER, ticket.id))
