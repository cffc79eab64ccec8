"""Slack's rate limits, modelled for the fake (opt in: ``fake.enforce_limits()``).

As documented (api.slack.com/apis/rate-limits): chat.postMessage about one message a second per
channel, short bursts tolerated, under a workspace ceiling of several hundred a minute; Tier 3
methods ~50 a minute per workspace, Tier 4 ~100. A call over a limit gets HTTP 429 with
``Retry-After`` (whole seconds) and draws nothing. Calls that arrive on a key before the
Retry-After Slack gave for it has passed are counted in ``early_calls`` (real Slack may ban an
app that keeps doing that), so a test can assert there were none.

Each budget is a token bucket kept as one time ("theoretical arrival time"); a mixin of
:class:`tests.fakes.slack_api.FakeSlack`, state under its lock.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from tests.fakes.slack_server import Reply


@dataclass(frozen=True)
class Limit:
    interval: float  # seconds per call
    burst: int  # calls that may arrive back to back


@dataclass(frozen=True)
class LimitModel:
    per_channel_post: Limit = Limit(1.0, 3)
    workspace_post: Limit = Limit(60 / 300, 30)
    tier3: Limit = Limit(60 / 50, 10)
    tier4: Limit = Limit(60 / 100, 20)


TIER_3 = frozenset(
    {"chat.update", "chat.delete", "conversations.open", "reactions.add", "users.lookupByEmail"}
)
TIER_4 = frozenset({"views.publish", "chat.postEphemeral", "users.info", "views.open", "views.update"})


class Limits:
    """``_init_limits`` runs in ``FakeSlack.__init__``."""

    _cond: threading.Condition

    def _init_limits(self) -> None:
        self._model: LimitModel | None = None
        self._tat: dict[str, float] = {}
        self._retry_until: dict[str, float] = {}  # the Retry-After given, per key
        self.early_calls: list[tuple[str, float]] = []  # (key, seconds too early)
        self.limited_answers = 0  # 429s the model gave

    def enforce_limits(self, model: LimitModel | None = None) -> None:
        with self._cond:
            self._model = model or LimitModel()

    def _keys(self, method: str, params: dict[str, Any]) -> list[tuple[str, Limit]]:
        model = self._model
        assert model is not None
        if method == "chat.postMessage":
            channel = str(params.get("channel", ""))
            channel = "D" + channel[1:] if channel[:1] in ("U", "W") else channel  # the app DM
            return [(f"{method} {channel}", model.per_channel_post), (method, model.workspace_post)]
        if method in TIER_3:
            return [(method, model.tier3)]
        if method in TIER_4:
            return [(method, model.tier4)]
        return []

    def _limit_answer(self, method: str, params: dict[str, Any], api: bool) -> Reply | None:
        """Under the lock: a 429 when the call is over a limit, else None (and the call drawn)."""
        if self._model is None or not api:
            return None
        now = time.monotonic()
        keys = self._keys(method, params)
        if not keys:
            return None
        held = keys[0][0]  # a Retry-After is for the method and the channel (a post) or the method
        until = self._retry_until.get(held, 0.0)
        if now < until:
            self.early_calls.append((held, until - now))
        wait = 0.0
        for key, limit in keys:
            tolerance = (limit.burst - 1) * limit.interval
            wait = max(wait, self._tat.get(key, 0.0) - tolerance - now)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            self._retry_until[held] = max(until, now + retry_after)
            self.limited_answers += 1
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
        for key, limit in keys:
            self._tat[key] = max(self._tat.get(key, 0.0), now) + limit.interval
        return None
