"""`/ticket status TKT-000042` (or just `/ticket TKT-000042`) and `/ticket list [filters]`.

Both answer in the ack: one or two short reads, no Slack API call. Who asks decides what is
seen: a ticket only by its reporter, its engineer or an admin; lists are scoped by role.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from slack_bolt import App

from handlers.blocks.cards import priority_label, status_label
from handlers.blocks.detail import LIST_LIMIT, ticket_detail, ticket_list
from handlers.blocks.incident_lists import LISTED
from handlers.blocks.sla import sla_line
from handlers.filters import FilterError, parse_filter
from handlers.i18n import Translator
from handlers.router import Invocation, Router
from handlers.services import Services
from handlers.text import escaped
from storage.domain import parse_number
from storage.incident_lists import NONE as NO_INCIDENTS
from storage.incident_lists import open_incidents
from storage.queries import TicketFilter
from storage.roles import ADMIN, ENGINEER

# Only unmistakable numbers stand alone: `/ticket 404` may well be the start of a title.
BARE_NUMBER = re.compile(r"(?i)^(tkt-\d{1,12}|#\d{1,12})$")


def is_ticket_number(text: str) -> bool:
    return bool(BARE_NUMBER.match(text.strip()))


def heading(tr: Translator, role: str, flt: TicketFilter) -> str:
    """`Tickets assigned to you · Open · High · “vpn”`."""
    parts = [tr({ADMIN: "list.scope_all", ENGINEER: "list.scope_assigned"}.get(role, "list.scope_mine"))]
    parts += [status_label(tr, s) for s in flt.statuses]
    parts += [priority_label(tr, p) for p in flt.priorities]
    if flt.text:
        parts.append(f"“{escaped(flt.text, 100)}”")
    return " · ".join(parts)


def register(app: App, services: Services, router: Router) -> None:
    board = services.dashboards

    def show(invocation: Invocation, ack: Callable) -> None:
        tr = services.tr_for(invocation.user_id)
        word = invocation.rest.split()[0] if invocation.rest.split() else ""
        number = parse_number(word)
        if number is None:
            ack(text=tr("lookup.usage"), response_type="ephemeral")
            return
        # Raises TicketNotFound for a ticket the asker may not see: the same words as a missing one.
        ticket = services.tickets.get(number, invocation.user_id)
        events = services.tickets.history(number, invocation.user_id)
        staff = services.tickets.is_staff_on(ticket, invocation.user_id)
        sla = sla_line(tr, ticket, services.tickets.clock(), staff=staff)
        files = services.attachments.for_ticket(number, include_internal=staff)  # the reporter: public only
        message = ticket_detail(tr, ticket, events, services.workspace.categories, sla=sla, files=files)
        ack(**message.as_kwargs(), response_type="ephemeral")

    def list_(invocation: Invocation, ack: Callable) -> None:
        tr = services.tr_for(invocation.user_id)
        role = board.role(invocation.user_id)
        scope = {ADMIN: TicketFilter(), ENGINEER: TicketFilter(engineer_id=invocation.user_id)}
        base = scope.get(role, TicketFilter(reporter_id=invocation.user_id))
        try:
            flt = parse_filter(invocation.rest, base)
        except FilterError as error:
            ack(text=tr(error.key, word=escaped(error.word, 50)), response_type="ephemeral")
            return
        page = board.page(flt, 0, LIST_LIMIT)
        staff = role in (ADMIN, ENGINEER)
        now = services.tickets.clock() if staff else None  # staff see SLA flags
        # Staff see the open incidents first; a reporter only their own tickets' (title, status).
        incidents = open_incidents(services.db, LISTED) if staff else NO_INCIDENTS
        message = ticket_list(
            tr,
            page.tickets,
            page.total,
            heading(tr, role, flt),
            now,
            capped=page.capped,
            staff=staff,
            incidents=incidents,
        )
        ack(**message.as_kwargs(), response_type="ephemeral")

    router.add(("status", "estado", "show", "ver"), show, help_key="help.lookup")
    router.add_pattern(is_ticket_number, show)
    router.add(("list", "lista", "listar"), list_, help_key="help.list")
