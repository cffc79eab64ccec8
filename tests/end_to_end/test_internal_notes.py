"""The reporter never sees an internal note, on any path.

Internal notes are written both ways staff write them — the *Add note* modal on the engineer's
card and a message in the triage card's thread (then edited there) — next to public ones written
the same two ways. Then every path a reporter can see is driven for real: the relay to their
card's thread, every email they were sent (a real SMTP server), `/ticket TKT-…`, `/ticket list`
and `/ticket mine`, their export (the workbook read back), their App Home, and the card and email
asking "Was your problem solved?" on close. Each path must show the public notes (so the path
was really exercised, and the test can fail) and none of the internal ones; staff, as a control,
see the internal ones where they should: the engineer's thread, the staff export, `/ticket`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest

from storage.domain import Actor
from storage.models import RelayedMessage
from tests.conftest import ADMIN, REPORTER, _harness
from tests.exports.readback import read_back
from tests.fakes.slack_api import TEAM_ID
from tests.handlers.kit import (
    CARLOS,
    assigned,
    card_showing,
    card_where,
    click_card,
    element,
    everything_sent_to,
    fresh_card,
    poll,
    radio_value,
    replies,
    staff,
    submit_view,
    text_value,
)

REPORTER_MAIL = "ana@example.com"
UPLOAD_DONE = "files.completeUploadExternal"


def marker(kind: str) -> str:
    return f"{kind}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def h(settings, db, fake_slack, smtp):
    mailing = replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_timeout=5,
        mail_from="IT Helpdesk <helpdesk@example.com>",
        mail_reply_to="it@example.com",
        mail_domain="example.com",
    )
    yield from _harness(mailing, db, fake_slack)


_ts = iter(range(1, 10_000))


def thread_message(h, user: str, where: tuple[str, str], text: str) -> tuple[str, str]:
    """`user` writes in the thread of the card at `where`, as Slack sends the event."""
    channel, ts = where[0], f"1800000200.{next(_ts):06d}"
    h.fake.add_message(channel, ts, text, user, thread_ts=where[1])
    event = {"type": "message", "user": user, "text": text, "ts": ts, "thread_ts": where[1]}
    event |= {"channel": channel, "event_ts": ts, "team": TEAM_ID, "client_msg_id": f"c{ts}"}
    event["channel_type"] = "im" if channel.startswith("D") else "channel"
    assert h.slack.event(event).status == 200
    return channel, ts


def thread_edit(h, user: str, message: tuple[str, str], thread_ts: str, before: str, after: str) -> None:
    channel, ts = message
    now = f"1800000300.{next(_ts):06d}"
    old = {"type": "message", "user": user, "text": before, "ts": ts, "thread_ts": thread_ts, "team": TEAM_ID}
    new = old | {"text": after, "edited": {"user": user, "ts": now}}
    event = {"type": "message", "subtype": "message_changed", "hidden": True, "channel": channel}
    event |= {"message": new, "previous_message": old, "ts": now, "event_ts": now}
    event["channel_type"] = "im" if channel.startswith("D") else "channel"
    assert h.slack.event(event).status == 200


def add_note(h, where: tuple[str, str], text: str, visibility: str) -> None:
    """The engineer's *Add note* button on their card, then the modal submitted."""
    card = fresh_card(h, where, "TKT-000001")
    before = len(h.fake.calls("views.open"))
    value = element(card["blocks"], "ticket_note")["value"]
    click_card(h.slack, "ticket_note", user=CARLOS, channel=where[0], ts=where[1], value=value)
    view = h.fake.wait_for("views.open", count=before + 1)[-1].params["view"]
    values = text_value("note", "note_value", text) | radio_value(
        "visibility", "visibility_value", visibility
    )
    assert submit_view(h.slack, view, CARLOS, values).status == 200


def export_of(h, user: str, words: str) -> str:
    """The text of the workbook `user` exports with `/ticket export …`, read back."""
    before = len([c for c in h.fake.calls(UPLOAD_DONE) if not c.failed])
    assert h.slack.command(words, user=user).status == 200
    call = h.fake.wait_for(UPLOAD_DONE, lambda c: not c.failed, before + 1, 10.0)[-1]
    files = {f["file_id"]: f for f in h.fake.uploaded_files()}
    return read_back(files[call.params["files"][0]["id"]]["bytes"]).all_text()


def mail_to(smtp, address: str) -> str:
    found = smtp.messages(lambda r: r.rcpt_to.lower() == address)
    return "\n".join(r.subject + "\n" + r.part("plain") + "\n" + r.part("html") for r in found)


def test_the_reporter_never_sees_an_internal_note_on_any_path(h, smtp):
    staff(h)
    number = assigned(h)
    mine, theirs = card_where(h.db, "engineer", number), card_where(h.db, "reporter", number)
    triage = card_where(h.db, "triage", number)
    secret_modal, secret_thread, secret_edit = marker("SECRETM"), marker("SECRETT"), marker("SECRETE")
    public_modal, public_thread = marker("PUBLICM"), marker("PUBLICT")

    # Internal notes, both ways (the triage one then edited); public ones, both ways.
    add_note(h, mine, f"internal {secret_modal}", "internal")
    poll(lambda: any(secret_modal in r for r in replies(h.fake, mine)), what="the modal's internal note")
    said = thread_message(h, ADMIN, triage, f"staff only {secret_thread}")
    poll(lambda: any(secret_thread in r for r in replies(h.fake, mine)), what="the triage note relayed")
    thread_edit(h, ADMIN, said, triage[1], f"staff only {secret_thread}", f"staff only {secret_edit}")
    add_note(h, mine, f"public {public_modal}", "public")
    thread_message(h, CARLOS, mine, f"to the reporter {public_thread}")
    poll(
        lambda: any(public_thread in r for r in replies(h.fake, theirs)), what="the engineer's reply relayed"
    )
    poll(lambda: any(public_modal in r for r in replies(h.fake, theirs)), what="the public note")
    # The edited internal copy in the engineer's thread (the copy is updated in place).
    copy = copy_of(h, said)
    assert copy[0] == mine[0]
    poll(lambda: secret_edit in json.dumps(h.fake.message(*copy)), what="the edit in the engineer's copy")

    # Close: the reporter's card asks "Was your problem solved?"; an email tells of the close.
    h.services.tickets.close(number, Actor(CARLOS), "Replaced the cable")
    card_showing(h.fake, theirs, "Was your problem solved?")

    # Every email the reporter got: the public lines are there, no internal one.
    smtp.wait_for(1, lambda r: r.rcpt_to == REPORTER_MAIL and public_thread in r.part("plain"), timeout=10)
    smtp.wait_for(1, lambda r: r.rcpt_to == REPORTER_MAIL and "Closed" in r.subject, timeout=10)
    mailed = mail_to(smtp, REPORTER_MAIL)

    # /ticket TKT-…, /ticket list, /ticket mine, the Home tab: as the reporter.
    detail = said_to(h, f"TKT-{number:06d}", REPORTER)
    listing = said_to(h, "list", REPORTER) + said_to(h, "mine", REPORTER)
    before = len(h.fake.calls("views.publish"))
    assert h.slack.home_opened(REPORTER).status == 200
    home = json.dumps(
        h.fake.wait_for("views.publish", lambda c: c.params.get("user_id") == REPORTER, before + 1)[-1].params
    )
    exported = export_of(h, REPORTER, "export")

    # Each path was exercised: it shows the ticket, and the public lines where it lists notes.
    shown_in_slack = everything_sent_to(h.fake, REPORTER)
    for path, text, must in (
        (
            "the reporter's DM and thread",
            shown_in_slack,
            (public_thread, public_modal, "Was your problem solved?"),
        ),
        ("the reporter's emails", mailed, (public_thread, public_modal)),
        ("/ticket TKT-…", detail, (public_thread, public_modal)),
        ("/ticket list and mine", listing, ("VPN drops",)),
        ("the reporter's Home", home, ("VPN drops",)),
        ("the reporter's export", exported, (public_thread, public_modal)),
    ):
        for expected in must:
            assert expected in text, f"{path} does not show {expected!r}: the path was not exercised"
        for secret in (secret_modal, secret_thread, secret_edit):
            assert secret not in text, f"an internal note reached the reporter through {path}"

    # Control: staff see the internal notes where they should.
    engineer_thread = "\n".join(replies(h.fake, mine)) + json.dumps(h.fake.message(*copy))
    assert secret_modal in engineer_thread and secret_edit in engineer_thread
    staff_export = export_of(h, CARLOS, "export assigned")
    assert secret_modal in staff_export and secret_edit in staff_export
    assert secret_modal in said_to(h, f"TKT-{number:06d}", ADMIN)


def said_to(h, words: str, user: str) -> str:
    """What `/ticket <words>` answers `user` (in the HTTP answer, as every lookup does)."""
    answer = h.slack.command(words, user=user)
    assert answer.status == 200
    return json.dumps(answer.json(), ensure_ascii=False)


def copy_of(h, message: tuple[str, str]) -> tuple[str, str]:
    """Where the relay posted the copy of a thread message (relayed_messages)."""

    def stored():
        with h.db.read() as s:
            row = s.get(RelayedMessage, message)
            return (row.copy_channel, row.copy_ts) if row and row.copy_ts else None

    return poll(stored, what="the relayed copy remembered")
