"""A fake Slack Web API that the app talks to over real HTTP.

Why a real server instead of mocking ``WebClient``: the app's own request building
(JSON vs form bodies, token headers, ``files_upload_v2``'s three-step dance,
``respond()`` posting to a response_url) is exactly where integration bugs hide, so
tests point ``WebClient(base_url=fake.base_url)`` here and let slack_sdk do its job.

Every request is recorded as a :class:`Call`; everything the app asks Slack to render
is checked against Block Kit limits, and problems land in ``fake.violations`` instead
of crashing the server, so a test can simply ``assert fake.violations == []``.

Note: ``WebClient`` honours ``HTTPS_PROXY``/``HTTP_PROXY`` and then ignores ``NO_PROXY``,
so tests must clear those variables or even 127.0.0.1 traffic goes to the proxy.
"""

from __future__ import annotations

import contextlib
import functools
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any

from tests.fakes.blockkit import block_problems, request_problems, view_problems
from tests.fakes.slack_faults import Faults
from tests.fakes.slack_files import SharedFiles
from tests.fakes.slack_limits import Limits
from tests.fakes.slack_methods import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, Json, WebApiMethods
from tests.fakes.slack_parsing import decode_json_fields
from tests.fakes.slack_server import Handler, Reply
from tests.fakes.slack_views import Views

# Names tests and benches import from here, wherever they now live.
__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_ID",
    "Call",
    "FakeSlack",
    "block_problems",
    "view_problems",
]


@dataclass(frozen=True)
class Call:
    """One request the fake received. ``failed`` means the answer was not a success
    (injected failure, auth error, invalid blocks, any ``ok: false``); ``error`` says which."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]  # names lower-cased
    at: float  # time.monotonic() on arrival
    failed: bool = False
    error: str | None = None
    status: int = 200


class FakeSlack(Faults, Limits, Views, SharedFiles, WebApiMethods):
    """In-process Slack Web API. Use as ``with FakeSlack() as fake:`` or start()/stop().
    Fault injection (``fail``, ``rate_limit``, ``hold``...) comes from :class:`Faults`; the
    workspace and its Web API methods (``add_user``, ``message``...) from :class:`WebApiMethods`;
    views and the triggers they need (``issue_trigger``) from :class:`Views`; Slack's rate limits,
    when a test opts in (``enforce_limits``), from :class:`Limits`."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        """`tls`: serve HTTPS with this server context (slack.com is HTTPS only)."""
        self.tls = tls
        # Sent back as X-OAuth-Scopes on every Web API answer, as Slack does.
        self.scopes: list[str] = [
            "commands",
            "chat:write",
            "im:write",
            "users:read",
            "users:read.email",
            "files:write",
            "channels:read",
            "groups:read",
            "im:read",
            "mpim:read",
            "reactions:read",
            "channels:history",
            "groups:history",
            "im:history",
            "reactions:write",
            "files:read",
        ]
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[Call] = []
        self._handlers: dict[str, Callable[[dict[str, Any]], Json]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()  # open keep-alive connections
        self.connections_opened = 0
        self.violations: list[str] = []
        self._init_faults()
        self._init_limits()
        self._init_workspace()
        self._init_views()
        self._init_shared_files()

    # ---- lifecycle
    def start(self) -> FakeSlack:
        handler = type("_BoundHandler", (Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        # A short poll interval keeps stop() (which waits for the next poll) from adding 0.5s per test.
        serve = functools.partial(self._server.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, name="fake-slack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        self._server = self._thread = None
        # A stopped Slack answers nothing, on kept connections either.
        with self._cond:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def drop_connections(self) -> None:
        """Close every idle keep-alive connection from the server's side, as a server does after
        its keep-alive timeout."""
        with self._cond:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def _opened(self, connection: socket.socket) -> None:
        with self._cond:
            self._connections.add(connection)
            self.connections_opened += 1

    def _closed(self, connection: socket.socket) -> None:
        with self._cond:
            self._connections.discard(connection)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """What ``WebClient(base_url=...)`` wants; the trailing slash matters (it urljoins)."""
        return f"{self.root_url}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.root_url}/response/{name}"

    # ---- test set-up
    def on(self, method: str, handler: Callable[[dict[str, Any]], Json]) -> None:
        """Answer ``method`` with ``handler(params)`` (a dict; "ok": true is added unless
        present) — for methods this fake does not know, or to override one."""
        with self._cond:
            self._handlers[method] = handler

    def reset(self) -> None:
        """Forget calls, violations and pending failures; keep users, messages, views and
        files so a test can reset between phases and still update earlier messages."""
        with self._cond:
            self._calls.clear()
            self.violations.clear()
            self._forget_faults()

    # ---- inspection
    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda call: True,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        """Block until ``count`` matching calls were seen; return all matches so far.
        The app answers Slack asynchronously (ack first, work later), hence no sleeps."""

        def matches() -> list[Call]:
            found = []
            for call in self._calls:
                try:
                    if call.method == method and predicate(call):
                        found.append(call)
                except (KeyError, IndexError, TypeError, AttributeError):
                    pass  # a predicate poking at a param this call lacks is simply "no match"
            return found

        deadline = time.monotonic() + timeout
        with self._cond:
            while len(found := matches()) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"waited {timeout}s for {count} matching {method!r} call(s), saw "
                        f"{len(found)}; all calls:\n{self._describe_calls()}"
                    )
                self._cond.wait(remaining)
            return found

    def _describe_calls(self) -> str:
        if not self._calls:
            return "  (no calls at all)"
        lines = []
        for i, c in enumerate(self._calls):
            params = json.dumps(c.params, default=repr, ensure_ascii=False)
            params = params if len(params) <= 300 else params[:300] + "…"
            flag = f" FAILED({c.error})" if c.failed else ""
            lines.append(f"  #{i} +{(c.at - self._calls[0].at) * 1000:.0f}ms {c.method}{flag} {params}")
        return "\n".join(lines)

    # ---- request dispatch (called from server threads)
    def handle(self, method: str, params: dict[str, Any], headers: dict[str, str], api: bool = True) -> Reply:
        """Answer one request and record it, all under the lock so waiters see it at once.
        ``api`` is False for upload URLs and response_urls: no token, ``_endpoint_*`` handlers."""
        self._wait_at_hold(method)
        arrived = time.monotonic()
        with self._cond:
            try:
                reply = self._answer(method, params, headers, api)
            except Exception as exc:  # a bug in the fake must fail the test, not hang the client
                self.violations.append(f"fake Slack crashed handling {method}: {exc!r}")
                reply = (500, {"ok": False, "error": "fake_crashed"}, {})
            status, body, _ = reply
            error = body.get("error") if isinstance(body, dict) and not body.get("ok") else None
            if status != 200:
                error = error or f"http_{status}"
            self._calls.append(Call(method, params, headers, arrived, error is not None, error, status))
            self._cond.notify_all()
        return reply

    def _answer(self, method: str, params: dict[str, Any], headers: dict[str, str], api: bool) -> Reply:
        token = headers.get("authorization", "").removeprefix("Bearer ") or str(params.get("token", ""))
        # apps.connections.open takes the app-level token (xapp-) and only it; the rest, xox* tokens.
        wanted = "xapp-" if method == "apps.connections.open" else "xox"
        if api and not token.startswith(wanted):
            wrong_kind = token.startswith(("xapp-", "xox"))
            return 200, {"ok": False, "error": "not_allowed_token_type" if wrong_kind else "not_authed"}, {}
        fault = self._injected_fault(method, api) or self._limit_answer(method, params, api)
        if fault is not None:
            return fault
        problems = decode_json_fields(params)  # if that fails, validating the raw text would only repeat it
        if not problems:
            problems = request_problems(method, params)
        if problems:
            self.violations.extend(problems)
            return 200, {"ok": False, "error": "invalid_blocks"}, {}
        custom = self._handlers.get(method)
        builtin = getattr(self, ("_api_" if api else "_endpoint_") + method.replace(".", "_"), None)
        if custom is None and builtin is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        result = custom(params) if custom is not None else builtin(params)
        if isinstance(result, tuple):  # an endpoint with its own status and headers (downloads)
            return result
        if isinstance(result, str):  # plain-text endpoints (upload URLs, response_urls)
            return 200, result, {}
        scopes = {"X-OAuth-Scopes": ",".join(self.scopes)} if api else {}
        return 200, (result if "ok" in result else {"ok": True, **result}), scopes
