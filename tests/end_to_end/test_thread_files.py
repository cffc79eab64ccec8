"""Files shared in a ticket card's thread, end to end: message events with `files` as Slack sends
them, the fake Slack serving `url_private_download` and recording uploads, a real SMTP server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from storage.domain import Actor, Visibility
from storage.models import OutboxRow, TicketAttachment
from storage.people import Profile
from tests.conftest import ADMIN, REPORTER, _harness
from tests.fakes.smtp import FakeSMTP
from tests.handlers.kit import CARLOS, MARIA, assigned, card_where, events, filed, poll, replies

SCREENSHOT = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # ~10 KB, every byte value
SECRET_LOG = b"db password: hunter2\n" * 50
CARLOS_MAIL, ANA_MAIL = "carlos@example.com", "ana@example.com"
_counter = iter(range(1, 10_000))


@pytest.fixture
def h(settings, db, fake_slack, smtp: FakeSMTP) -> Iterator:
    mailing = replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_timeout=5,
        mail_from="IT Helpdesk <helpdesk@example.com>",
        mail_domain="example.com",
    )
    yield from _harness(mailing, db, fake_slack)


def staff(h) -> None:
    """Carlos and María as engineers, with the addresses their emails go to."""
    h.services.people.add_engineer(
        Profile(CARLOS, "carlos", "Carlos Pérez", CARLOS_MAIL), "Redes y Servidores"
    )
    h.services.people.add_engineer(Profile(MARIA, "maria", "María López", "maria@example.com"), "Hardware")


def share(h, user: str, where: tuple[str, str], files: list[dict], text: str = "") -> tuple[str, str]:
    """`user` shares `files` (objects from fake.share_file) in the thread of the card at `where`."""
    ts = f"1800000100.{next(_counter):06d}"
    channel = where[0]
    h.fake.add_message(channel, ts, text, user, thread_ts=where[1], files=files)
    event = h.fake.file_message(user, channel, ts, files, text, thread_ts=where[1])
    assert h.slack.event(event).status == 200
    return channel, ts


def uploads_to(h, where: tuple[str, str]) -> list[dict]:
    """Files uploaded (and shared) into the thread of the card at `where`."""
    return [
        f
        for f in h.fake.uploaded_files()
        if f["completed"] and f["channel_id"] == where[0] and f["thread_ts"] == where[1]
    ]


def stored(h, ticket_id: int, include_internal: bool = True):
    return h.services.attachments.for_ticket(ticket_id, include_internal=include_internal)


def attachments_of(received) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in received.message.iter_attachments()}


def reacted(h, message: tuple[str, str]) -> bool:
    found = h.fake.message(*message) or {}
    return any(r["name"] == "white_check_mark" for r in found.get("reactions", []))


def outbox(h, kind: str) -> list[OutboxRow]:
    with h.db.read() as s:
        return list(s.scalars(select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id)))


def test_a_screenshot_from_the_reporter_reaches_the_engineer_everywhere(h, smtp):
    staff(h)
    number = assigned(h)
    mine, theirs = card_where(h.db, "engineer", number), card_where(h.db, "reporter", number)
    png = h.fake.share_file("screen shot.png", "image/png", SCREENSHOT, user=REPORTER)

    written = share(h, REPORTER, theirs, [png], text="This is what I see")

    # Re-uploaded into the engineer's card thread, bytes intact, after the relayed text.
    poll(lambda: uploads_to(h, mine), timeout=10, what="the screenshot in the engineer's thread")
    (copy,) = uploads_to(h, mine)
    assert copy["bytes"] == SCREENSHOT and copy["filename"] == "screen shot.png"
    assert any("This is what I see" in r for r in replies(h.fake, mine))
    assert not uploads_to(h, theirs)  # never echoed back to the writer
    poll(lambda: reacted(h, written), what="✅ once text and file were passed on")

    # Stored with the ticket and its comment, public like the comment.
    (file,) = stored(h, number, include_internal=False)
    assert (file.filename, file.mimetype, file.size, file.state) == (
        "screen shot.png",
        "image/png",
        len(SCREENSHOT),
        "stored",
    )
    comment = [e for e in events(h.db, number) if e.kind == "note"][-1]
    assert file.event_id == comment.id and comment.note == "This is what I see" and file.actor_id == REPORTER
    assert h.services.attachments.get(file.id).data == SCREENSHOT

    # Emailed to the engineer with the attachment.
    (mail,) = smtp.wait_for(
        1, lambda r: r.rcpt_to == CARLOS_MAIL and "This is what I see" in r.part("plain"), timeout=10
    )
    assert attachments_of(mail) == {"screen shot.png": SCREENSHOT}
    assert "screen shot.png" in mail.part("html")

    # Listed in /ticket TKT-… for the reporter and the engineer.
    for user in (REPORTER, CARLOS):
        shown = json.dumps(h.slack.command(f"TKT-{number:06d}", user=user).json(), ensure_ascii=False)
        assert "screen shot.png" in shown and "Files (1)" in shown


def test_a_file_in_the_triage_thread_never_reaches_the_reporter(h, smtp):
    staff(h)
    number = assigned(h)
    mine, theirs = card_where(h.db, "engineer", number), card_where(h.db, "reporter", number)
    triage = card_where(h.db, "triage", number)
    log = h.fake.share_file("server.log", "text/plain", SECRET_LOG, user=ADMIN)

    share(h, ADMIN, triage, [log], text="The db log, do not forward")
    poll(lambda: uploads_to(h, mine), timeout=10, what="the internal file in the engineer's thread")
    (file,) = stored(h, number)
    assert file.internal and file.state == "stored"
    assert stored(h, number, include_internal=False) == []

    # The engineer then writes to the reporter: the reporter's email carries no file.
    h.services.tickets.add_note(number, Actor(CARLOS), "Fixed on our side", Visibility.PUBLIC)
    (to_ana,) = smtp.wait_for(
        1, lambda r: r.rcpt_to == ANA_MAIL and "Fixed on our side" in r.part("plain"), timeout=10
    )
    assert attachments_of(to_ana) == {}
    everything_to_ana = b"".join(r.raw for r in smtp.messages(lambda r: r.rcpt_to == ANA_MAIL))
    assert b"server.log" not in everything_to_ana and b"hunter2" not in everything_to_ana
    assert not [f for f in h.fake.uploaded_files() if f["channel_id"] == theirs[0]]
    shown = json.dumps(h.slack.command(f"TKT-{number:06d}", user=REPORTER).json(), ensure_ascii=False)
    assert "server.log" not in shown and "Files (" not in shown
    staff_view = json.dumps(h.slack.command(f"TKT-{number:06d}", user=CARLOS).json(), ensure_ascii=False)
    assert "server.log" in staff_view and "internal" in staff_view


def test_a_file_only_message_is_a_comment(h):
    number = filed(h)
    theirs, triage = card_where(h.db, "reporter", number), card_where(h.db, "triage", number)
    pdf = h.fake.share_file("invoice.pdf", "application/pdf", b"%PDF-1.4 tiny", user=REPORTER)
    share(h, REPORTER, theirs, [pdf])
    poll(lambda: uploads_to(h, triage), timeout=10, what="the file in the triage thread (nobody assigned)")
    assert [e.note for e in events(h.db, number) if e.kind == "note"] == ["📎 invoice.pdf"]
    assert any("📎 invoice.pdf" in r for r in replies(h.fake, triage))


def test_a_25_mb_file_is_refused_with_a_reply_and_nothing_changes(h):
    staff(h)
    number = assigned(h)
    theirs = card_where(h.db, "reporter", number)
    big = h.fake.share_file("dump.bin", "application/octet-stream", b"\0" * (25 * 1024 * 1024), user=REPORTER)
    share(h, REPORTER, theirs, [big], text="The whole dump")
    poll(lambda: any("larger than 20 MB" in r for r in replies(h.fake, theirs)), what="the refusal")
    assert any("dump.bin" in r for r in replies(h.fake, theirs))
    assert [e for e in events(h.db, number) if e.kind == "note"] == []
    with h.db.read() as s:
        assert s.scalars(select(TicketAttachment)).all() == []
    assert outbox(h, "slack.files") == [] and h.fake.calls("file_download") == []


def test_a_file_slack_will_not_give_goes_dead_and_its_writer_is_told(h, smtp):
    staff(h)
    number = assigned(h)
    mine, theirs = card_where(h.db, "engineer", number), card_where(h.db, "reporter", number)
    gone = h.fake.share_file("gone.png", "image/png", b"x", user=REPORTER)
    gone["url_private_download"] = gone["url_private_download"].replace(gone["id"], "F0NOSUCH")
    share(h, REPORTER, theirs, [gone], text="See attached")
    poll(lambda: any("could not be fetched" in r for r in replies(h.fake, theirs)), timeout=10, what="told")
    poll(lambda: [r.state for r in outbox(h, "slack.files")] == ["dead"], what="the row dead at once")
    assert [f.state for f in stored(h, number)] == ["failed"] and not uploads_to(h, mine)
    # The email does not wait for a file that will never come; it names it, unattached.
    (mail,) = smtp.wait_for(
        1, lambda r: r.rcpt_to == CARLOS_MAIL and "See attached" in r.part("plain"), timeout=10
    )
    assert attachments_of(mail) == {} and "gone.png" in mail.part("plain")


def test_a_download_that_fails_on_slacks_side_is_retried(h):
    staff(h)
    number = assigned(h)
    mine, theirs = card_where(h.db, "engineer", number), card_where(h.db, "reporter", number)
    h.fake.fail("file_download", times=1, status=503)
    png = h.fake.share_file("retry.png", "image/png", SCREENSHOT, user=REPORTER)
    share(h, REPORTER, theirs, [png], text="Second try")
    poll(lambda: uploads_to(h, mine), timeout=15, what="the file, after a retry")
    downloads = h.fake.calls("file_download")
    assert [c.status for c in downloads] == [503, 200]
    # The upload lands in Slack a moment before its row is marked done: wait for that too.
    poll(lambda: [r.state for r in outbox(h, "slack.files")] == ["done"], what="the row done")
    (row,) = outbox(h, "slack.files")
    assert row.attempts == 1
    assert uploads_to(h, mine)[0]["bytes"] == SCREENSHOT


def test_a_check_file_info_stub_is_looked_up_with_files_info(h):
    staff(h)
    number = assigned(h)
    mine, theirs = card_where(h.db, "engineer", number), card_where(h.db, "reporter", number)
    png = h.fake.share_file("connect.png", "image/png", SCREENSHOT, user=REPORTER)
    share(h, REPORTER, theirs, [h.fake.stub(png)], text="From a Slack Connect channel")
    poll(lambda: uploads_to(h, mine), timeout=10, what="the file, looked up")
    assert h.fake.calls("files.info")
    (file,) = stored(h, number)
    assert (file.filename, file.size, file.mimetype) == ("connect.png", len(SCREENSHOT), "image/png")


def test_the_token_must_be_the_bots_and_unknown_files_are_404(fake_slack):
    import urllib.request
    from urllib.error import HTTPError

    png = fake_slack.share_file("a.png", "image/png", b"abc")
    url = png["url_private_download"]
    good = urllib.request.Request(url, headers={"Authorization": "Bearer xoxb-test-token"})
    assert urllib.request.urlopen(good).read() == b"abc"
    with urllib.request.urlopen(url) as page:  # no token: Slack's sign-in page, as Slack does
        assert page.headers.get_content_type() == "text/html"
    with pytest.raises(HTTPError) as missing:
        urllib.request.urlopen(url.replace(png["id"], "F0NOPE"))
    assert missing.value.code == 404


def test_the_refusal_speaks_the_writers_language(h):
    number = filed(h)
    theirs = card_where(h.db, "reporter", number)
    assert h.slack.command("language es", user=REPORTER).status == 200
    big = h.fake.share_file("video.mov", "video/quicktime", b"\0" * (21 * 1024 * 1024), user=REPORTER)
    share(h, REPORTER, theirs, [big])
    poll(lambda: any("video.mov pesa más de 20 MB" in r for r in replies(h.fake, theirs)), what="in Spanish")
    assert [e for e in events(h.db, number) if e.kind == "note"] == []
