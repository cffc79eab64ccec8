"""The requests of tests.slack_requests, sent as Socket Mode envelopes instead of signed HTTP.

Every builder there (commands, modal submissions, clicks, events, and tests.handlers.kit's) ends
in ``post(body, content_type)``: this turns that body into the envelope Slack would send over
the WebSocket and answers with the app's ack, its payload as the body an HTTP answer would carry.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from tests.fakes.socket_mode import Ack, FakeSocketMode
from tests.slack_requests import Answer, SlackRequests


class SocketModeRequests(SlackRequests):
    def __init__(self, server: FakeSocketMode, response_url: str = "") -> None:
        super().__init__(url="", signing_secret="", response_url=response_url)
        self.server = server
        self.acks: list[Ack] = []

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        retry = {k.lower(): v for k, v in (headers or {}).items()}
        if content_type == "application/json":
            fields: dict[str, Any] = {"retry_attempt": int(retry.get("x-slack-retry-num", "0"))}
            fields["retry_reason"] = retry.get("x-slack-retry-reason", "")
            ack = self.server.request("events_api", json.loads(body), **fields)
        else:
            form = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
            if "payload" in form:
                ack = self.server.request("interactive", json.loads(form["payload"]))
            else:
                ack = self.server.request("slash_commands", form)
        self.acks.append(ack)
        return Answer(200, json.dumps(ack.payload).encode() if ack.payload is not None else b"")
