"""The HTTP side of the fake Slack: one request handler routing URLs to the fake.

Kept apart from :class:`tests.fakes.slack_api.FakeSlack` so the fake's logic reads
without socket details; the handler knows the fake only through :class:`Endpoint`.
"""

from __future__ import annotations

import json
import socket
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import urlsplit

from tests.fakes.slack_parsing import parse_multipart, parse_request

Reply = tuple[int, Any, dict[str, str]]  # (HTTP status, JSON-able body or plain text, extra headers)


class Endpoint(Protocol):
    """What the handler needs of the fake (FakeSlack implements it)."""

    def handle(
        self, method: str, params: dict[str, Any], headers: dict[str, str], api: bool = True
    ) -> Reply: ...

    def _opened(self, connection: socket.socket) -> None: ...

    def _closed(self, connection: socket.socket) -> None: ...

    def _hangs_up(self) -> bool: ...

    def _cuts_answer(self) -> bool: ...


class Handler(BaseHTTPRequestHandler):
    """Routes /api/<method>, /upload/<file_id>, /files-pri/<team>-<file_id>/… (files people
    shared: tests/fakes/slack_files.py) and /response/<name> to the fake."""

    fake: Endpoint  # the FakeSlack, set on a per-server subclass by FakeSlack.start()
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
                parts = [v for v in parse_multipart(content_type, body).values() if isinstance(v, bytes)]
                body = parts[0] if parts else b""
            params = {"file_id": rest, "length": len(body), "bytes": body}
            self._send(*self.fake.handle("file_upload", params, headers, api=False))
        elif prefix == "files-pri" and rest and self.command == "GET":  # url_private_download
            params = {"path": rest, "authorization": headers.get("authorization", "")}
            self._send(*self.fake.handle("file_download", params, headers, api=False))
        elif prefix == "response" and rest:
            params = parse_request(url.query, content_type, body)
            self._send(*self.fake.handle("response_url", params, headers, api=False))
        else:
            self._send(404, "not found", {})

    def _send(self, status: int, body: Any, extra_headers: dict[str, str]) -> None:
        is_text = isinstance(body, str | bytes)
        # A file's bytes go as they are (their Content-Type comes in extra_headers).
        payload = body if isinstance(body, bytes) else (body if is_text else json.dumps(body)).encode("utf-8")
        extra_headers = dict(extra_headers)
        content_type = extra_headers.pop("Content-Type", None)
        self.send_response(status)
        default = "text/plain" if is_text else "application/json; charset=utf-8"
        self.send_header("Content-Type", content_type or default)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.fake._cuts_answer():
            self.wfile.write(payload[: len(payload) // 2])
            self.close_connection = True
            return
        self.wfile.write(payload)
