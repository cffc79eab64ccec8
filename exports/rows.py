"""What the Tickets and History sheets show: their columns, and one row per ticket or event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from sqlalchemy import Row

from bot.config import Category
from bot.i18n import Translator
from exports.sheets import Column, TableSheet
from storage.domain import EventKind, Priority, Status, Visibility, format_number

NOTE_TIME = "%Y-%m-%d %H:%M"


class Labels:
    """Stored keys → the words of the workspace language, looked up once."""

    def __init__(self, tr: Translator, categories: Sequence[Category]) -> None:
        self.tr = tr
        self.status = {s.value: tr(f"status.{s.value}") for s in Status}
        self.priority = {p.value: tr(f"priority.{p.value}") for p in Priority}
        self.category = {c.key: c.label or tr(f"category.{c.key}") for c in categories}
        self.event = {k.value: tr(f"export.event.{k.value}") for k in EventKind}
        self.visibility = {v.value: tr(f"export.visibility.{v.value}") for v in Visibility}
        self.unassigned = tr("export.unassigned")


def person(name: str | None, login: str | None, user_id: str | None) -> str:
    return name or login or user_id or ""


def ticket_columns(tr: Translator, include_internal: bool) -> list[Column]:
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
        Column(tr("export.col.created"), 18),
        Column(tr("export.col.updated"), 18),
        Column(tr("export.col.closed"), 18),
        Column(tr("export.col.resolution_hours"), 16),
        Column(tr("export.col.public_notes"), 60, wrap=True),
    ]
    if include_internal:
        columns.append(Column(tr("export.col.internal_notes"), 60, wrap=True))
    return columns


def history_columns(tr: Translator) -> list[Column]:
    return [
        Column(tr("export.col.ticket"), 12),
        Column(tr("export.col.when"), 18),
        Column(tr("export.col.who"), 28),
        Column(tr("export.col.event"), 18),
        Column(tr("export.col.from"), 24),
        Column(tr("export.col.to"), 24),
        Column(tr("export.col.note"), 60, wrap=True),
        Column(tr("export.col.visibility"), 12),
    ]


class RowMaker:
    """Rows from the storage rows of `storage.reports`; internal notes only when asked for."""

    def __init__(
        self, labels: Labels, tickets: TableSheet, history: TableSheet, zone: tzinfo, include_internal: bool
    ) -> None:
        self.labels = labels
        self.tickets = tickets
        self.history = history
        self.zone = zone
        self.include_internal = include_internal

    def ticket_row(self, t: Row, events: Sequence[Row]) -> list[Any]:
        cells, wrap, labels = self.tickets.cells, self.tickets.wrap_limit, self.labels
        hours = None
        if t.status == Status.CLOSED.value and t.closed_at is not None:
            hours = round((t.closed_at - t.created_at).total_seconds() / 3600, 2)
        engineer = person(t.engineer_name, t.engineer_login, t.engineer_id) if t.engineer_id else None
        row = [
            format_number(t.id),
            cells.text(t.title, wrap(1)),
            cells.text(t.description, wrap(2)),
            cells.text(person(t.reporter_name, t.reporter_login, t.reporter_id)),
            cells.text(t.reporter_email),
            cells.text(engineer),
            cells.text(labels.category.get(t.category, t.category)),
            labels.priority.get(t.priority, t.priority),
            labels.status.get(t.status, t.status),
            cells.date(t.created_at),
            cells.date(t.updated_at),
            cells.date(t.closed_at),
            cells.hours(hours),
            cells.text(self._notes(events, Visibility.PUBLIC.value), wrap(13)),
        ]
        if self.include_internal:
            row.append(cells.text(self._notes(events, Visibility.INTERNAL.value), wrap(14)))
        return row

    def _notes(self, events: Sequence[Row], visibility: str) -> str | None:
        lines = [
            f"{e.created_at.astimezone(self.zone).strftime(NOTE_TIME)} "
            f"{person(e.actor_name, e.actor_login, e.actor_id)}: {e.note}"
            for e in events
            if e.note and e.visibility == visibility
        ]
        return "\n".join(lines) or None

    def history_row(self, e: Row) -> list[Any]:
        cells, labels = self.history.cells, self.labels
        if e.kind == EventKind.ASSIGNED.value:
            old = e.old_name or e.old_value
            new = e.new_name or e.new_value
        else:
            old = labels.status.get(e.old_value, e.old_value) if e.old_value else None
            new = labels.status.get(e.new_value, e.new_value) if e.new_value else None
        return [
            format_number(e.ticket_id),
            cells.date(e.created_at),
            cells.text(person(e.actor_name, e.actor_login, e.actor_id)),
            labels.event.get(e.kind, e.kind),
            cells.text(old),
            cells.text(new),
            cells.text(e.note, self.history.wrap_limit(6)),
            labels.visibility.get(e.visibility, e.visibility),
        ]
