"""Views in the fake Slack: modals opened, pushed and updated, Home tabs published, and the
trigger_ids a modal needs, which live 3 seconds as Slack's do.

A mixin of :class:`tests.fakes.slack_api.FakeSlack`, like ``WebApiMethods`` (whose id sequence it
shares); ``_init_views`` runs in ``FakeSlack.__init__`` and the ``_api_*`` methods under its lock.

Triggers: the signed requests a test sends (tests/slack_requests.py) report each trigger_id as
issued (``issue_trigger``); a ``views.open`` or ``views.push`` more than ``trigger_lifetime``
seconds after its trigger was issued is refused ``expired_trigger_id``. A trigger_id never
issued (a test calling the Web API itself) is taken as fresh.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.slack_methods import APP_ID, BOT_ID, TEAM_ID, Json

TRIGGER_LIFETIME = 3.0  # seconds, as Slack's


class Views:
    _cond: threading.Condition
    _seq: Any  # WebApiMethods' id sequence, and its way to make ids:
    _new_id: Callable[[str], str]

    def _init_views(self) -> None:
        self._views: dict[str, Json] = {}
        self._homes: dict[str, str] = {}  # user id -> the id of their Home tab's view
        self._hashes: dict[str, set[str]] = {}  # view id -> every hash the view has had
        self._triggers: dict[str, float] = {}  # trigger_id -> time.monotonic() when issued
        self.trigger_lifetime: float | None = TRIGGER_LIFETIME  # None: triggers never expire

    # ---- test set-up
    def issue_trigger(self, trigger_id: str) -> None:
        """Slack sent the app a request carrying `trigger_id`, now (a reused id is issued again)."""
        with self._cond:
            self._triggers[trigger_id] = time.monotonic()

    def type_into(self, view_id: str, block_id: str, action_id: str, element: Json) -> Json:
        """The person types (or ticks) in a modal: its `state.values` as Slack keeps it; returns
        the view as a block_actions payload would carry it."""
        with self._cond:
            view = self._views[view_id]
            view["state"]["values"].setdefault(block_id, {})[action_id] = element
            return copy.deepcopy(view)

    # ---- inspection
    def view(self, view_id: str) -> Json | None:
        """A modal as it stands now (its blocks, hash and what was typed in it)."""
        with self._cond:
            found = self._views.get(view_id)
            return copy.deepcopy(found) if found is not None else None

    def modal(self, callback_id: str) -> Json | None:
        """The modal last opened with `callback_id`."""
        with self._cond:
            found = [v for v in self._views.values() if v.get("callback_id") == callback_id]
            return copy.deepcopy(found[-1]) if found else None

    def home(self, user_id: str) -> Json | None:
        """The Home tab `user_id` sees now (the last view published for them, with its hash)."""
        with self._cond:
            found = self._views.get(self._homes.get(user_id, ""))
            return dict(found) if found is not None else None

    # ---- Web API methods
    def _api_views_open(self, params: dict[str, Any]) -> Json:
        return self._expired(params) or self._view_reply(params)

    _api_views_push = _api_views_open

    def _api_views_update(self, params: dict[str, Any]) -> Json:
        return self._view_reply(params)

    def _api_views_publish(self, params: dict[str, Any]) -> Json:
        """A user's Home tab keeps its view id. A `hash` that view had before (not its current one)
        is a `hash_conflict`: another publish replaced the view the caller saw. A hash the fake
        never issued is accepted (tests fabricate the views of their clicks)."""
        user_id = str(params.get("user_id", ""))
        if user_id not in self._homes:
            self._homes[user_id] = self._new_id("V")
        view_id = self._homes[user_id]
        given, current = params.get("hash"), self._views.get(view_id, {}).get("hash")
        if given and given != current and given in self._hashes.get(view_id, set()):
            return {"ok": False, "error": "hash_conflict"}
        return self._store(view_id, params)

    # ---- helpers (under the lock)
    def _expired(self, params: dict[str, Any]) -> Json | None:
        issued = self._triggers.get(str(params.get("trigger_id", "")))
        if issued is None or self.trigger_lifetime is None:
            return None
        if time.monotonic() - issued > self.trigger_lifetime:
            return {"ok": False, "error": "expired_trigger_id"}
        return None

    def _view_reply(self, params: dict[str, Any]) -> Json:
        """views.open/push/update. Unknown view ids are accepted (tests fabricate interaction
        payloads), but a stale ``hash`` on a known view is a ``hash_conflict``."""
        external_id = params.get("external_id")
        by_external = [
            v["id"] for v in self._views.values() if external_id and v.get("external_id") == external_id
        ]
        view_id = params.get("view_id") or (by_external[0] if by_external else self._new_id("V"))
        known = self._views.get(view_id)
        if known and params.get("hash") and params["hash"] != known["hash"]:
            return {"ok": False, "error": "hash_conflict"}
        return self._store(view_id, params)

    def _store(self, view_id: str, params: dict[str, Any]) -> Json:
        # Slack's "Preserving input entry": what was typed survives an update in the inputs whose
        # block_id and action_id the new view still has; the rest is gone.
        kept: dict[str, dict[str, Json]] = {}
        typed = self._views.get(view_id, {}).get("state", {}).get("values", {})
        for block in params["view"].get("blocks") or []:
            if not isinstance(block, dict) or block.get("type") != "input":
                continue
            action = (block.get("element") or {}).get("action_id")
            if action in typed.get(block.get("block_id"), {}):
                kept.setdefault(block["block_id"], {})[action] = typed[block["block_id"]][action]
        view = {
            "private_metadata": "",
            "callback_id": "",
            **params["view"],
            "id": view_id,
            "team_id": TEAM_ID,
        }
        view.update(
            app_id=APP_ID,
            bot_id=BOT_ID,
            state={"values": kept},
            hash=f"{int(time.time())}.{next(self._seq):08x}",
        )
        self._views[view_id] = view
        self._hashes.setdefault(view_id, set()).add(view["hash"])
        return {"view": view}
