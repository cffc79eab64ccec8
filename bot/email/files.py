"""The files of a comment, in the email that tells of it: attached as MIME parts, within a cap.

An email carries the files its reader may see (a reporter, only public ones: storage.attachments
gives each file its comment's visibility) up to EMAIL_FILES_MAX bytes in all — most mail servers
refuse messages of 10–25 MB, and base64 adds a third. The files past the cap (or that could not
be fetched from Slack) are named in the email, to be found in Slack; none is silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.email.attachments import Attachment
from handlers.blocks.detail import file_size
from storage.attachments import FAILED, PENDING, STORED, FileInfo

EMAIL_FILES_MAX = 10 * 1024 * 1024  # bytes attached to one email, in all


@dataclass(frozen=True)
class Listed:
    """A file as the email names it: attached, or only named (too large for email, or missing)."""

    name: str
    size: str
    attached: bool


def visible_to(files: Iterable[FileInfo], reader: str | None, reporter_id: str) -> list[FileInfo]:
    """The files this recipient may see: the reporter never gets an internal one."""
    return [f for f in files if not (f.internal and reader == reporter_id)]


def waiting(files: Iterable[FileInfo]) -> bool:
    return any(f.state == PENDING for f in files)


def choose(
    files: Sequence[FileInfo], data_of: Callable[[list[int]], dict[int, bytes]], cap: int = EMAIL_FILES_MAX
) -> tuple[list[Attachment], list[Listed]]:
    """What to attach (in order, while the total stays within `cap`) and what to list."""
    fits, total = [], 0
    for file in files:
        if file.state == STORED and total + file.size <= cap:
            fits.append(file.id)
            total += file.size
    data = data_of(fits) if fits else {}
    attached, listed = [], []
    for file in files:
        size = "?" if file.state == FAILED and not file.size else file_size(file.size)
        if file.id in data:
            attached.append(Attachment(file.filename, data[file.id], file.mimetype))
        listed.append(Listed(file.filename, size, file.id in data))
    return attached, listed
