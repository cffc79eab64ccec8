"""While a reporter types in the filing modal: "Known issue: VPN outage at Bogota (INC-3) — we
are on it", with a box to join it, and "Try this first: …" for a fix staff wrote up.

The title and the description dispatch as they are typed (`dispatch_action` with
`on_character_entered`): each change is a block_actions payload carrying the view, its `hash`
and what is typed so far (`view.state.values`). It is acked at once; then the open incidents
and the written-up fixes are matched (storage.known_issues, storage.known_fixes: a few
milliseconds) and, only when what the modal should show changed, the modal is updated with
`views.update` and the view's hash. The inputs keep their block and action ids, so Slack keeps
what was typed (Slack: "Preserving input entry"); a hash that is no longer current (the person
typed on and a later update won) is Slack's `hash_conflict`, and that update is dropped.

Reporters see only incident titles and written-up fixes (the builders take nothing else).
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers import ids
from handlers.blocks.filing_hints import modal_hints, with_hints
from handlers.edge import ack_only, logs_failures
from handlers.payload import actor_of, field_value, obj, state_values, string
from handlers.services import Services
from storage.errors import DatabaseError
from storage.known_issues import matching_incidents

log = logging.getLogger("ticketbot.handlers")

FILING_VIEWS = frozenset({ids.NEW_TICKET_VIEW, ids.MESSAGE_TICKET_VIEW})
TRY_FIRST = 1  # written-up fixes shown at once: one good one reads better than a list


def register(app: App, services: Services) -> None:
    @logs_failures
    def suggest(body: dict, client: WebClient) -> None:
        view = obj(body.get("view"))
        view_id = string(view.get("id"))
        if view.get("callback_id") not in FILING_VIEWS or not view_id:
            return
        state = state_values(view)
        title = field_value(state, ids.TITLE_BLOCK, ids.TITLE_ACTION)
        description = field_value(state, ids.DESCRIPTION_BLOCK, ids.DESCRIPTION_ACTION)
        category = field_value(state, ids.CATEGORY_BLOCK, ids.CATEGORY_ACTION)
        try:
            incidents = matching_incidents(services.db, title, description, category)
            fixes = services.known_fixes.try_first(title, description, category, limit=TRY_FIRST)
        except DatabaseError:
            log.warning("filing hints: the search failed", exc_info=True)
            return  # the modal stays as it is: filing works without hints
        tr = services.tr_for(actor_of(body).user_id)
        updated = with_hints(view, modal_hints(tr, incidents[0] if incidents else None, fixes))
        if updated is None:
            return  # it shows that already: most keystrokes end here
        try:
            client.views_update(view_id=view_id, hash=string(view.get("hash")) or None, view=updated)
        except SlackApiError as error:
            if error.response.get("error") != "hash_conflict":
                raise
            log.debug("filing hints for %s: the view moved on (hash_conflict)", view_id)

    for action_id in (ids.TITLE_ACTION, ids.DESCRIPTION_ACTION):
        app.action(action_id)(services.after_ack.listener(ack_only, suggest))
