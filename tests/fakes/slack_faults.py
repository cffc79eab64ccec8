"""Fault injection for the fake Slack: failures, rate limits, held calls and broken connections.

A mixin of :class:`tests.fakes.slack_api.FakeSlack`, so a test keeps calling
``fake.fail(...)`` or ``fake.rate_limit(...)``; every fault is state under the fake's one
lock (``self._cond``), read by the request dispatch on the server threads.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass

from tests.fakes.slack_server import Reply


@dataclass
class _Failure:
    times: int
    status: int
    error: str | None
    retry_after: int | None


class Faults:
    """What can go wrong with Slack, on demand. ``_init_faults`` runs in ``FakeSlack.__init__``."""

    _cond: threading.Condition

    def _init_faults(self) -> None:
        self._failures: dict[str, _Failure] = {}
        self._hang_ups = 0  # requests still to be read and left unanswered (connection closed)
        self._cuts = 0  # requests to handle, then answer with half a body and a closed connection
        self._limited_until: float | None = None  # time.monotonic(): rate-limited until then
        self._limited_retry_after: int | None = None
        self._limited_methods: frozenset[str] | None = None  # None: every method
        self._holds: dict[str, threading.Event] = {}
        self._held: dict[str, int] = {}  # calls waiting at a hold, per method

    def hang_up(self, count: int = 1) -> None:
        """Read the next `count` requests, answer none of them and close their connections."""
        with self._cond:
            self._hang_ups += count

    def cut_answers(self, count: int = 1) -> None:
        """Handle the next `count` requests (they are recorded and take effect), but send only the
        headers and half the body of each answer, then close the connection."""
        with self._cond:
            self._cuts += count

    def _cuts_answer(self) -> bool:
        with self._cond:
            if self._cuts:
                self._cuts -= 1
                return True
            return False

    def _hangs_up(self) -> bool:
        with self._cond:
            if self._hang_ups:
                self._hang_ups -= 1
                return True
            return False

    def fail(
        self,
        method: str,
        times: int = 1,
        status: int = 500,
        error: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail: HTTP ``status`` (429 gets a
        ``Retry-After`` when given) or, with ``error``, a 200 ``{"ok": false, "error": error}``.
        Also works for the pseudo-methods "file_upload" and "response_url"."""
        with self._cond:
            self._failures[method] = _Failure(times, 200 if error else status, error, retry_after)

    def rate_limit(
        self, seconds: float, retry_after: int | None = None, methods: Collection[str] | None = None
    ) -> float:
        """Answer every Web API call (or those of ``methods``: Slack limits each method on its
        own) with HTTP 429 ``ratelimited`` for the next ``seconds``, as Slack does to an app over
        its limits. ``Retry-After`` is ``retry_after`` when given, else the seconds left (rounded
        up). Returns when it ends (``time.monotonic()``)."""
        with self._cond:
            self._limited_until = time.monotonic() + seconds
            self._limited_retry_after = retry_after
            self._limited_methods = frozenset(methods) if methods is not None else None
            return self._limited_until

    def hold(self, method: str) -> threading.Event:
        """Keep calls of ``method`` waiting, unanswered and unrecorded, until the returned event
        is set: a delivery caught in flight. ``held(method)`` counts the calls waiting."""
        gate = threading.Event()
        with self._cond:
            self._holds[method] = gate
        return gate

    def held(self, method: str) -> int:
        with self._cond:
            return self._held.get(method, 0)

    def rate_limited(self) -> bool:
        with self._cond:
            return self._limited_until is not None and time.monotonic() < self._limited_until

    def _forget_faults(self) -> None:
        """The part of ``reset()`` about faults: pending failures and any rate limit."""
        self._failures.clear()
        self._limited_until = None

    def _wait_at_hold(self, method: str) -> None:
        """Block a server thread while ``method`` is held (outside the lock, so others go on)."""
        with self._cond:
            gate = self._holds.get(method)
            waits = gate is not None and not gate.is_set()
            if waits:
                self._held[method] = self._held.get(method, 0) + 1
        if waits:
            gate.wait(60)
            with self._cond:
                self._held[method] -= 1

    def _injected_fault(self, method: str, api: bool) -> Reply | None:
        """The answer a rate limit or a pending failure gives this call, if any (under the lock)."""
        left = (self._limited_until or 0.0) - time.monotonic()
        if api and left > 0 and (self._limited_methods is None or method in self._limited_methods):
            retry_after = self._limited_retry_after or math.ceil(left)
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
        failure = self._failures.get(method)
        if failure is not None and failure.times > 0:
            failure.times -= 1
            if failure.error:
                return 200, {"ok": False, "error": failure.error}, {}
            extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            error = "ratelimited" if failure.status == 429 else "internal_error"
            return failure.status, {"ok": False, "error": error}, extra
        return None
