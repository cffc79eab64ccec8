"""Sends the app requests signed exactly as Slack signs them (v0 HMAC over timestamp and body)."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).with_name("payloads")


def payload(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text()))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackRequests:
    def __init__(
        self,
        url: str,
        signing_secret: str,
        response_url: str = "",
        issued: Callable[[str], None] | None = None,
    ) -> None:
        """`issued(trigger_id)` is told of each trigger_id sent, as it is sent (the fake Slack's
        `issue_trigger`: it refuses a modal opened on a trigger older than 3 s)."""
        self.url = url
        self.secret = signing_secret
        self.response_url = response_url
        self.issued = issued

    def _issue(self, trigger_id: Any) -> None:
        if self.issued is not None and isinstance(trigger_id, str):
            self.issued(trigger_id)

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": sign(secret or self.secret, ts, body),
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Answer(response.status, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read())

    # -- the shapes Slack sends ----------------------------------------------------------------

    def command(
        self, text: str = "", user: str = "U0REPORTER", user_name: str = "ana", **fields: str
    ) -> Answer:
        form = payload("slash_command") | {"text": text, "user_id": user, "user_name": user_name}
        form["response_url"] = self.response_url or form["response_url"]
        form.update(fields)
        self._issue(form.get("trigger_id"))
        return self.post(urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded")

    def interaction(self, body: dict[str, Any], **kwargs: Any) -> Answer:
        self._issue(body.get("trigger_id"))
        data = urllib.parse.urlencode({"payload": json.dumps(body)}).encode()
        return self.post(data, "application/x-www-form-urlencoded", **kwargs)

    def submit_new_ticket(
        self,
        title: str = "Cannot reach my email",
        description: str = "Outlook says 401 since this morning",
        category: str | None = "software",
        priority: str | None = "high",
        user: str = "U0REPORTER",
        view_id: str = "V0000000001",
    ) -> Answer:
        body = payload("view_submission")
        body["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0001"}
        body["view"]["id"] = view_id
        values: dict[str, Any] = {
            "title": {"title_value": {"type": "plain_text_input", "value": title}},
            "description": {"description_value": {"type": "plain_text_input", "value": description}},
        }
        if category is not None:
            option = {"text": {"type": "plain_text", "text": category}, "value": category}
            values["category"] = {"category_value": {"type": "static_select", "selected_option": option}}
        if priority is not None:
            option = {"text": {"type": "plain_text", "text": priority}, "value": priority}
            values["priority"] = {"priority_value": {"type": "static_select", "selected_option": option}}
        body["view"]["state"]["values"] = values
        return self.interaction(body)

    def click(
        self, action_id: str, value: str | None = None, user: str = "U0REPORTER", **extra: Any
    ) -> Answer:
        body = payload("block_actions")
        body["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0001"}
        action = body["actions"][0] | {"action_id": action_id}
        if value is not None:
            action["value"] = value
        body["actions"] = [action]
        body.update(extra)
        return self.interaction(body)

    def event(self, event: dict[str, Any], **kwargs: Any) -> Answer:
        body = payload("app_home_opened")
        body["event"] = event
        return self.post(json.dumps(body).encode(), "application/json", **kwargs)

    def home_opened(self, user: str = "U0REPORTER") -> Answer:
        body = payload("app_home_opened")
        body["event"]["user"] = user
        return self.event(body["event"])

    def message_shortcut(
        self,
        text: str,
        *,
        user: str = "U0REPORTER",
        author: str | None = "U0REPORTER",
        channel: str = "C0HELP",
        ts: str = "1700000050.000100",
        body: dict[str, Any] | None = None,
        **message_fields: Any,
    ) -> Answer:
        """ "Create ticket" chosen in a message's menu (a `message_action` interaction); `body`:
        another payload to start from (e.g. tests/payloads/message_action_connect.json)."""
        body = copy.deepcopy(body) if body is not None else payload("message_action")
        body["user"] = {"id": user, "name": user.lower(), "username": user.lower(), "team_id": "T0001"}
        body["channel"] = {"id": channel, "name": channel.lower()}
        body["message_ts"] = ts
        message = body["message"] | {"text": text, "ts": ts, **message_fields}
        if author is None:
            message.pop("user", None)
        else:
            message["user"] = author
        body["message"] = message
        return self.interaction(body)

    def reaction(
        self,
        *,
        user: str = "U0ADMIN",
        reaction: str = "ticket",
        channel: str = "C0HELP",
        ts: str = "1700000050.000100",
        item_user: str = "U0REPORTER",
        event_id: str = "Ev0000000100",
        body: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Answer:
        """A `reaction_added` event on a message (Events API, as an event_callback); `body`:
        another payload to start from (e.g. tests/payloads/reaction_added_grid.json)."""
        body = copy.deepcopy(body) if body is not None else payload("reaction_added")
        body["event_id"] = event_id
        body["event"] |= {"user": user, "reaction": reaction, "item_user": item_user}
        body["event"]["item"] = {"type": "message", "channel": channel, "ts": ts}
        return self.post(json.dumps(body).encode(), "application/json", **kwargs)
