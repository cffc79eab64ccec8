"""The Home tab by role: the admin's overview, the engineer's queue, the reporter's tickets.

Drawn on `app_home_opened` and again after every click on it, from the filter and page kept in
the view's private_metadata. Each draw is a handful of reads: counters, one page, a count.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from handlers import ids
from handlers.blocks.csat import dashboard_blocks as csat_dashboard
from handlers.blocks.dashboards import PAGE_SIZE, admin_home, engineer_home
from handlers.blocks.home import HOME_TICKETS, reporter_home
from handlers.edge import logs_failures
from handlers.feedback import actor_of, from_home
from handlers.filters import filter_to_value
from handlers.home_state import TEXT_MAX, HomeState
from handlers.services import Services
from storage.domain import Status
from storage.queries import NEWEST, QUEUE, TicketFilter
from storage.roles import ADMIN, ENGINEER

QUEUE_STATUSES = (Status.OPEN.value, Status.IN_PROGRESS.value, Status.ON_HOLD.value)


class HomeTabs:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.board = services.dashboards

    def publish(self, client: WebClient, user_id: str, state: HomeState | None = None) -> None:
        client.views_publish(user_id=user_id, view=self.render(user_id, state or HomeState()))

    def republish_after(self, client: WebClient, body: dict) -> None:
        """After a click on someone's Home tab changed a ticket: draw their tab again, same filter."""
        if from_home(body):
            state = HomeState.from_metadata(body["view"].get("private_metadata"))
            self.publish(client, actor_of(body).user_id, state)

    def render(self, user_id: str, state: HomeState) -> View:
        role = self.board.role(user_id)
        if role == ADMIN:
            return self._admin(user_id, state)
        if role == ENGINEER:
            return self._engineer(user_id, state)
        tickets, total = self.services.tickets.reported_by(user_id, limit=HOME_TICKETS)
        return reporter_home(self.services.tr, tickets, total, filter_to_value(TicketFilter(), "mine"))

    def _admin(self, user_id: str, state: HomeState) -> View:
        workspace = self.services.workspace
        shown = state.filter(TicketFilter())
        page = self.board.page(shown, state.page, PAGE_SIZE, NEWEST)
        counters = self.board.admin_counters(self.board.zone(user_id))
        now = self.services.tickets.clock()
        needs_picker = any(t.engineer_id is None for t in page.tickets)
        engineers = self.services.people.engineers() if needs_picker else []
        return admin_home(
            self.services.tr,
            counters,
            page,
            state.but(page=page.number),
            engineers,
            workspace.specialty_for,
            filter_to_value(shown, "all"),
            sla=self.board.sla_counts(now),
            now=now,
            satisfaction=csat_dashboard(self.services.tr, self.board.satisfaction()),
        )

    def _engineer(self, user_id: str, state: HomeState) -> View:
        queue = TicketFilter(engineer_id=user_id, statuses=QUEUE_STATUSES)
        page = self.board.page(queue, state.page, PAGE_SIZE, QUEUE)
        counters = self.board.engineer_counters(user_id, self.board.zone(user_id))
        export = filter_to_value(TicketFilter(statuses=QUEUE_STATUSES), "assigned")
        now = self.services.tickets.clock()
        sla = self.board.sla_counts(now, user_id)
        return engineer_home(self.services.tr, counters, page, state.but(page=page.number), export, now, sla)


def _selected(action: dict) -> str:
    value = (action.get("selected_option") or {}).get("value", "")
    return "" if value == "all" else value


# How each control on the tab changes what it shows.
CHANGES: dict[str, Callable[[HomeState, dict], HomeState]] = {
    ids.HOME_STATUS: lambda s, a: s.but(status=_selected(a), page=0),
    ids.HOME_PRIORITY: lambda s, a: s.but(priority=_selected(a), page=0),
    ids.HOME_SEARCH: lambda s, a: s.but(text=(a.get("value") or "").strip()[:TEXT_MAX], page=0),
    ids.HOME_CLEAR: lambda s, a: HomeState(),
    ids.HOME_PREVIOUS: lambda s, a: s.but(page=max(0, s.page - 1)),
    ids.HOME_NEXT: lambda s, a: s.but(page=s.page + 1),
}


def register(app: App, services: Services, homes: HomeTabs) -> None:
    def ack_now(ack):
        ack()

    @logs_failures
    def redraw(body, action, client):
        state = HomeState.from_metadata((body.get("view") or {}).get("private_metadata"))
        # The state is validated on the way in; whose tickets is decided again from who clicked.
        homes.publish(client, actor_of(body).user_id, CHANGES[action["action_id"]](state, action))

    for action_id in CHANGES:
        app.action(action_id)(services.after_ack.listener(ack_now, redraw))
