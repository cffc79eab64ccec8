"""Socket Mode's reconnect timing: pings and pong timeout from one setting, backoff that doubles."""

from __future__ import annotations

from bot.config import load_settings
from bot.socket_mode import Backoff, Timing


def test_pings_and_backoff_come_from_the_settings():
    settings = load_settings(
        {"SOCKET_MODE_PING_SECONDS": "4", "SOCKET_MODE_MAX_BACKOFF_SECONDS": "20"}, dotenv=False
    )
    timing = Timing.from_ping(settings.socket_ping_seconds, settings.socket_max_backoff_seconds)
    # websocket-client wants the pong timeout below the ping interval.
    assert (timing.ping_interval, timing.ping_timeout, timing.backoff_max) == (4, 2, 20)
    defaults = load_settings({}, dotenv=False)
    assert (defaults.socket_ping_seconds, defaults.socket_max_backoff_seconds) == (10, 30)


def test_backoff_is_none_after_a_healthy_connection_then_doubles_up_to_the_cap():
    backoff = Backoff(base=1, cap=30)
    assert backoff.delay() == 0
    waits = []
    for failures in range(1, 9):
        backoff.failures = failures
        waits.append(backoff.delay())
    for wait, full in zip(waits, [1, 2, 4, 8, 16, 30, 30, 30], strict=True):
        assert 0.8 * full <= wait <= full  # jitter only ever shortens, so the cap holds
