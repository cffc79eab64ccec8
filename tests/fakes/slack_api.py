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
import email.parser
import email.policy
import functools
import itertools
import json
import math
import socket
import ssl
import threading
import time
import zoneinfo
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

TEAM_ID, BOT_USER_ID, BOT_ID, APP_ID = "T0001", "UBOT", "BBOT", "A0001"
JSON_FIELDS = ("blocks", "view", "attachments", "metadata", "files")  # JSON text inside form bodies
MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")
MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS, MAX_VIEW_TITLE = 50, 100, 24
MAX_ID, MAX_OPTION_TEXT, MAX_OPTIONS = 255, 75, 100
MAX_SECTION_TEXT, MAX_FIELD_TEXT, MAX_HEADER_TEXT = 3000, 2000, 150

Json = dict[str, Any]
Reply = tuple[int, Any, dict[str, str]]  # (HTTP status, JSON-able body or plain text, extra headers)


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


@dataclass
class _Failure:
    times: int
    status: int
    error: str | None
    retry_after: int | None


# --------------------------------------------------------------------------- parsing


def _flatten(query: dict[str, list[str]]) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in query.items()}


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Decode multipart/form-data with the stdlib email parser (``cgi`` is gone in 3.13).
    File parts keep their raw bytes; plain fields become strings."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True) or b""
        fields[name] = payload if part.get_filename() is not None else payload.decode("utf-8")
    return fields


def parse_request(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Merge query string and body into one params dict, whatever the body encoding."""
    params = _flatten(parse_qs(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" and body:
        params.update(json.loads(body))
    elif kind == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    elif body:
        params.update(_flatten(parse_qs(body.decode("utf-8"), keep_blank_values=True)))
    return params


def _decode_json_fields(params: dict[str, Any]) -> list[str]:
    """Form bodies carry blocks/view/files as JSON text; decode them in place."""
    problems = []
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError as exc:
                problems.append(f"{key} is not valid JSON ({exc}): {value[:80]!r}")
    return problems


# ------------------------------------------------------------------ Block Kit checks


def _text_of(obj: Any) -> str:
    """Text of a text object, or of a bare string (Slack accepts both in places)."""
    return str(obj.get("text") or "") if isinstance(obj, dict) else str(obj or "")


def _limit_problems(node: Any, path: str) -> list[str]:
    """Walk the raw JSON for the limits we care most about. slack_sdk's ``validate_json``
    is not recursive, so e.g. an over-long nested ``action_id`` would slip past it."""
    if isinstance(node, list):
        return [p for i, item in enumerate(node) for p in _limit_problems(item, f"{path}[{i}]")]
    if not isinstance(node, dict):
        return []
    found: list[str] = []

    def check(label: str, value: str, limit: int) -> None:
        if len(value) > limit:
            found.append(f"{path}: {label} is {len(value)} chars (max {limit})")

    for key in ("block_id", "action_id"):
        if isinstance(node.get(key), str):
            check(key, node[key], MAX_ID)
    if node.get("type") == "section":
        check("section text", _text_of(node.get("text")), MAX_SECTION_TEXT)
        for i, field in enumerate(node.get("fields") or []):
            check(f"fields[{i}] text", _text_of(field), MAX_FIELD_TEXT)
    elif node.get("type") == "header":
        check("header text", _text_of(node.get("text")), MAX_HEADER_TEXT)
    for key in ("options", "option_groups"):
        if isinstance(node.get(key), list) and len(node[key]) > MAX_OPTIONS:
            found.append(f"{path}: {len(node[key])} {key} (max {MAX_OPTIONS})")
    for i, option in enumerate(node.get("options") or []):
        if isinstance(option, dict):
            text = _text_of(option.get("text"))
            if len(text) > MAX_OPTION_TEXT:
                found.append(f"{path}.options[{i}]: option text is {len(text)} chars (max {MAX_OPTION_TEXT})")
    for key, value in node.items():
        if isinstance(value, (dict, list)) and key != "options":
            found += _limit_problems(value, f"{path}.{key}")
    return found


def block_problems(blocks: Any, where: str, max_blocks: int) -> list[str]:
    """Every problem with a list of blocks, one readable line each."""
    if not isinstance(blocks, list):
        return [f"{where}: blocks must be a list, got {type(blocks).__name__}"]
    found = [f"{where}: {len(blocks)} blocks (max {max_blocks})"] if len(blocks) > max_blocks else []
    for i, raw in enumerate(blocks):
        path = f"{where}.blocks[{i}]"
        explicit = _limit_problems(raw, path)
        if explicit:  # our precise message beats the SDK's duplicate of the same complaint
            found += explicit
            continue
        label = f"{path} ({raw.get('type')!r})" if isinstance(raw, dict) else path
        try:
            block = Block.parse(raw)
            if block is None:
                found.append(f"{label}: unknown or missing block type")
                continue
            block.validate_json()
            block.to_dict()  # to_dict() re-validates every nested element, option and text
        except Exception as exc:  # any SDK complaint is a violation, never a server crash
            found.append(f"{label}: {exc}")
    return found


def message_problems(method: str, params: dict[str, Any]) -> list[str]:
    if method == "response_url" and params.get("delete_original"):
        return []
    found = []
    if not (params.get("text") or params.get("blocks") or params.get("attachments")):
        found.append(f"{method}: neither text, blocks nor attachments given")
    if "blocks" in params:
        found += block_problems(params["blocks"], method, MAX_MESSAGE_BLOCKS)
    return found


def view_problems(method: str, view: Any) -> list[str]:
    if not isinstance(view, dict):
        return [f"{method}: view must be an object, got {type(view).__name__}"]
    if view.get("type") not in ("modal", "home"):
        return [f"{method}: view.type must be 'modal' or 'home', got {view.get('type')!r}"]
    found = block_problems(view.get("blocks", []), f"{method} view", MAX_VIEW_BLOCKS)
    title = _text_of(view.get("title"))
    if len(title) > MAX_VIEW_TITLE:
        found.append(f"{method}: view title {title!r} is {len(title)} chars (max {MAX_VIEW_TITLE})")
    if not found:
        try:
            View(**view).validate_json()  # view-level rules: submit/close length, metadata size...
        except Exception as exc:
            found.append(f"{method}: view: {exc}")
    return found


# ---------------------------------------------------------------------- the server


class FakeSlack:
    """In-process Slack Web API. Use as ``with FakeSlack() as fake:`` or start()/stop()."""

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
            "reactions:read",
            "channels:history",
            "groups:history",
        ]
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[Call] = []
        self._failures: dict[str, _Failure] = {}
        self._handlers: dict[str, Callable[[dict[str, Any]], Json]] = {}
        self._users: dict[str, Json] = {}
        self._messages: dict[tuple[str, str], Json] = {}
        self._views: dict[str, Json] = {}
        self._files: dict[str, Json] = {}
        self.deleted_files: list[str] = []  # files.delete calls that found their file
        self._seq = itertools.count(1)
        self._ts_micros = 1_700_000_000_000_000
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()  # open keep-alive connections
        self.connections_opened = 0
        self._hang_ups = 0  # requests still to be read and left unanswered (connection closed)
        self._cuts = 0  # requests to handle, then answer with half a body and a closed connection
        self.violations: list[str] = []
        self.not_member_channels: set[str] = set()
        self._limited_until: float | None = None  # time.monotonic(): rate-limited until then
        self._limited_retry_after: int | None = None
        self._limited_methods: frozenset[str] | None = None  # None: every method
        self._holds: dict[str, threading.Event] = {}
        self._held: dict[str, int] = {}  # calls waiting at a hold, per method

    # ---- lifecycle
    def start(self) -> FakeSlack:
        handler = type("_BoundHandler", (_Handler,), {"fake": self})
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
    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str,
        email: str | None = None,
        tz: str = "America/Bogota",
        locale: str = "es-ES",
        is_bot: bool = False,
        deleted: bool = False,
    ) -> None:
        user = dict(id=user_id, name=name, real_name=real_name, email=email, tz=tz, locale=locale)
        with self._cond:
            self._users[user_id] = {**user, "is_bot": is_bot, "deleted": deleted}

    def add_message(self, channel: str, ts: str, text: str, user: str | None = None, **fields: Any) -> Json:
        """A message people posted (for conversations.replies); `fields` e.g. thread_ts, bot_id."""
        message = {"type": "message", "ts": ts, "text": text, "team": TEAM_ID, **fields}
        if user is not None:
            message["user"] = user
        with self._cond:
            self._messages[(channel, ts)] = message
        return dict(message)

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
            self._failures.clear()
            self._limited_until = None

    # ---- inspection
    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def uploaded_files(self) -> list[Json]:
        """Files whose bytes arrived; ``completed`` says if completeUploadExternal shared them."""
        with self._cond:
            return [dict(f) for f in self._files.values() if f["bytes"] is not None]

    def message(self, channel: str, ts: str) -> Json | None:
        """The message as it stands now (after every chat.update), or None."""
        with self._cond:
            found = self._messages.get((channel, ts))
            return dict(found) if found is not None else None

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
        with self._cond:
            gate = self._holds.get(method)
            waits = gate is not None and not gate.is_set()
            if waits:
                self._held[method] = self._held.get(method, 0) + 1
        if waits:
            gate.wait(60)
            with self._cond:
                self._held[method] -= 1
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

    def _block_kit_problems(self, method: str, params: dict[str, Any]) -> list[str]:
        if method in MESSAGE_METHODS:
            return message_problems(method, params)
        if method.startswith("views."):
            return view_problems(method, params.get("view"))
        return []

    def _answer(self, method: str, params: dict[str, Any], headers: dict[str, str], api: bool) -> Reply:
        token = headers.get("authorization", "").removeprefix("Bearer ") or str(params.get("token", ""))
        if api and not token.startswith("xox"):
            return 200, {"ok": False, "error": "not_authed"}, {}
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
        problems = _decode_json_fields(params)  # if that fails, validating the raw text would only repeat it
        if not problems:
            problems = self._block_kit_problems(method, params)
        if problems:
            self.violations.extend(problems)
            return 200, {"ok": False, "error": "invalid_blocks"}, {}
        custom = self._handlers.get(method)
        builtin = getattr(self, ("_api_" if api else "_endpoint_") + method.replace(".", "_"), None)
        if custom is None and builtin is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        result = custom(params) if custom is not None else builtin(params)
        if isinstance(result, str):  # plain-text endpoints (upload URLs, response_urls)
            return 200, result, {}
        scopes = {"X-OAuth-Scopes": ",".join(self.scopes)} if api else {}
        return 200, (result if "ok" in result else {"ok": True, **result}), scopes

    # ---- helpers for the handlers below (all run under the lock)
    def _next_ts(self) -> str:
        self._ts_micros += 100
        return f"{self._ts_micros // 1_000_000}.{self._ts_micros % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._seq):010d}"

    @staticmethod
    def _conversation_id(channel: str) -> str:
        """Posting to a user id lands in the app DM, whose id (not the user's) Slack answers with."""
        return "D" + channel[1:] if channel[:1] in ("U", "W") else channel

    def _store_message(self, params: dict[str, Any], channel: str, ts: str) -> Json:
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "team": TEAM_ID, "ts": ts}
        message["text"] = params.get("text", "")
        message.update(
            {k: params[k] for k in ("blocks", "attachments", "thread_ts", "metadata") if k in params}
        )
        self._messages[(channel, ts)] = message
        return message

    # ---- Web API methods: _api_<method, dots as underscores>(params) -> body without "ok"
    def _api_auth_test(self, params: dict[str, Any]) -> Json:
        ids = {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
        return {"url": "https://test.slack.com/", "team": "Test", "user": "ticketbot", **ids}

    def _api_bots_info(self, params: dict[str, Any]) -> Json:
        if params.get("bot") != BOT_ID:
            return {"ok": False, "error": "bot_not_found"}
        return {
            "bot": {
                "id": BOT_ID,
                "deleted": False,
                "name": "ticketbot",
                "app_id": APP_ID,
                "user_id": BOT_USER_ID,
            }
        }

    def _api_chat_postMessage(self, params: dict[str, Any]) -> Json:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if params["channel"] in self.not_member_channels:
            return {"ok": False, "error": "not_in_channel"}
        channel, ts = self._conversation_id(params["channel"]), self._next_ts()
        return {"channel": channel, "ts": ts, "message": self._store_message(params, channel, ts)}

    def _api_chat_update(self, params: dict[str, Any]) -> Json:
        channel, ts = params.get("channel", ""), params.get("ts", "")
        if (channel, ts) not in self._messages:  # exact ids only: updating via a user id is an app bug
            return {"ok": False, "error": "message_not_found"}
        message = self._store_message(params, channel, ts)
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _api_chat_postEphemeral(self, params: dict[str, Any]) -> Json:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"message_ts": self._next_ts()}

    def _api_chat_getPermalink(self, params: dict[str, Any]) -> Json:
        channel, ts = params.get("channel", ""), str(params.get("message_ts", ""))
        return {
            "channel": channel,
            "permalink": f"https://test.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _view_reply(self, params: dict[str, Any]) -> Json:
        """views.open/push/update/publish. Unknown view ids are accepted (tests fabricate
        interaction payloads), but a stale ``hash`` on a known view is a ``hash_conflict``."""
        external_id = params.get("external_id")
        by_external = [
            v["id"] for v in self._views.values() if external_id and v.get("external_id") == external_id
        ]
        view_id = params.get("view_id") or (by_external[0] if by_external else self._new_id("V"))
        known = self._views.get(view_id)
        if known and params.get("hash") and params["hash"] != known["hash"]:
            return {"ok": False, "error": "hash_conflict"}
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
            state={"values": {}},
            hash=f"{int(time.time())}.{next(self._seq):08x}",
        )
        self._views[view_id] = view
        return {"view": view}

    _api_views_open = _api_views_push = _api_views_update = _api_views_publish = _view_reply

    def _api_conversations_open(self, params: dict[str, Any]) -> Json:
        if params.get("channel"):
            return {"channel": {"id": params["channel"]}}
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        channel_id = self._conversation_id(users[0]) if len(users) == 1 else self._new_id("G")
        return {"channel": {"id": channel_id}, "no_op": False, "already_open": False}

    def _api_conversations_info(self, params: dict[str, Any]) -> Json:
        cid = str(params.get("channel", ""))
        kind = {"is_channel": cid[:1] == "C", "is_im": cid[:1] == "D", "is_private": cid[:1] in ("G", "D")}
        member = {"is_archived": False, "is_member": cid not in self.not_member_channels}
        return {"channel": {"id": cid, "name": cid.lower(), **kind, **member}}

    def _api_conversations_replies(self, params: dict[str, Any]) -> Json:
        """The message at ts and, for a thread's root, its replies (oldest first, up to limit)."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        if channel in self.not_member_channels:
            return {"ok": False, "error": "not_in_channel"}
        found = self._messages.get((channel, ts))
        if found is None:
            return {"ok": False, "error": "thread_not_found"}
        replies = [
            m for (c, t), m in self._messages.items() if c == channel and t != ts and m.get("thread_ts") == ts
        ]
        thread = [found, *sorted(replies, key=lambda m: m["ts"])]
        limit = int(params.get("limit") or 1000)
        return {"messages": [dict(m) for m in thread[:limit]], "has_more": len(thread) > limit}

    def _api_users_info(self, params: dict[str, Any]) -> Json:
        u = self._users.get(str(params.get("user", "")))
        if u is None:
            return {"ok": False, "error": "user_not_found"}
        try:
            offset = datetime.now(zoneinfo.ZoneInfo(u["tz"])).utcoffset()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            offset = None
        profile = {"real_name": u["real_name"], "display_name": u["name"], "email": u["email"]}
        user = {k: u[k] for k in ("id", "name", "real_name", "tz", "is_bot", "deleted")}
        user.update(team_id=TEAM_ID, tz_offset=int(offset.total_seconds()) if offset else 0, is_admin=False)
        user["profile"] = {k: v for k, v in profile.items() if v is not None}
        if str(params.get("include_locale", "")).lower() in ("1", "true"):  # WebClient sends True as "1"
            user["locale"] = u["locale"]
        return {"user": user}

    def _api_files_getUploadURLExternal(self, params: dict[str, Any]) -> Json:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._new_id("F")
        meta = dict(title=None, channel_id=None, initial_comment=None, thread_ts=None, completed=False)
        record = {"file_id": file_id, "filename": params["filename"], "length": int(params["length"])}
        self._files[file_id] = {**record, "bytes": None, **meta}
        return {"upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, params: dict[str, Any]) -> Json:
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            return {"ok": False, "error": "invalid_arguments"}
        if any(self._files.get(e.get("id"), {}).get("bytes") is None for e in entries):
            return {"ok": False, "error": "file_not_found"}
        shared = []
        for entry in entries:
            record = self._files[entry["id"]]
            record.update(title=entry.get("title") or record["filename"], completed=True)
            record.update({k: params.get(k) for k in ("channel_id", "initial_comment", "thread_ts")})
            shared.append({"id": record["file_id"], "name": record["filename"], "title": record["title"]})
        return {"files": shared}

    def _api_files_delete(self, params: dict[str, Any]) -> Json:
        if self._files.pop(str(params.get("file", "")), None) is None:
            return {"ok": False, "error": "file_not_found"}
        self.deleted_files.append(str(params["file"]))
        return {}

    # ---- non-API endpoints
    def _endpoint_file_upload(self, params: dict[str, Any]) -> str | Json:
        record = self._files.get(params["file_id"])
        if record is None:
            return {"ok": False, "error": "file_not_found"}
        record["bytes"] = params["bytes"]
        return f"OK - {len(record['bytes'])}"

    def _endpoint_response_url(self, params: dict[str, Any]) -> str:
        return "ok"


class _Handler(BaseHTTPRequestHandler):
    """Routes /api/<method>, /upload/<file_id> and /response/<name> to the fake."""

    fake: FakeSlack  # set on a per-server subclass by FakeSlack.start()
    # Keep-alive, as slack.com: a client may send many calls on one connection.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes

    def setup(self) -> None:
        super().setup()
        self.fake._opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.fake._closed(self.connection)

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean

    def _route(self) -> None:
        url = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = self.rfile.read(int(headers.get("content-length") or 0))
        if self.fake._hangs_up():
            self.close_connection = True
            return
        content_type = headers.get("content-type", "")
        prefix, _, rest = url.path.lstrip("/").partition("/")
        if prefix == "api" and rest:
            self._send(*self.fake.handle(rest, parse_request(url.query, content_type, body), headers))
        elif prefix == "upload" and rest:
            # files_upload_v2 POSTs the raw bytes (urllib labels them form-urlencoded); accept multipart too.
            if content_type.startswith("multipart/form-data"):
                parts = [v for v in _parse_multipart(content_type, body).values() if isinstance(v, bytes)]
                body = parts[0] if parts else b""
            params = {"file_id": rest, "length": len(body), "bytes": body}
            self._send(*self.fake.handle("file_upload", params, headers, api=False))
        elif prefix == "response" and rest:
            params = parse_request(url.query, content_type, body)
            self._send(*self.fake.handle("response_url", params, headers, api=False))
        else:
            self._send(404, "not found", {})

    def _send(self, status: int, body: Any, extra_headers: dict[str, str]) -> None:
        is_text = isinstance(body, str)
        payload = (body if is_text else json.dumps(body)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if is_text else "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.fake._cuts_answer():
            self.wfile.write(payload[: len(payload) // 2])
            self.close_connection = True
            return
        self.wfile.write(payload)
