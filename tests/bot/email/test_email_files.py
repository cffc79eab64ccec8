"""What an email of a comment attaches: the files its reader may see, within the size cap."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.email.files import choose, visible_to
from storage.attachments import FileInfo

WHEN = datetime(2026, 12, 4, tzinfo=timezone.utc)


def info(file_id: int, name: str, size: int, visibility: str = "public", state: str = "stored") -> FileInfo:
    return FileInfo(file_id, 1, 9, "U0ANA", WHEN, name, "image/png", size, visibility, state)


def test_files_past_the_cap_or_never_fetched_are_named_not_attached():
    files = [
        info(1, "a.png", 6_000),
        info(2, "big.zip", 9_000),
        info(3, "b.png", 3_000),
        info(4, "gone.png", 0, state="failed"),
    ]
    attached, listed = choose(files, lambda ids: {i: b"x" * 10 for i in ids}, cap=10_000)
    assert [a.filename for a in attached] == ["a.png", "b.png"]
    assert [(item.name, item.attached) for item in listed] == [
        ("a.png", True),
        ("big.zip", False),
        ("b.png", True),
        ("gone.png", False),
    ]


def test_the_reporter_never_gets_an_internal_file():
    files = [info(1, "public.png", 10), info(2, "secret.txt", 10, visibility="internal")]
    assert [f.filename for f in visible_to(files, "U0ANA", reporter_id="U0ANA")] == ["public.png"]
    assert len(visible_to(files, "U0CARLOS", reporter_id="U0ANA")) == 2
    assert len(visible_to(files, None, reporter_id="U0ANA")) == 2  # an ADMIN_EMAILS address: staff
