"""How a ticket stands against its service level, in one line for cards, Home and lists."""

from __future__ import annotations

from datetime import datetime

from handlers.i18n import Translator
from handlers.text import slack_date
from storage.models import Ticket
from storage.sla import SlaState, state

SLA_EMOJI = {
    SlaState.ON_TRACK: ":large_green_circle:",
    SlaState.AT_RISK: ":warning:",
    SlaState.BREACHED: ":rotating_light:",
    SlaState.PAUSED: ":double_vertical_bar:",
    SlaState.MET: ":white_check_mark:",
}


def sla_line(tr: Translator, ticket: Ticket, now: datetime, *, staff: bool = True) -> str | None:
    """Staff see the state and the due time; a reporter sees when to expect a fix, no alarms."""
    current = state(ticket, now)
    if current is SlaState.NONE:
        return None
    due = ticket.resolution_due_at
    assert due is not None
    when = slack_date(due)
    if not staff:
        return tr("sla.expected", when=when) if current in (SlaState.ON_TRACK, SlaState.AT_RISK) else None
    if current is SlaState.BREACHED and ticket.status == "closed":
        text = tr("sla.missed")
    else:
        text = tr(f"sla.{current.value}", when=when)
    return f"{SLA_EMOJI[current]} {text}"


def sla_badge(tr: Translator, ticket: Ticket, now: datetime) -> str:
    """A short badge for list rows: emoji and state, or nothing when there is no target."""
    current = state(ticket, now)
    if current in (SlaState.NONE, SlaState.MET, SlaState.ON_TRACK):
        return ""  # lists flag what needs attention; "on track" everywhere would be noise
    return f"{SLA_EMOJI[current]} {tr(f'sla.state.{current.value}')}"
