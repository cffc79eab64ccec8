"""Files people share in Slack, as the fake serves them: a mixin of FakeSlack.

`share_file(name, mimetype, data, user)` registers a file and returns its file object as Slack
puts it on a message event's `files` (id, name, mimetype, size, url_private_download…);
`file_message(...)` builds that message event (subtype `file_share`). The fake serves
`url_private_download` at /files-pri/<team>-<id>/download/<name> to a request with a bot token
(`Authorization: Bearer xoxb-…`): an unknown file is a 404, a missing or wrong token gets
Slack's sign-in page (HTML, status 200), as Slack answers. `files.info` describes a file (for
objects that arrive as `file_access: "check_file_info"` stubs: `stub(file)`).
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

from tests.fakes.slack_methods import TEAM_ID, Json

SIGN_IN_PAGE = "<!DOCTYPE html><html><body>Sign in to Slack</body></html>"


class SharedFiles:
    _cond: threading.Condition
    root_url: str

    def _init_shared_files(self) -> None:
        self._shared: dict[str, Json] = {}
        self._shared_bytes: dict[str, bytes] = {}
        self._shared_seq = 0

    # ---- test set-up
    def share_file(self, name: str, mimetype: str, data: bytes, user: str = "U0REPORTER") -> Json:
        with self._cond:
            self._shared_seq += 1
            file_id = f"F0SHARED{self._shared_seq:04d}"
            path, quoted = f"files-pri/{TEAM_ID}-{file_id}", quote(name)  # Slack's URLs are percent-encoded
            obj = {
                "id": file_id,
                "created": 1_800_000_000,
                "timestamp": 1_800_000_000,
                "name": name,
                "title": name,
                "mimetype": mimetype,
                "filetype": name.rsplit(".", 1)[-1] if "." in name else "binary",
                "pretty_type": mimetype,
                "user": user,
                "user_team": TEAM_ID,
                "editable": False,
                "size": len(data),
                "mode": "hosted",
                "is_external": False,
                "external_type": "",
                "is_public": False,
                "public_url_shared": False,
                "display_as_bot": False,
                "username": "",
                "url_private": f"{self.root_url}/{path}/{quoted}",
                "url_private_download": f"{self.root_url}/{path}/download/{quoted}",
                "permalink": f"https://test.slack.com/files/{user}/{file_id}/{name}",
            }
            self._shared[file_id] = obj
            self._shared_bytes[file_id] = bytes(data)
            return dict(obj)

    @staticmethod
    def stub(file: Json) -> Json:
        """The file as Slack sends it where the app must ask files.info for the rest."""
        return {"id": file["id"], "mode": "file_access", "file_access": "check_file_info", "created": 0}

    @staticmethod
    def file_message(
        user: str, channel: str, ts: str, files: list[Json], text: str = "", **fields: Any
    ) -> Json:
        """A `message` event with files, subtype `file_share`, as the Events API delivers it."""
        event = {
            "type": "message",
            "subtype": "file_share",
            "text": text,
            "files": files,
            "upload": False,
            "user": user,
            "display_as_bot": False,
            "ts": ts,
            "event_ts": ts,
            "channel": channel,
            "channel_type": "im" if channel.startswith("D") else "channel",
        }
        event.update(fields)
        return event

    # ---- the API method and the download URL (under the fake's lock)
    def _api_files_info(self, params: dict[str, Any]) -> Json:
        found = self._shared.get(str(params.get("file", "")))
        if found is None:
            return {"ok": False, "error": "file_not_found"}
        return {"file": dict(found), "comments": [], "response_metadata": {"next_cursor": ""}}

    def _endpoint_file_download(self, params: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        # files-pri/T0001-F…/download/name
        head, _, _ = str(params["path"]).partition("/download/")
        file_id = head.rsplit("-", 1)[-1]
        if file_id not in self._shared_bytes:
            return 404, "file not found", {}
        if not params.get("authorization", "").startswith("Bearer xoxb-"):
            return 200, SIGN_IN_PAGE, {"Content-Type": "text/html; charset=utf-8"}
        mimetype = self._shared[file_id]["mimetype"]
        return 200, self._shared_bytes[file_id], {"Content-Type": mimetype}
