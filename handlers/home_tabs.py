"""Drawing a person's Home tab by role: the admin's overview, the engineer's queue, the
reporter's tickets (handlers/home.py publishes it on `app_home_opened` and after every click on
it, from the filter and page kept in the view's private_metadata). Each draw is a handful of
reads: counters, one page, a count.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from handlers.blocks.charts import home_chart_blocks
from handlers.blocks.csat import dashboard_blocks as csat_dashboard
from handlers.blocks.incident_lists import LISTED, open_incidents_blocks
from handlers.blocks.reporter_home import HOME_TICKETS, reporter_home
from handlers.blocks.staff_home import PAGE_SIZE, admin_home, engineer_home
from handlers.filters import filter_to_value
from handlers.home_state import HomeState
from handlers.i18n import Translator
from handlers.payload import actor_of, from_home, obj, string
from handlers.services import Services
from storage.charts import ADMIN_HOME, engineer_home_key, stored
from storage.domain import NOT_CLOSED_STATUSES
from storage.incident_lists import open_incidents
from storage.queries import NEWEST, QUEUE, TicketFilter
from storage.roles import ADMIN, ENGINEER

log = logging.getLogger("ticketbot.handlers")


class HomeTabs:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.board = services.dashboards

    def publish(
        self, client: WebClient, user_id: str, state: HomeState | None = None, replacing: dict | None = None
    ) -> None:
        """`replacing`: the view a click came from. Its `hash` makes Slack refuse this publish if
        another one replaced that view meanwhile (two quick clicks): the newer tab stays."""
        view = self.render(user_id, state or HomeState())
        hash_ = string((replacing or {}).get("hash"))
        try:
            client.views_publish(user_id=user_id, view=view, **({"hash": hash_} if hash_ else {}))
        except SlackApiError as error:
            if error.response.get("error") != "hash_conflict":
                raise
            log.debug("the Home tab of %s was redrawn meanwhile: this older draw is dropped", user_id)

    def republish_after(self, client: WebClient, body: dict) -> None:
        """After a click on someone's Home tab changed a ticket: draw their tab again, same filter."""
        if from_home(body):
            view = obj(body.get("view"))
            state = HomeState.from_metadata(view.get("private_metadata"))
            self.publish(client, actor_of(body).user_id, state, replacing=view)

    def render(self, user_id: str, state: HomeState) -> View:
        """Drawn in the viewer's language."""
        role, tr = self.board.role(user_id), self.services.tr_for(user_id)
        if role == ADMIN:
            return self._admin(tr, user_id, state)
        if role == ENGINEER:
            return self._engineer(tr, user_id, state)
        tickets, total = self.services.tickets.reported_by(user_id, limit=HOME_TICKETS)
        return reporter_home(tr, tickets, total, filter_to_value(TicketFilter(), "mine"))

    def _admin(self, tr: Translator, user_id: str, state: HomeState) -> View:
        workspace = self.services.workspace
        shown = state.filter(TicketFilter())
        page = self.board.page(shown, state.page, PAGE_SIZE, NEWEST)
        counters = self.board.admin_counters(self.board.zone(user_id))
        now = self.services.tickets.clock()
        needs_picker = any(t.engineer_id is None for t in page.tickets)
        engineers = self.services.people.engineers() if needs_picker else []
        return admin_home(
            tr,
            counters,
            page,
            state.but(page=page.number),
            engineers,
            workspace.specialty_for,
            filter_to_value(shown, "all"),
            sla=self.board.sla_counts(now),
            now=now,
            satisfaction=csat_dashboard(tr, self.board.satisfaction()),
            chart=home_chart_blocks(tr, stored(self.services.db, ADMIN_HOME)),  # read only
            incidents=open_incidents_blocks(tr, open_incidents(self.services.db, LISTED)),
        )

    def _engineer(self, tr: Translator, user_id: str, state: HomeState) -> View:
        queue = TicketFilter(engineer_id=user_id, statuses=NOT_CLOSED_STATUSES)
        page = self.board.page(queue, state.page, PAGE_SIZE, QUEUE)
        counters = self.board.engineer_counters(user_id, self.board.zone(user_id))
        export = filter_to_value(TicketFilter(statuses=NOT_CLOSED_STATUSES), "assigned")
        now = self.services.tickets.clock()
        sla = self.board.sla_counts(now, user_id)
        chart = home_chart_blocks(tr, stored(self.services.db, engineer_home_key(user_id)))
        return engineer_home(tr, counters, page, state.but(page=page.number), export, now, sla, chart=chart)
