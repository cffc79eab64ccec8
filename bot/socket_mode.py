"""Socket Mode that stays connected: slack_sdk's websocket-client adapter, supervised.

Why this client: slack_sdk's built-in one, Bolt's default, never recovers from a cut TCP
connection (it logs "Failed to check the state of sock … Broken pipe" every 10 s, bolt-python
#675). The websocket-client adapter does notice a closed socket, but on its own it
- never notices a half-open connection: it pings, yet without a pong timeout no one looks
  whether the pongs come back, so a silent link stays "connected" until TCP gives up (minutes);
- retries a failed connection every half second, reusing the spent URL, with no backoff;
- reconnects from three places at once (on close, a monitor, the disconnect message).
So here one loop owns reconnecting: it runs each connection with a pong timeout and, when one
ends, asks `apps.connections.open` for a fresh URL after a backoff (none after a connection that
had been healthy). Slack's `disconnect` messages still switch at once (the library does that).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import weakref
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler as BoltHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.socket_mode.websocket_client import SocketModeClient
from websocket import WebSocketApp, WebSocketException, WebSocketTimeoutException

log = logging.getLogger("ticketbot.socket_mode")


@dataclass(frozen=True)
class Timing:
    ping_interval: float = 10.0  # a ping this often…
    ping_timeout: float = 5.0  # …and no pong within this: the connection is half-open (< interval)
    backoff_base: float = 1.0  # the wait before the 2nd attempt in a row; doubles each failure
    backoff_max: float = 30.0  # so after a long outage we are back within this of Slack's return

    @classmethod
    def from_ping(cls, ping_seconds: float, backoff_max: float) -> Timing:
        return cls(ping_seconds, ping_seconds / 2, min(1.0, backoff_max), backoff_max)


class Backoff:
    """Failures in a row -> the wait before the next attempt: 0 after none, then base·2ⁿ up to
    the cap, each shortened by up to a fifth at random so that many bots do not retry in step."""

    def __init__(self, base: float, cap: float) -> None:
        self.base, self.cap = base, cap
        self.failures = 0

    def delay(self) -> float:
        if self.failures == 0:
            return 0.0
        return min(self.cap, self.base * 2 ** (self.failures - 1)) * random.uniform(0.8, 1.0)


class RecoveringSocketModeClient(SocketModeClient):
    def __init__(self, app_token: str, web_client: WebClient, logger: logging.Logger, timing: Timing) -> None:
        # Set before the base class starts its session thread, which calls _run_current_session.
        self.timing = timing
        self._backoff = Backoff(timing.backoff_base, timing.backoff_max)
        self._stopping = threading.Event()
        self._ran: WebSocketApp | None = None  # the session the runner last started
        self._session_thread: threading.Thread | None = None
        self._opened_at: weakref.WeakKeyDictionary[WebSocketApp, float] = weakref.WeakKeyDictionary()
        self._errors: weakref.WeakKeyDictionary[WebSocketApp, str] = weakref.WeakKeyDictionary()
        self._down_since: float | None = None
        super().__init__(
            app_token,
            logger=logger,
            web_client=web_client,
            auto_reconnect_enabled=False,  # our loop reconnects, not the library's three paths
            ping_interval=timing.ping_interval,
            on_open_listeners=[self._on_open],
            on_message_listeners=[self._on_message],
            on_error_listeners=[self._on_error],
        )

    def close(self) -> None:
        self._stopping.set()
        super().close()

    # ---- the session loop (the base class's runner thread calls this every 0.5 s)
    def _run_current_session(self) -> None:
        session = self.current_session
        if session is None or self._stopping.is_set():
            return
        if session is self._ran:
            if self._session_thread is not None and self._session_thread.is_alive():
                return  # still connected (or winding down)
            if not self._reconnect():
                return
            session = self.current_session
        # Each connection reads on a thread of its own: one that Slack asked us to replace may
        # take up to ping_timeout to notice its close, and the new one must not wait for that.
        self._ran = session
        self._session_thread = threading.Thread(
            target=self._run_session, args=(session,), name="socket-mode-session", daemon=True
        )
        self._session_thread.start()

    def _run_session(self, session: WebSocketApp) -> None:
        try:
            session.run_forever(
                ping_interval=self.timing.ping_interval,
                ping_timeout=self.timing.ping_timeout,
                http_proxy_host=self.http_proxy_host,
                http_proxy_port=self.http_proxy_port,
                http_proxy_auth=self.http_proxy_auth,
                proxy_type=self.proxy_type,
            )
        finally:
            self._ended(session)  # counted and logged however it ended

    def _ended(self, session: WebSocketApp) -> None:
        if self._stopping.is_set() or self.current_session is not session:
            return  # closing, or replaced on Slack's request (a disconnect): the new one runs next
        opened = self._opened_at.get(session)
        lived = time.monotonic() - opened if opened is not None else None
        if lived is not None and lived >= self.timing.ping_interval:
            self._backoff.failures = 0  # it had been healthy: reconnect at once
        else:
            self._backoff.failures += 1  # refused, or dropped at once: back off
        if self._down_since is None:
            self._down_since = time.monotonic()
        why = self._errors.get(session, "closed")
        if lived is None:
            log.warning("Socket Mode: could not connect (%s)", why)
        else:
            log.warning("Socket Mode: connection lost after %.1f s (%s)", lived, why)

    def _reconnect(self) -> bool:
        """A fresh URL and a new session, after the backoff; False if that failed (or we stop)."""
        delay = self._backoff.delay()
        if delay:
            log.info(
                "Socket Mode: reconnecting in %.1f s (%d failed in a row)", delay, self._backoff.failures
            )
            if self._stopping.wait(delay):
                return False
        with self.connect_operation_lock:
            if self.current_session is not self._ran:
                return True  # a disconnect message already switched to a new connection
            try:
                self.wss_uri = self.issue_new_wss_url()
            except (SlackClientError, OSError) as error:
                self._backoff.failures += 1
                log.warning("Socket Mode: apps.connections.open failed: %s", _short(error))
                return False
            if self._stopping.is_set():
                return False  # closed while we asked
            self.connect()
        return True

    # ---- listeners (called on the session's thread)
    def _on_open(self, session: WebSocketApp) -> None:
        self._opened_at[session] = time.monotonic()
        if self._down_since is None:
            log.info("Socket Mode: connected")
        else:
            log.info("Socket Mode: connected again after %.1f s", time.monotonic() - self._down_since)
        self._down_since = None

    def _on_message(self, session: WebSocketApp, message: str) -> None:
        if '"disconnect"' not in message:
            return  # the cheap test first: envelopes are many, disconnects rare
        try:
            parsed = json.loads(message)
        except ValueError:
            return
        if not isinstance(parsed, dict) or parsed.get("type") != "disconnect":
            return
        reason = parsed.get("reason")
        if reason == "link_disabled":
            log.warning(
                "Socket Mode: Slack disabled this app's connection (link_disabled): "
                "reconnecting with backoff until Socket Mode is enabled again"
            )
        else:
            log.info("Socket Mode: Slack asked for a new connection (%s): switching", reason)

    def _on_error(self, session: WebSocketApp, error: Exception) -> None:
        self._errors[session] = _short(error)
        sock = session.sock
        if isinstance(error, WebSocketTimeoutException) and sock is not None:
            sock.abort()  # nothing comes back on a half-open link: do not wait 3 s for a close frame


def _short(error: BaseException) -> str:
    if isinstance(error, WebSocketException) and str(error) == "ping/pong timed out":
        return "no pong: the connection was half-open"
    return f"{type(error).__name__}: {error}"


class SocketModeHandler(BoltHandler):
    """Bolt's websocket-client handler (its `handle` runs the app and acks) on our client."""

    def __init__(self, app: App, app_token: str, timing: Timing) -> None:
        # Not super().__init__: that would build a second client, with threads of its own.
        self.app = app
        self.app_token = app_token
        self.client = RecoveringSocketModeClient(app_token, app.client, app.logger, timing)
        self.client.socket_mode_request_listeners.append(self.handle)
