"""Slack redelivers an event it thinks we missed (`X-Slack-Retry-Num`): handle each event once.

A retry of an event this process already took is answered 200 and dropped. A retry that lands on
another process is handled again, which is harmless by construction: publishing a Home view is
idempotent, and anything that files a ticket keys it on the event or view id (`request_key`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from slack_bolt import App, BoltResponse


class SeenEvents:
    def __init__(self, capacity: int = 10_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = None
            if len(self._ids) > self._capacity:
                self._ids.popitem(last=False)
            return True


def register(app: App) -> None:
    seen = SeenEvents()

    def drop_repeated_events(request, body, next):
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if (
            isinstance(event_id, str)
            and not seen.first_time(event_id)
            and request.headers.get("x-slack-retry-num")
        ):
            return BoltResponse(status=200, body="")
        return next()

    app.middleware(drop_repeated_events)
