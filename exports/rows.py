"""What the Tickets and History sheets show: their columns, and one row per ticket or event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from exports import Translate
from exports.sheets import Column, TableSheet
from storage.domain import Category, EventKind, Priority, Status, Visibility, format_incident, format_number
from storage.models import utcnow
from storage.reports import EventRow, TicketRow
from storage.sla import SlaState
from storage.sla import state as sla_state

NOTE_TIME = "%Y-%m-%d %H:%M"
ASSIGNED, CLOSED = EventKind.ASSIGNED.value, Status.CLOSED.value
PUBLIC, INTERNAL = Visibility.PUBLIC.value, Visibility.INTERNAL.value
MISSING: Any = object()
PUBLIC_NOTES, INTERNAL_NOTES = 17, 18  # column indexes of the Tickets sheet (see ticket_columns)


class Labels:
    """Stored keys → the words of the workspace language, looked up once."""

    def __init__(self, tr: Translate, categories: Sequence[Category]) -> None:
        self.tr = tr
        self.status = {s.value: tr(f"status.{s.value}") for s in Status}
        self.sla = {s.value: tr(f"sla.state.{s.value}") for s in SlaState if s is not SlaState.NONE}
        self.priority = {p.value: tr(f"priority.{p.value}") for p in Priority}
        self.category = {c.key: c.label or tr(f"category.{c.key}") for c in categories}
        self.event = {k.value: tr(f"export.event.{k.value}") for k in EventKind}
        self.visibility = {v.value: tr(f"export.visibility.{v.value}") for v in Visibility}
        self.unassigned = tr("export.unassigned")


def person(name: str | None, login: str | None, user_id: str | None) -> str:
    return name or login or user_id or ""


def ticket_columns(tr: Translate, include_internal: bool) -> list[Column]:
    columns = [
        Column(tr("export.col.number"), 12),
        Column(tr("export.col.title"), 45, wrap=True),
        Column(tr("export.col.description"), 60, wrap=True),
        Column(tr("export.col.reporter"), 28),
        Column(tr("export.col.reporter_email"), 32),
        Column(tr("export.col.engineer"), 28),
        Column(tr("export.col.category"), 22),
        Column(tr("export.col.priority"), 12),
        Column(tr("export.col.status"), 14),
        Column(tr("export.col.incident"), 36),  # "INC-3 — VPN outage": the reporter's own too
        Column(tr("export.col.created"), 18),
        Column(tr("export.col.updated"), 18),
        Column(tr("export.col.closed"), 18),
        Column(tr("export.col.resolution_hours"), 16),
        Column(tr("export.col.due"), 18),
        Column(tr("export.col.sla"), 14),
        Column(tr("export.col.rating"), 10),
        Column(tr("export.col.public_notes"), 60, wrap=True),
    ]
    if include_internal:
        columns.append(Column(tr("export.col.internal_notes"), 60, wrap=True))
    return columns


def history_columns(tr: Translate) -> list[Column]:
    return [
        Column(tr("export.col.ticket"), 12),
        Column(tr("export.col.when"), 18),
        Column(tr("export.col.who"), 28),
        Column(tr("export.col.event"), 18),
        Column(tr("export.col.from"), 24),
        Column(tr("export.col.to"), 24),
        Column(tr("export.col.note"), 60, wrap=True),
        Column(tr("export.col.visibility"), 12),
        Column(tr("export.col.files"), 30, wrap=True),
    ]


class RowMaker:
    """Rows from the storage rows of `storage.reports`; internal notes only when asked for.

    A person's name and email, and a category's label, are cleaned once and reused: an export
    repeats the same few hundred people over a million rows.
    """

    def __init__(
        self,
        labels: Labels,
        tickets: TableSheet,
        history: TableSheet,
        zone: tzinfo,
        include_internal: bool,
        now: datetime | None = None,
    ) -> None:
        self.labels = labels
        self.tickets = tickets
        self.history = history
        self.zone = zone
        self.include_internal = include_internal
        self.now = now or utcnow()  # the SLA state is the one at the export's time
        self.cells = tickets.cells
        self._names: dict[str | None, Any] = {None: None}
        self._emails: dict[str, Any] = {}
        self._categories = {key: self.cells.text(label) for key, label in labels.category.items()}
        self._ticket_widths: list[int] | None = None
        self._ticket_wraps = self._limits(tickets, self._wrapped())
        self._history_widths: list[int] | None = None
        self._note_wrap = history.wrap_limit(6)
        self._number: tuple[int | None, str] = (None, "")

    def _name(self, user_id: str | None, name: str | None, login: str | None) -> Any:
        if user_id not in self._names:
            self._names[user_id] = self.cells.text(person(name, login, user_id))
        return self._names[user_id]

    def _label(self, words: dict[str, str], key: str | None) -> Any:
        """Our word for a stored key; an unknown key as (cleaned) text, never raw."""
        label = words.get(key)
        return label if label is not None else self.cells.text(key)

    def _wrapped(self) -> tuple[int, int, int, int]:
        """Title, description, public and internal notes (public twice without internal notes)."""
        return (1, 2, PUBLIC_NOTES, INTERNAL_NOTES if self.include_internal else PUBLIC_NOTES)

    def _limits(self, sheet: TableSheet, columns: Sequence[int]) -> list[int | None]:
        return [sheet.wrap_limit(index) for index in columns]

    def ticket_row(self, t: TicketRow, events: Sequence[EventRow]) -> list[Any]:
        cells, labels = self.cells, self.labels
        if self.tickets.widths is not self._ticket_widths:  # wrap limits change once, when sized
            self._ticket_widths = self.tickets.widths
            self._ticket_wraps = self._limits(self.tickets, self._wrapped())
        title_wrap, description_wrap, public_wrap, internal_wrap = self._ticket_wraps
        closed_at = t.closed_at
        hours = None
        if closed_at is not None and t.status == CLOSED:
            hours = round((closed_at - t.created_at).total_seconds() / 3600, 2)
        email = self._emails.get(t.reporter_id, MISSING)
        if email is MISSING:
            email = self._emails[t.reporter_id] = cells.text(t.reporter_email)
        names = self._names
        reporter = names.get(t.reporter_id, MISSING)
        if reporter is MISSING:
            reporter = self._name(t.reporter_id, t.reporter_name, t.reporter_login)
        engineer = names.get(t.engineer_id, MISSING)
        if engineer is MISSING:
            engineer = self._name(t.engineer_id, t.engineer_name, t.engineer_login)
        category = self._categories.get(t.category, MISSING)
        if category is MISSING:
            category = cells.text(t.category)
        priority = labels.priority.get(t.priority) or self._label(labels.priority, t.priority)
        status = labels.status.get(t.status) or self._label(labels.status, t.status)
        row = [
            format_number(t.id),
            cells.text(t.title, title_wrap),
            cells.text(t.description, description_wrap),
            reporter,
            email,
            engineer,
            category,
            priority,
            status,
            self._incident(t),
            cells.date(t.created_at),
            cells.date(t.updated_at),
            cells.date(closed_at),
            hours,
            cells.date(t.resolution_due_at),
            labels.sla.get(sla_state(t, self.now).value),
            t.csat_rating,
            cells.text(self._notes(events, PUBLIC), public_wrap) if events else None,
        ]
        if self.include_internal:
            row.append(cells.text(self._notes(events, INTERNAL), internal_wrap) if events else None)
        return row

    def _incident(self, t: TicketRow) -> Any:
        if t.incident_id is None:
            return None
        number = format_incident(t.incident_id)
        return self.cells.text(f"{number} — {t.incident_title}" if t.incident_title else number)

    def _notes(self, events: Sequence[EventRow], visibility: str) -> str | None:
        lines = [
            f"{e.created_at.astimezone(self.zone).strftime(NOTE_TIME)} "
            f"{person(e.actor_name, e.actor_login, e.actor_id)}: {e.note}"
            for e in events
            if e.note and e.visibility == visibility
        ]
        return "\n".join(lines) or None

    def history_row(self, e: EventRow, files: Sequence[str] = ()) -> list[Any]:
        """`files`: the names of the files that came with the event (storage.reports `files_of`)."""
        labels, names = self.labels, self._names
        if self.history.widths is not self._history_widths:
            self._history_widths = self.history.widths
            self._note_wrap = self.history.wrap_limit(6)
        if e.kind == ASSIGNED:
            old = self._name(e.old_value, e.old_name, e.old_login)
            new = self._name(e.new_value, e.new_name, e.new_login)
        else:  # a status, or nothing: our own words
            old = None if e.old_value is None else self._label(labels.status, e.old_value)
            new = None if e.new_value is None else self._label(labels.status, e.new_value)
        actor = names.get(e.actor_id, MISSING)
        if actor is MISSING:
            actor = self._name(e.actor_id, e.actor_name, e.actor_login)
        if e.ticket_id != self._number[0]:  # a ticket's events come one after another
            self._number = (e.ticket_id, format_number(e.ticket_id))
        return [
            self._number[1],
            self.cells.date(e.created_at),
            actor,
            labels.event.get(e.kind) or self._label(labels.event, e.kind),
            old,
            new,
            self.cells.text(e.note, self._note_wrap) if e.note else None,
            labels.visibility.get(e.visibility) or self._label(labels.visibility, e.visibility),
            self.cells.text(", ".join(files), None) if files else None,
        ]
