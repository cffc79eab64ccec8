"""How the listeners' Web API client retries: on the spot, but never asleep on a trigger.

A `trigger_id` lives 3 seconds. Waiting out a 429's `Retry-After` (5 s is common) before a
`views.open` guarantees Slack refuses it (`expired_trigger_id`), and the thread asleep in the
retry is one the next modal cannot have. So a trigger-bound call (`views.open`, `views.push`)
is not retried on a 429 (the failure is logged by the listener), and after a 5xx or a dropped
connection it is retried at once, without the backoff. Every other call keeps slack_sdk's
retries, sleeping included: those run on handlers/after_ack.py's general pool.
"""

from __future__ import annotations

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest

TRIGGER_BOUND = frozenset({"views.open", "views.push"})


def trigger_bound(request: HttpRequest) -> bool:
    return request.url.split("?", 1)[0].rsplit("/", 1)[-1] in TRIGGER_BOUND


class _RateLimits(RateLimitErrorRetryHandler):
    def _can_retry(self, *, request: HttpRequest, **rest) -> bool:
        return not trigger_bound(request) and super()._can_retry(request=request, **rest)


class _AtOnceOnTriggers(RetryHandler):
    """The backoff sleep, skipped for a trigger-bound call (the retry itself is kept)."""

    def prepare_for_next_attempt(self, *, state, request: HttpRequest, response=None, error=None) -> None:
        if not trigger_bound(request):
            super().prepare_for_next_attempt(state=state, request=request, response=response, error=error)
            return
        state.next_attempt_requested = True
        state.increment_current_attempt()


class _ServerErrors(_AtOnceOnTriggers, ServerErrorRetryHandler):
    pass


class _ConnectionErrors(_AtOnceOnTriggers, ConnectionErrorRetryHandler):
    pass


def listener_retries() -> list[RetryHandler]:
    return [
        _RateLimits(max_retry_count=2),
        _ServerErrors(max_retry_count=2),
        _ConnectionErrors(max_retry_count=1),
    ]
