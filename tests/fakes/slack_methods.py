"""The Web API methods the fake Slack implements, and the workspace they act on.

A mixin of :class:`tests.fakes.slack_api.FakeSlack`: users, messages and uploaded files live
here (views in tests/fakes/slack_views.py), and each method is ``_api_<method, dots as underscores>(params)``
returning the body without "ok" (``_endpoint_*`` for upload URLs and response_urls).
The dispatch calls them under the fake's lock, so they never lock themselves.
"""

from __future__ import annotations

import itertools
import threading
import zoneinfo
from datetime import datetime
from typing import Any

TEAM_ID, BOT_USER_ID, BOT_ID, APP_ID = "T0001", "UBOT", "BBOT", "A0001"

Json = dict[str, Any]


class WebApiMethods:
    """Slack's side of a workspace. ``_init_workspace`` runs in ``FakeSlack.__init__``."""

    _cond: threading.Condition
    root_url: str  # FakeSlack's property: where upload URLs point
    scopes: list[str]  # FakeSlack's: the token's scopes

    def _init_workspace(self) -> None:
        self._users: dict[str, Json] = {}
        self._messages: dict[tuple[str, str], Json] = {}
        self._files: dict[str, Json] = {}
        self.deleted_files: list[str] = []  # files.delete calls that found their file
        self.deleted_messages: list[tuple[str, str]] = []  # chat.delete calls that deleted one
        self._seq = itertools.count(1)
        self._ts_micros = 1_700_000_000_000_000
        self.not_member_channels: set[str] = set()
        # Where apps.connections.open points: a tests.fakes.socket_mode server's `issue_url`, or
        # by default a URL nothing listens at (enough for `ticketbot check`).
        self.socket_mode_url = lambda: f"wss://wss.slack.test/link/?ticket={next(self._seq)}"
        self.group_dm_channels: set[str] = set()  # mpim ids (G…): conversations.info needs mpim:read

    # ---- test set-up
    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str,
        email: str | None = None,
        tz: str = "America/Bogota",
        locale: str | None = None,  # None: users.info tells no locale (the app uses its default)
        is_bot: bool = False,
        deleted: bool = False,
        team_id: str = TEAM_ID,
        enterprise_id: str | None = None,
    ) -> None:
        """`team_id`: another for a Slack Connect user; `enterprise_id`: an Enterprise Grid's user."""
        user = dict(id=user_id, name=name, real_name=real_name, email=email, tz=tz, locale=locale)
        with self._cond:
            self._users[user_id] = {**user, "is_bot": is_bot, "deleted": deleted, "team_id": team_id}
            if enterprise_id is not None:
                self._users[user_id]["enterprise_id"] = enterprise_id

    def add_message(self, channel: str, ts: str, text: str, user: str | None = None, **fields: Any) -> Json:
        """A message people posted (for conversations.replies); `fields` e.g. thread_ts, bot_id."""
        message = {"type": "message", "ts": ts, "text": text, "team": TEAM_ID, **fields}
        if user is not None:
            message["user"] = user
        with self._cond:
            self._messages[(channel, ts)] = message
        return dict(message)

    # ---- inspection
    def uploaded_files(self) -> list[Json]:
        """Files whose bytes arrived; ``completed`` says if completeUploadExternal shared them."""
        with self._cond:
            return [dict(f) for f in self._files.values() if f["bytes"] is not None]

    def message(self, channel: str, ts: str) -> Json | None:
        """The message as it stands now (after every chat.update), or None."""
        with self._cond:
            found = self._messages.get((channel, ts))
            return dict(found) if found is not None else None

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

    def _api_apps_connections_open(self, params: dict[str, Any]) -> Json:
        return {"url": self.socket_mode_url()}  # the app-level token was checked by the dispatch

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
        before = self._messages[(channel, ts)]
        message = self._store_message(params, channel, ts)
        for kept in ("thread_ts", "reactions"):  # an update leaves a reply in its thread, reactions on
            if kept in before and kept not in message:
                message[kept] = before[kept]
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _api_chat_delete(self, params: dict[str, Any]) -> Json:
        """As Slack documents it: a bot token deletes only the bot's own messages."""
        channel, ts = params.get("channel", ""), str(params.get("ts", ""))
        message = self._messages.get((channel, ts))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.get("bot_id") != BOT_ID:
            return {"ok": False, "error": "cant_delete_message"}
        del self._messages[(channel, ts)]
        self.deleted_messages.append((channel, ts))
        return {"channel": channel, "ts": ts}

    def _api_chat_postEphemeral(self, params: dict[str, Any]) -> Json:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"message_ts": self._next_ts()}

    def _api_reactions_add(self, params: dict[str, Any]) -> Json:
        message = self._messages.get((params.get("channel", ""), str(params.get("timestamp", ""))))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        name = params.get("name", "")
        reactions = message.setdefault("reactions", [])
        mine = next((r for r in reactions if r["name"] == name), None)
        if mine is not None and BOT_USER_ID in mine["users"]:
            return {"ok": False, "error": "already_reacted"}
        if mine is None:
            reactions.append({"name": name, "users": [BOT_USER_ID], "count": 1})
        else:
            mine["users"].append(BOT_USER_ID)
            mine["count"] += 1
        return {}

    def _api_chat_getPermalink(self, params: dict[str, Any]) -> Json:
        channel, ts = params.get("channel", ""), str(params.get("message_ts", ""))
        return {
            "channel": channel,
            "permalink": f"https://test.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

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
        # Each kind of conversation needs its own read scope, as Slack checks it.
        if cid in self.group_dm_channels:
            needed = "mpim:read"
        else:
            needed = {"D": "im:read", "G": "groups:read"}.get(cid[:1], "channels:read")
        if needed not in self.scopes:
            provided = ",".join(self.scopes)
            return {"ok": False, "error": "missing_scope", "needed": needed, "provided": provided}
        kind = {"is_channel": cid[:1] == "C", "is_im": cid[:1] == "D", "is_private": cid[:1] in ("G", "D")}
        kind["is_mpim"] = cid in self.group_dm_channels
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
        if "enterprise_id" in u:  # Grid users say their organisation (and home workspace) here
            user["enterprise_user"] = {
                "id": u["id"],
                "enterprise_id": u["enterprise_id"],
                "teams": [u["team_id"]],
            }
        user.update(
            team_id=u["team_id"], tz_offset=int(offset.total_seconds()) if offset else 0, is_admin=False
        )
        user["profile"] = {k: v for k, v in profile.items() if v is not None}
        if str(params.get("include_locale", "")).lower() in ("1", "true") and u["locale"]:  # True is "1"
            user["locale"] = u["locale"]
        return {"user": user}

    def _api_users_lookupByEmail(self, params: dict[str, Any]) -> Json:
        """As Slack documents it: the member with that address (any case), `users_not_found`
        when there is none; needs `users:read.email`."""
        if "users:read.email" not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": "users:read.email"}
        wanted = str(params.get("email", "")).strip().lower()
        if not wanted:
            return {"ok": False, "error": "invalid_email"}
        for u in self._users.values():
            if (u["email"] or "").lower() == wanted:
                return self._api_users_info({"user": u["id"]})
        return {"ok": False, "error": "users_not_found"}

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
