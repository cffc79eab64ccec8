"""Delivery that paces itself: every Slack call of the deliverers draws on Slack's rate budgets
first (storage.slack_pacing, shared by every delivery process through the database).

Slack's model (api.slack.com/apis/rate-limits): chat.postMessage about one message a second per
channel (short bursts tolerated) under a workspace-wide ceiling of several hundred a minute;
Tier 3 methods (chat.update, chat.delete, conversations.open, reactions.add) ~50 a minute per workspace;
Tier 4 (views.publish, chat.postEphemeral, users.info) ~100. The budgets below sit a little
under those, so that calls taken in order but arriving a little out of order stay within them.

A call its budgets cannot take now is not made: the row is `Deferred` to when they can (no
attempt counted, no backoff growing while the channel sits idle). A 429 holds the method (for
chat.postMessage: the method and that channel) until its Retry-After has passed, for every row
and every process; other channels and DMs keep flowing. Nothing here sleeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from bot.dispatcher import Deferred, Retry
from bot.slack_errors import call
from storage import slack_pacing
from storage.db import Database
from storage.slack_pacing import Budget

POST = "chat.postMessage"
CHANNEL_INTERVAL, CHANNEL_BURST = 1.1, 2  # one a second per channel, short bursts tolerated
WORKSPACE_POSTS = Budget(POST, 60 / 270, 10)  # "several hundred a minute"
TIER_3 = (60 / 45, 5)  # ~50 a minute
TIER_4 = (60 / 90, 10)  # ~100 a minute
WORKSPACE_BUDGETS = {
    "chat.update": TIER_3,
    "chat.delete": TIER_3,
    "conversations.open": TIER_3,
    "reactions.add": TIER_3,
    "views.publish": TIER_4,
    "chat.postEphemeral": TIER_4,
    "users.info": TIER_4,
}


def method_name(method: Callable[..., Any]) -> str:
    """`client.chat_postMessage` → "chat.postMessage" (WebClient names methods so)."""
    return getattr(method, "__name__", "unknown").replace("_", ".")


def channel_budget(channel: str) -> Budget:
    return Budget(f"{POST} {channel}", CHANNEL_INTERVAL, CHANNEL_BURST)


def budgets(name: str, channel: str | None) -> list[Budget]:
    if name == POST:
        return [channel_budget(channel or "?"), WORKSPACE_POSTS]
    rate = WORKSPACE_BUDGETS.get(name)
    return [Budget(name, *rate)] if rate else []


def hold_key(name: str, channel: str | None) -> str:
    """What a 429 holds: chat.postMessage per channel, any other method workspace-wide."""
    return channel_budget(channel or "?").key if name == POST else name


class Pacer:
    """`pacer.call(client.chat_postMessage, channel=…, …)`: `slack_errors.call` within budgets."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.time, *, enabled: bool = True) -> None:
        """`enabled=False` (SLACK_PACING=false): calls go at once, a 429 is a plain `Retry`."""
        self.db = db
        self.clock = clock
        self.enabled = enabled
        # Rows waiting on one key are given due times a budget interval apart, in the order they
        # asked (in this process): they then come back one by one, not all at the first free slot.
        self._queue: dict[str, float] = {}
        self._dm: dict[str, str] = {}  # user id → the app's DM channel with them, as Slack answered
        self._lock = threading.Lock()

    def call(self, method: Callable[..., Any], *, queue: bool = True, **kwargs: Any) -> Any:
        if not self.enabled:
            return call(method, **kwargs)
        name, channel = method_name(method), self._canonical(kwargs.get("channel"))
        self.admit(name, channel, queue=queue)
        response = self.after(name, channel, lambda: call(method, **kwargs))
        self._learn(kwargs.get("channel"), response)
        return response

    def _canonical(self, channel: str | None) -> str | None:
        """A post to a user id lands in the app's DM with them, whose id thread replies then use:
        one channel, one budget, under whichever name we know it."""
        with self._lock:
            return self._dm.get(channel, channel) if channel else channel

    def _learn(self, asked: str | None, response: Any) -> None:
        if asked and asked[:1] in ("U", "W"):
            try:
                answered = response["channel"]
            except (KeyError, TypeError):
                return
            if isinstance(answered, str) and answered != asked:
                with self._lock:
                    self._dm[asked] = answered

    def admit(self, name: str, channel: str | None, *, queue: bool = True) -> None:
        """Draw on the budgets of one call, or raise `Deferred` (`queue`: spread the waiters)."""
        if not self.enabled:
            return
        keyed = budgets(name, channel)
        held = hold_key(name, channel)
        now = self.clock()
        # A 429 on a method Slack limits but we do not budget (chat.getPermalink…) holds it too.
        extra = [] if any(b.key == held for b in keyed) else [Budget(held, 0.0)]
        verdict = slack_pacing.take(self.db, keyed + extra, now)
        if verdict.wait <= 0:
            return
        wait = verdict.wait
        if queue and verdict.interval > 0:
            with self._lock:
                wait = max(wait, self._queue.get(held, 0.0) - now)
                self._queue[held] = now + wait + verdict.interval
        reason = "Slack's Retry-After" if verdict.held else "rate budget"
        raise Deferred(f"{name} {channel or ''}: {reason}".strip(), wait)

    def after(self, name: str, channel: str | None, send: Callable[[], Any]) -> Any:
        """Make the call; a 429 holds its key for everyone and defers this row to its end."""
        if not self.enabled:
            return send()
        try:
            return send()
        except Retry as error:
            raise self.limited(name, channel, error) from error

    def limited(self, name: str, channel: str | None, error: Retry) -> Exception:
        """What a failed call becomes: a 429 holds its key for everyone and defers the row to
        its end; any other failure stays as it was."""
        if not self.enabled or error.retry_after is None or str(error) != "ratelimited":
            return error
        slack_pacing.hold(self.db, hold_key(name, channel), self.clock() + error.retry_after)
        return Deferred(f"{name} {channel or ''}: 429", error.retry_after)

    def free(self, name: str, channel: str) -> int:
        """Calls of `name` to `channel` its own budget would take now (a look)."""
        if not self.enabled:
            return 1_000_000
        return slack_pacing.free(self.db, budgets(name, channel)[0], self.clock())
