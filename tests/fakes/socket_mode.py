"""A fake Socket Mode server on 127.0.0.1: Slack's side of the WebSocket, and what goes wrong with it.

Slack hands out a `ws(s)://` URL from `apps.connections.open`; the app connects, Slack says
`hello` and then sends envelopes (slash commands, interactions, events), each of which the app
acks with its envelope id within 3 s. ``attach(fake_slack)`` makes the fake Web API hand out this
server's URLs. The faults are the ones a real link has: a cut TCP connection (``drop``), a
half-open one where nothing comes back, pongs included (``go_silent``), Slack asking for a new
connection (``disconnect``), and Slack not taking connections for a while (``refuse_for``).

The server is `websockets` on an asyncio loop in a thread of its own; tests call its methods
from their thread, and wait on conditions, never on sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.fakes.slack_methods import APP_ID


@dataclass
class Connection:
    ws: ServerConnection
    ticket: str
    opened_at: float  # time.monotonic()
    closed_at: float | None = None
    silent: bool = False  # reads nothing, sends nothing: half-open as the app sees it

    @property
    def live(self) -> bool:
        return self.closed_at is None and not self.silent


@dataclass(frozen=True)
class Ack:
    envelope_id: str
    payload: Any  # what the app answered with (modal errors, a command's text), or None
    seconds: float  # from sending the envelope to the ack


@dataclass
class FakeSocketMode:
    connections: list[Connection] = field(default_factory=list)
    refused: int = 0  # handshakes answered 503 by refuse_for
    _acks: dict[str, tuple[float, Any]] = field(default_factory=dict)
    _refuse_until: float = 0.0
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _closing: set = field(default_factory=set)  # closing handshakes under way (link_disabled)

    # ---- lifecycle
    def start(self) -> FakeSocketMode:
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), name="fake-socket", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("the fake Socket Mode server did not start")
        return self

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)

        async def main() -> None:
            # No pings of our own: the app's pings and our pongs are what a half-open test stops.
            async with serve(
                self._serve, "127.0.0.1", 0, ping_interval=None, process_request=self._handshake
            ) as server:
                self.port = server.sockets[0].getsockname()[1]
                self._stopped = asyncio.Event()
                started.set()
                await self._stopped.wait()
                for connection in self.connections:
                    connection.ws.transport.abort()

        self._loop.run_until_complete(main())
        self._loop.close()

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join(timeout=10)

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def attach(self, fake_slack) -> FakeSocketMode:
        fake_slack.socket_mode_url = self.issue_url
        return self

    def issue_url(self) -> str:
        """A URL for one connection, as apps.connections.open gives (called by the fake Web API)."""
        return f"ws://127.0.0.1:{self.port}/link/?ticket=t{next(self._ids)}&app_id={APP_ID}"

    # ---- the server's side (on the loop)
    def _handshake(self, ws: ServerConnection, request):
        if time.monotonic() < self._refuse_until:
            with self._cond:
                self.refused += 1
            return ws.respond(HTTPStatus.SERVICE_UNAVAILABLE, "Slack is down for maintenance\n")
        return None

    async def _serve(self, ws: ServerConnection) -> None:
        ticket = ws.request.path.partition("ticket=")[2].partition("&")[0]
        connection = Connection(ws, ticket, time.monotonic())
        with self._cond:
            self.connections.append(connection)
            self._cond.notify_all()
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID}}
        hello["debug_info"] = {"host": "fake-socket-mode", "approximate_connection_time": 3600}
        try:
            await ws.send(json.dumps(hello))
            async for raw in ws:
                message = json.loads(raw)
                if "envelope_id" in message:
                    with self._cond:
                        self._acks[message["envelope_id"]] = (time.monotonic(), message.get("payload"))
                        self._cond.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                connection.closed_at = time.monotonic()
                self._cond.notify_all()

    def _on_loop(self, call) -> None:
        """Run `call()` on the server's loop and wait for it (sockets belong to that thread)."""

        async def run() -> None:
            result = call()
            if asyncio.iscoroutine(result):
                await result

        asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=10)

    # ---- inspection
    def live(self) -> Connection | None:
        with self._cond:
            return next((c for c in reversed(self.connections) if c.live), None)

    def wait_connected(self, after: float = 0.0, timeout: float = 30.0) -> Connection:
        """The live connection opened after `after` (time.monotonic()), once there is one."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = next((c for c in reversed(self.connections) if c.live and c.opened_at > after), None)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no new Socket Mode connection within {timeout}s: {self.connections}"
                    )
                self._cond.wait(remaining)

    def wait_closed(self, connection: Connection, timeout: float = 10.0) -> bool:
        with self._cond:
            if not self._cond.wait_for(lambda: connection.closed_at is not None, timeout):
                raise AssertionError(f"connection {connection.ticket} still open after {timeout}s")
            return True

    # ---- Slack sending
    def send(self, envelope: dict[str, Any]) -> None:
        connection = self.live()
        if connection is None:
            raise AssertionError("no live Socket Mode connection to send on")
        self._on_loop(lambda: connection.ws.send(json.dumps(envelope)))

    def request(self, kind: str, payload: dict[str, Any], timeout: float = 3.0, **fields: Any) -> Ack:
        """Send an envelope of `kind` (slash_commands, interactive, events_api) and wait for its ack:
        Slack shows the person an error when none comes within 3 s."""
        envelope_id = f"env-{next(self._ids)}"
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload, **fields}
        envelope.setdefault("accepts_response_payload", kind != "events_api")
        sent = time.monotonic()
        self.send(envelope)
        deadline = sent + timeout
        with self._cond:
            while envelope_id not in self._acks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no ack of {kind} envelope {envelope_id} within {timeout}s")
                self._cond.wait(remaining)
            at, answer = self._acks[envelope_id]
        return Ack(envelope_id, answer, at - sent)

    def disconnect(self, reason: str, close: bool = False) -> Connection:
        """Slack's `disconnect` message; `close`: Slack also closes the connection (link_disabled)."""
        connection = self.live()
        assert connection is not None, "no live Socket Mode connection"
        message = json.dumps({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake"}})

        async def tell() -> None:
            await connection.ws.send(message)
            if close:  # Slack's side closes; its closing handshake (up to close_timeout) runs on
                # the loop, not awaited here: the client may be busy switching to its new socket
                closing = asyncio.get_running_loop().create_task(connection.ws.close())
                self._closing.add(closing)
                closing.add_done_callback(self._closing.discard)

        self._on_loop(tell)
        return connection

    # ---- faults
    def drop(self) -> Connection:
        """Cut the live connection as a network failure does: a TCP reset, no closing handshake."""
        connection = self.live()
        assert connection is not None, "no live Socket Mode connection"

        def cut() -> None:
            sock = connection.ws.transport.get_extra_info("socket")
            with contextlib.suppress(OSError):  # linger 0: close() sends RST, not FIN
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.ws.transport.abort()

        self._on_loop(cut)
        return connection

    def go_silent(self) -> Connection:
        """From now on the live connection reads nothing and sends nothing (no pongs either), but
        stays open: what the app sees when the network between drops packets."""
        connection = self.live()
        assert connection is not None, "no live Socket Mode connection"

        def pause() -> None:
            connection.ws.transport.pause_reading()
            connection.silent = True

        self._on_loop(pause)
        return connection

    def refuse_for(self, seconds: float) -> float:
        """Answer every handshake 503 for `seconds` (a Slack outage); returns when that ends."""
        with self._cond:
            self._refuse_until = time.monotonic() + seconds
            return self._refuse_until
