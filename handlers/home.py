"""The App Home tab: published when opened, redrawn by its filters and paging; its New ticket button."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from handlers import ids
from handlers.blocks.ticket_form import blank_form_of
from handlers.edge import ack_only, logs_failures
from handlers.home_state import TEXT_MAX, HomeState
from handlers.home_tabs import HomeTabs
from handlers.payload import actor_of, selected_value, string, trigger_of
from handlers.services import Services


def _selected(action: dict) -> str:
    value = selected_value(action)
    return "" if value == "all" else value


# How each control on the tab changes what it shows.
CHANGES: dict[str, Callable[[HomeState, dict], HomeState]] = {
    ids.HOME_STATUS: lambda s, a: s.but(status=_selected(a), page=0),
    ids.HOME_PRIORITY: lambda s, a: s.but(priority=_selected(a), page=0),
    ids.HOME_SEARCH: lambda s, a: s.but(text=string(a.get("value")).strip()[:TEXT_MAX], page=0),
    ids.HOME_CLEAR: lambda s, a: HomeState(),
    ids.HOME_PREVIOUS: lambda s, a: s.but(page=max(0, s.page - 1)),
    ids.HOME_NEXT: lambda s, a: s.but(page=s.page + 1),
}


def register(app: App, services: Services, homes: HomeTabs) -> None:
    @logs_failures
    def publish_home(event, client):
        user = string(event.get("user"))
        if event.get("tab", "home") != "home" or not user:
            return
        homes.publish(client, user)  # by role: admin, engineer or reporter

    app.event("app_home_opened")(services.after_ack.listener(ack_only, publish_home))

    blank_form = blank_form_of(services.workspace.categories)  # serialized once per language

    @logs_failures
    def open_modal(body, client):
        if trigger_of(body):
            language = services.tr_for(actor_of(body).user_id).language
            client.views_open(trigger_id=trigger_of(body), view=blank_form(language))

    app.action(ids.HOME_NEW_TICKET)(services.after_ack.listener(ack_only, open_modal, trigger_bound=True))

    # -- filters and paging ----------------------------------------------------------------------

    @logs_failures
    def redraw(body, action, client):
        state = HomeState.from_metadata((body.get("view") or {}).get("private_metadata"))
        # The state is validated on the way in; whose tickets is decided again from who clicked.
        user_id, changed = actor_of(body).user_id, CHANGES[action["action_id"]](state, action)
        homes.publish(client, user_id, changed, replacing=body.get("view"))

    for action_id in CHANGES:
        app.action(action_id)(services.after_ack.listener(ack_only, redraw))
