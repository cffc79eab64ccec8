"""The staff Home tabs: the admin's overview and the engineer's work queue.

Both page their tickets (Slack allows 100 blocks per view): the admin's page is one block per
ticket, the engineer's two (the ticket, then its buttons), plus a fixed dozen around them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers import ids
from handlers.blocks.actions import assign_select, work_buttons
from handlers.blocks.cards import PRIORITY_EMOJI, priority_label, status_label
from handlers.blocks.detail import list_line
from handlers.home_state import TEXT_MAX, HomeState
from handlers.i18n import Translator
from handlers.text import slack_date
from storage.dashboards import AdminCounters, EngineerCounters, Page
from storage.domain import Priority, Status
from storage.people import EngineerLoad

PAGE_SIZE = 20


def _fields(pairs: Sequence[tuple[str, object]]) -> SectionBlock:
    return SectionBlock(fields=[MarkdownTextObject(text=f"*{label}*\n{value}") for label, value in pairs])


def _priorities_line(tr: Translator, by_priority: dict[str, int]) -> ContextBlock:
    parts = [
        f"{PRIORITY_EMOJI[p.value]} {tr(f'priority.{p.value}')}: *{by_priority[p.value]}*" for p in Priority
    ]
    return ContextBlock(elements=[MarkdownTextObject(text=tr("dash.by_priority", counts=" · ".join(parts)))])


def _sla_line(tr: Translator, counts: dict[str, int]) -> ContextBlock:
    text = tr("dash.sla", at_risk=counts["at_risk"], breached=counts["breached"])
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _top_buttons(tr: Translator, export_value: str) -> ActionsBlock:
    return ActionsBlock(
        block_id="home_top",
        elements=[
            ButtonElement(text=tr("home.new_ticket"), action_id=ids.HOME_NEW_TICKET, style="primary"),
            ButtonElement(text=tr("dash.export"), action_id=ids.EXPORT_EXCEL, value=export_value),
        ],
    )


def _showing(tr: Translator, page: Page) -> ContextBlock:
    text = tr("dash.showing", first=page.first, last=page.last, total=page.total_text)
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _pager(tr: Translator, page: Page) -> list[Block]:
    buttons = []
    if page.has_previous:
        buttons.append(ButtonElement(text=tr("dash.previous"), action_id=ids.HOME_PREVIOUS, value="prev"))
    if page.has_next:
        buttons.append(ButtonElement(text=tr("dash.next"), action_id=ids.HOME_NEXT, value="next"))
    return [ActionsBlock(block_id="home_pager", elements=buttons)] if buttons else []


def _select(tr: Translator, action_id: str, every: str, choices: list[tuple[str, str]], chosen: str):
    options = [Option(value="all", label=tr(every))] + [Option(value=v, label=label) for v, label in choices]
    initial = next((o for o in options if o.value == (chosen or "all")), options[0])
    return StaticSelectElement(
        action_id=action_id, placeholder=tr(every), options=options, initial_option=initial
    )


def _filters(tr: Translator, state: HomeState) -> list[Block]:
    statuses = [(s.value, status_label(tr, s.value)) for s in Status]
    priorities = [(p.value, priority_label(tr, p.value)) for p in Priority]
    search = PlainTextInputElement(
        action_id=ids.HOME_SEARCH,
        initial_value=state.text or None,
        max_length=TEXT_MAX,
        placeholder=tr("dash.search_hint"),
        dispatch_action_config={"trigger_actions_on": ["on_enter_pressed"]},
    )
    return [
        ActionsBlock(
            block_id="home_filters",
            elements=[
                _select(tr, ids.HOME_STATUS, "dash.every_status", statuses, state.status),
                _select(tr, ids.HOME_PRIORITY, "dash.every_priority", priorities, state.priority),
                ButtonElement(text=tr("dash.clear"), action_id=ids.HOME_CLEAR, value="clear"),
            ],
        ),
        # A fresh block id per search: Slack keeps what was typed in a block it has seen before.
        InputBlock(
            block_id=f"home_search_{zlib.crc32(state.text.encode()):08x}",
            label=tr("dash.search"),
            element=search,
            dispatch_action=True,
            optional=True,
        ),
    ]


def admin_home(
    tr: Translator,
    counters: AdminCounters,
    page: Page,
    state: HomeState,
    engineers: Sequence[EngineerLoad],
    specialty_for: Callable[[str], str | None],
    export_value: str,
    sla: dict[str, int] | None = None,
    now: datetime | None = None,
    satisfaction: Sequence[Block] = (),
    chart: Sequence[Block] = (),  # handlers.blocks.charts.home_chart_blocks
    incidents: Sequence[Block] = (),  # handlers.blocks.incident_lists.open_incidents_blocks: first
) -> View:
    by_status = counters.by_status
    blocks: list[Block] = [
        HeaderBlock(text=tr("dash.admin_title")),
        *incidents,
        _fields(
            [
                (tr("status.open"), by_status["open"]),
                (tr("status.in_progress"), by_status["in_progress"]),
                (tr("status.on_hold"), by_status["on_hold"]),
                (tr("dash.closed_today"), counters.closed_today),
                (tr("dash.unassigned"), counters.unassigned),
            ]
        ),
        _priorities_line(tr, counters.by_priority),
        *([_sla_line(tr, sla)] if sla else []),
        *satisfaction,
        *chart,
        _top_buttons(tr, export_value),
        DividerBlock(),
        *_filters(tr, state),
        _showing(tr, page),
    ]
    for ticket in page.tickets:
        picker = None
        if ticket.engineer_id is None and ticket.status != Status.CLOSED.value:
            picker = assign_select(tr, ticket, engineers, specialty_for(ticket.category))
        text = MarkdownTextObject(text=list_line(tr, ticket, now))
        blocks.append(SectionBlock(block_id=f"t{ticket.id}_{ticket.version}", text=text, accessory=picker))
    blocks += _pager(tr, page)
    return View(type="home", blocks=blocks, private_metadata=state.metadata())


def age_text(tr: Translator, since: datetime, now: datetime) -> str:
    hours = int((now - since).total_seconds() // 3600)
    if hours < 48:
        return tr("dash.age_hours", count=max(hours, 0))
    return tr("dash.age_days", count=hours // 24)


def engineer_home(
    tr: Translator,
    counters: EngineerCounters,
    page: Page,
    state: HomeState,
    export_value: str,
    now: datetime,
    sla: dict[str, int] | None = None,
    chart: Sequence[Block] = (),
) -> View:
    by_status = counters.by_status
    oldest = "—"
    if counters.oldest_open is not None:
        oldest = f"{age_text(tr, counters.oldest_open, now)} ({slack_date(counters.oldest_open)})"
    blocks: list[Block] = [
        HeaderBlock(text=tr("dash.engineer_title")),
        _fields(
            [
                (tr("status.open"), by_status["open"]),
                (tr("status.in_progress"), by_status["in_progress"]),
                (tr("status.on_hold"), by_status["on_hold"]),
                (tr("dash.closed_week"), counters.closed_this_week),
                (tr("dash.oldest"), oldest),
            ]
        ),
        _priorities_line(tr, counters.by_priority),
        *([_sla_line(tr, sla)] if sla else []),
        *chart,
        _top_buttons(tr, export_value),
        DividerBlock(),
        HeaderBlock(text=tr("dash.queue")),
        _showing(tr, page),
    ]
    if not page.tickets:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=tr("dash.queue_empty"))))
    for ticket in page.tickets:
        blocks.append(
            SectionBlock(block_id=f"t{ticket.id}", text=MarkdownTextObject(text=list_line(tr, ticket, now)))
        )
        blocks.append(ActionsBlock(block_id=f"w{ticket.id}", elements=work_buttons(tr, ticket)))
    blocks += _pager(tr, page)
    return View(type="home", blocks=blocks, private_metadata=state.metadata())
