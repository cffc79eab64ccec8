"""A slack_sdk WebClient that keeps its HTTP connections open between calls.

slack_sdk's sync client sends every Web API call through `urllib.request.urlopen`, which opens a
new connection (a new TLS handshake, against the real Slack) for each call and closes it after.
The outbox dispatcher makes two to four calls per ticket and a listener one per modal, so
that handshake was a large part of what a notification cost. This client keeps one connection per
thread and host instead, and otherwise behaves as slack_sdk's: same request bytes, same response
dict, and an `HTTPError` for a non-2xx answer, so slack_sdk's retry handlers and error handling
see exactly what they see with urllib.

A kept connection that the server has closed meanwhile is noticed before it is reused (idle too
long, or readable while no answer is due: the peer's EOF); if the server closes it just as a
request goes out — no status line came back — the request is sent once more on a new connection:
a server closing an idle connection has not read it. Once an answer has begun, nothing is sent
again (the server may have acted on it): the error goes to the caller, as with urllib.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient

IDLE_SECONDS = 30.0  # a connection unused for longer is closed rather than risked
# What a closed-meanwhile kept connection raises before any answer arrives (TLS: a close without
# close_notify, as OpenSSL 3 reports it).
STALE_ERRORS = (
    http.client.RemoteDisconnected,
    ConnectionResetError,
    BrokenPipeError,
    ssl.SSLEOFError,
    ssl.SSLZeroReturnError,
)


class _Connection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _no_delay(self.sock)


class _TlsConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _no_delay(self.sock)


def _no_delay(sock: socket.socket) -> None:
    """A request leaves as headers then body: without this, Nagle's algorithm would hold the body
    back until the server acknowledged the headers (up to 40 ms of delayed ACK per call)."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _Kept:
    __slots__ = ("connection", "used_at")

    def __init__(self, connection: http.client.HTTPConnection) -> None:
        self.connection = connection
        self.used_at = time.monotonic()


class KeepAliveWebClient(WebClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()
        self._tls: ssl.SSLContext | None = self.ssl  # built once (it loads the CA bundle)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or self.proxy is not None:
            return super()._perform_urllib_http_request_internal(url, req)
        key = (parts.scheme, parts.netloc)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = dict(req.header_items())
        for attempt in (1, 2):
            kept, reused = self._connection(key)
            try:
                with self._forgotten_on_error(key):
                    kept.connection.request(req.get_method(), path, body=req.data, headers=headers)
                    response = kept.connection.getresponse()
                break
            except STALE_ERRORS:
                if reused and attempt == 1:
                    continue  # closed by the server as the request left, before any answer
                raise
        with self._forgotten_on_error(key):
            body = response.read()  # an answer has begun: whatever happens now is not resent
        if response.will_close:
            self._forget(key)
        else:
            kept.used_at = time.monotonic()
        if not 200 <= response.status < 300:
            raise HTTPError(url, response.status, response.reason, response.msg, io.BytesIO(body))
        if response.msg.get_content_type() == "application/gzip":
            return {"status": response.status, "headers": response.msg, "body": body}
        charset = response.msg.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": response.msg, "body": body.decode(charset)}

    @contextlib.contextmanager
    def _forgotten_on_error(self, key: tuple[str, str]) -> Iterator[None]:
        """On any failure the connection is closed and forgotten; a garbled answer is raised as
        urllib raises an unreachable server (callers retry)."""
        try:
            yield
        except STALE_ERRORS:
            self._forget(key)
            raise
        except http.client.HTTPException as error:
            self._forget(key)
            raise URLError(error) from error
        except BaseException:
            self._forget(key)
            raise

    def _connection(self, key: tuple[str, str]) -> tuple[_Kept, bool]:
        """This thread's connection to `key`'s host, and whether it was used before."""
        connections: dict[tuple[str, str], _Kept] = self._local.__dict__.setdefault("connections", {})
        kept = connections.get(key)
        if kept is not None:
            if time.monotonic() - kept.used_at <= IDLE_SECONDS and not _dropped(kept.connection):
                return kept, True
            self._forget(key)
        scheme, netloc = key
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            connection: http.client.HTTPConnection = _TlsConnection(
                netloc, timeout=self.timeout, context=self._tls
            )
        else:
            connection = _Connection(netloc, timeout=self.timeout)
        kept = connections[key] = _Kept(connection)
        return kept, False

    def _forget(self, key: tuple[str, str]) -> None:
        kept = self._local.__dict__.get("connections", {}).pop(key, None)
        if kept is not None:
            kept.connection.close()


def _dropped(connection: http.client.HTTPConnection) -> bool:
    """True if the server closed the connection (or sent something unasked) while it was idle."""
    sock = connection.sock
    if sock is None:
        return False  # not connected yet, or closed by http.client itself: it reconnects
    poller = select.poll()  # not select(): it refuses descriptors past 1024
    poller.register(sock, select.POLLIN)
    try:
        return bool(poller.poll(0))
    except OSError:
        return True
