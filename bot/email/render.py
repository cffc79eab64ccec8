"""Drawing a ticket email: its subject, plain text and HTML, from Jinja2 templates.

HTML templates are autoescaped, so every user-supplied string (titles, descriptions, notes,
names) arrives as text: `<script>` is shown, never run. Nothing here marks user text safe.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from handlers.blocks.cards import category_name
from handlers.i18n import Translator
from storage import email_plan
from storage.domain import Category, CsatOutcome, EventKind
from storage.models import Ticket, TicketEvent

# (text colour, background) of each badge: the seed asks for colours at a glance.
STATUS_COLORS = {
    "open": ("#1e40af", "#dbeafe"),
    "in_progress": ("#92400e", "#fef3c7"),
    "on_hold": ("#374151", "#e5e7eb"),
    "closed": ("#166534", "#dcfce7"),
}
PRIORITY_COLORS = {
    "low": ("#374151", "#f3f4f6"),
    "medium": ("#854d0e", "#fef9c3"),
    "high": ("#9a3412", "#ffedd5"),
    "critical": ("#ffffff", "#dc2626"),
}
NOTE_LABEL = {
    EventKind.STATUS: "email.label.reason",
    EventKind.REOPENED: "email.label.reason",
    EventKind.CLOSED: "email.label.resolution",
    EventKind.NOTE: "email.label.note",
    EventKind.FEEDBACK: "email.label.comment",
}


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Badge:
    label: str
    fg: str
    bg: str


def nl2br(text: str) -> Markup:
    """Line breaks as <br>, every line escaped first."""
    return Markup("<br>\n").join(escape(line) for line in text.splitlines())


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.email", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates ship with the package: no stat() of their files per email
    )
    env.filters["nl2br"] = nl2br
    return env


def render(
    tr: Translator,
    categories: Sequence[Category],
    template: str,
    ticket: Ticket,
    event: TicketEvent,
    *,
    reader: str,
    name_of: Callable[[str | None], str],
    link: str | None,
    zone: str = "UTC",
    files: Sequence[Any] = (),
    hints: Sequence[tuple[str, str]] = (),
    replies: str | None = None,
) -> EmailContent:
    """`reader` is the recipient's name for the greeting; `name_of(user_id)` names anyone else;
    times are shown in `zone` (the workspace's TIMEZONE); `files`, the comment's (bot.email.files
    `Listed`: name, size, attached); `hints` are (line, details) told below the intro (the
    receipt's known issue and fix, bot.known_cards); `replies`, what a reply to it does when the
    helpdesk mailbox is read (MAIL_REPLY_TO): "reporter" (reaches the helpdesk) or "staff"
    (reaches the reporter, in public: said so, so nobody answers a staff notice thinking it is
    among staff)."""
    status, priority = ticket.status, ticket.priority
    engineer = name_of(event.new_value) if template == email_plan.REASSIGNED else ""
    new_status = tr(f"status.{event.new_value}") if template == email_plan.STATUS else ""
    subject = tr(
        f"email.subject.{template}",
        title=ticket.title,
        priority=tr(f"priority.{priority}").lower(),
        status=new_status,
        engineer=engineer,
    )
    context = {
        "lang": tr.language,
        "subject": f"[{ticket.number}] {' '.join(subject.split())}",
        "number": ticket.number,
        "title": ticket.title,
        "description": ticket.description,
        "status": Badge(tr(f"status.{status}"), *STATUS_COLORS.get(status, STATUS_COLORS["open"])),
        "priority": Badge(tr(f"priority.{priority}"), *PRIORITY_COLORS.get(priority, PRIORITY_COLORS["low"])),
        "greeting": tr("email.greeting", name=reader),
        "intro": tr(f"email.intro.{template}", engineer=engineer),
        "hints": list(hints),
        "change": _change(tr, ticket, event, name_of, zone),
        "fields": [
            (tr("email.field.ticket"), ticket.number),
            (tr("card.status"), tr(f"status.{status}")),
            (tr("card.priority"), tr(f"priority.{priority}")),
            (tr("card.category"), category_name(tr, categories, ticket.category)),
            (tr("card.reporter"), name_of(ticket.reporter_id)),
            (
                tr("card.assignee"),
                name_of(ticket.engineer_id) if ticket.engineer_id else tr("card.unassigned"),
            ),
            (tr("email.field.created"), _when(ticket.created_at, zone)),
        ],
        "files": files,
        "link": link if link and link.startswith(("https://", "slack://")) else None,
        "labels": {
            "latest": tr("email.label.latest"),
            "description": tr("field.description"),
            "open_in_slack": tr("email.open_in_slack"),
            "files": tr("email.label.files"),
            "not_attached": tr("email.files.not_attached"),
        },
        "footer": tr(f"email.footer.{replies}" if replies else "email.footer", number=ticket.number),
    }
    env = environment()
    return EmailContent(
        subject=context["subject"],
        text=env.get_template("message.txt").render(context),
        html=env.get_template("message.html").render(context),
    )


def _change(
    tr: Translator, ticket: Ticket, event: TicketEvent, name_of: Callable[[str | None], str], zone: str
) -> dict:
    """The event, told in one line (and its note, labelled): the highlighted box of the email."""
    kind, actor = EventKind(event.kind), name_of(event.actor_id)
    if kind is EventKind.ASSIGNED:
        text = tr("email.change.assigned", actor=actor, engineer=name_of(event.new_value))
    elif kind is EventKind.STATUS:
        old, new = tr(f"status.{event.old_value}"), tr(f"status.{event.new_value}")
        text = tr("email.change.status", actor=actor, old=old, new=new)
    elif kind in email_plan.WARNING_TEMPLATES:
        due = ticket.response_due_at if kind is EventKind.RESPONSE_LATE else ticket.resolution_due_at
        if kind is EventKind.UNASSIGNED:
            due = ticket.created_at
        text = tr(f"email.change.{kind.value}", due=_when(due or ticket.created_at, zone))
    elif kind is EventKind.FEEDBACK:
        text = tr(f"email.change.{feedback_key(event)}", actor=actor, rating=event.new_value)
    else:
        text = tr(f"email.change.{kind.value}", actor=actor)
    label = NOTE_LABEL.get(kind)
    return {"text": text, "note": event.note if label else None, "note_label": tr(label) if label else ""}


def feedback_key(event: TicketEvent) -> str:
    """`feedback_solved`, `feedback_reopened` or, for a rating, `feedback_rated`."""
    outcomes = {o.value for o in CsatOutcome}
    return f"feedback_{event.new_value}" if event.new_value in outcomes else "feedback_rated"


def _when(moment: datetime, zone: str) -> str:
    """`2026-11-23 04:00 America/Bogota`: the reader's wall clock, and which one it is."""
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"
