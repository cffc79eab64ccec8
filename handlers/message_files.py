"""The files a Slack message event carries (`files`, subtype `file_share` or a plain message), as
storage.attachments' `SlackFile`s: what delivery fetches later, never inside the 3 s ack.

Slack sends each file object in full (id, name, mimetype, size, url_private_download…), or, where
the app may not see it yet (Slack Connect, some DMs), as a stub: `{"id": …, "mode": "file_access",
"file_access": "check_file_info"}` — its name, size and URL come from files.info at delivery.
Files that cannot be downloaded are left out: deleted ones (`mode: tombstone`), those hidden by
a free workspace's limit (`hidden_by_limit`), and external ones (a Google Drive link, `is_external`).
"""

from __future__ import annotations

from handlers.payload import string
from storage.attachments import OCTETS, SlackFile

FILES_MAX = 10  # Slack puts at most 10 files on one message
LEFT_OUT_MODES = frozenset({"tombstone", "hidden_by_limit", "external"})


def files_of(event: dict) -> tuple[SlackFile, ...]:
    raw = event.get("files")
    if not isinstance(raw, list):
        return ()
    found = []
    for item in raw[:FILES_MAX]:
        if not isinstance(item, dict):
            continue
        file_id = string(item.get("id"))
        if not file_id or item.get("is_external") or string(item.get("mode")) in LEFT_OUT_MODES:
            continue
        size = item.get("size")
        url = string(item.get("url_private_download")) or string(item.get("url_private"))
        found.append(
            SlackFile(
                file_id=file_id,
                name=string(item.get("name")) or string(item.get("title")) or file_id,
                mimetype=string(item.get("mimetype")) or OCTETS,
                size=size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None,
                url=url or None,
            )
        )
    return tuple(found)
