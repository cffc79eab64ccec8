"""Exports from Slack, end to end: `/ticket export …` and the Home button in, a workbook uploaded
to the fake Slack Web API (files_upload_v2's three calls) out, read back with calamine/openpyxl."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from handlers import ids
from handlers.filters import filter_to_value
from storage import outbox
from storage.domain import Actor, Visibility
from storage.models import OutboxRow, utcnow
from storage.people import Profile
from storage.queries import TicketFilter
from storage.tickets import NewTicket
from tests.conftest import ADMIN, REPORTER, _harness
from tests.exports.readback import read_back

CARLOS, MARIA = "U0CARLOS", "U0MARIA"
SECRET = "Switch port 12 is dead (internal only)"
UPLOAD_STEPS = ("files.getUploadURLExternal", "file_upload", "files.completeUploadExternal")


def seed(h) -> None:
    """Ana reported two tickets (one assigned to Carlos, with an internal note), María one."""
    people, tickets = h.services.people, h.services.tickets
    people.remember(Profile(REPORTER, "ana", "Ana Gómez", "ana@example.com"))
    people.remember(Profile(MARIA, "maria", "María López", "maria@example.com"))
    people.remember(Profile(ADMIN, "admin", "Alex Admin", "admin@example.com"))
    people.add_engineer(Profile(CARLOS, "carlos", "Carlos Pérez", "carlos@example.com"), "Redes")
    vpn = tickets.create(Actor(REPORTER), NewTicket("VPN drops", "Every hour", "network", "high"))[0].id
    tickets.assign(vpn, CARLOS, Actor(ADMIN))
    tickets.add_note(vpn, Actor(CARLOS), SECRET, Visibility.INTERNAL)
    tickets.create(Actor(REPORTER), NewTicket("Printer jams", "Floor 3", "printers", "low"))
    tickets.create(Actor(MARIA), NewTicket("Monitor flickers", "Since Monday", "hardware", "high"))


def uploads(h, count: int = 1, timeout: float = 10.0):
    """The shared files (completeUploadExternal calls) and each one's workbook, read back."""
    calls = h.fake.wait_for("files.completeUploadExternal", lambda c: not c.failed, count, timeout)
    files = {f["file_id"]: f for f in h.fake.uploaded_files()}
    return [(call, read_back(files[call.params["files"][0]["id"]]["bytes"])) for call in calls]


def export_rows(h) -> list[OutboxRow]:
    with h.db.read() as s:
        query = select(OutboxRow).where(OutboxRow.kind.in_(outbox.EXPORT_KINDS)).order_by(OutboxRow.id)
        return list(s.scalars(query))


def eventually(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(0.02)
    return result


def time_passes(h) -> None:
    """Every pending retry is due now (instead of waiting out the outbox's backoff)."""
    with h.db.transaction() as s:
        s.execute(update(OutboxRow).where(OutboxRow.state == "pending").values(next_attempt_at=utcnow()))
    h.runtime.export_dispatcher.kick()


def test_a_reporter_exports_their_own_tickets_to_their_dm(harness):
    seed(harness)
    answer = harness.slack.command("export", user=REPORTER).json()
    assert answer["response_type"] == "ephemeral"
    assert (
        answer["text"] == "Preparing your export of 2 tickets… I will send you the file in a direct message."
    )

    ((call, book),) = uploads(harness)
    assert call.params["channel_id"] == "D0REPORTER"  # the app DM conversations.open gave
    comment = call.params["initial_comment"]
    for expected in ("*Tickets reported by Ana Gómez*", "filter: none", "2 tickets", "generated <!date^"):
        assert expected in comment
    steps = [c.method for c in harness.fake.calls() if c.method in UPLOAD_STEPS]
    assert steps == list(UPLOAD_STEPS)
    (get_url,) = harness.fake.calls("files.getUploadURLExternal")
    (uploaded,) = harness.fake.uploaded_files()
    assert get_url.params["filename"].startswith("tickets-mine-") and get_url.params["filename"].endswith(
        ".xlsx"
    )
    assert int(get_url.params["length"]) == len(uploaded["bytes"]) and uploaded["completed"]

    assert [t["Title"] for t in book.records("Tickets")] == ["VPN drops", "Printer jams"]
    assert "Internal notes" not in book.rows("Tickets")[0]
    assert SECRET not in book.all_text() and "Monitor flickers" not in book.all_text()
    eventually(lambda: [r.state for r in export_rows(harness)] == ["done"])


def test_an_engineer_exports_assigned_tickets_with_internal_notes(harness):
    seed(harness)
    answer = harness.slack.command("export assigned", user=CARLOS).json()
    assert answer["text"].startswith("Preparing your export of 1 ticket…")
    ((call, book),) = uploads(harness)
    assert (
        call.params["channel_id"] == "D0CARLOS"
        and "Tickets assigned to Carlos Pérez" in call.params["initial_comment"]
    )
    (vpn,) = book.records("Tickets")
    assert vpn["Title"] == "VPN drops" and SECRET in vpn["Internal notes"]


def test_an_admin_exports_all_into_the_channel_with_a_filter(harness):
    seed(harness)
    answer = harness.slack.command("export all status:open priority:high since:2020-01-01", user=ADMIN).json()
    assert answer["text"] == "Preparing your export of 2 tickets… The file will arrive here in a moment."
    ((call, book),) = uploads(harness)
    assert call.params["channel_id"] == "C0GENERAL"
    assert harness.fake.calls("conversations.info")[0].params["channel"] == "C0GENERAL"
    assert (
        "*All tickets* · filter: Open, High, since 2020-01-01 · 2 tickets" in call.params["initial_comment"]
    )
    assert [t["Title"] for t in book.records("Tickets")] == ["VPN drops", "Monitor flickers"]
    assert SECRET in book.all_text()


def test_all_goes_to_the_admins_dm_when_the_bot_is_not_in_the_channel(harness):
    seed(harness)
    harness.fake.not_member_channels.add("C0GENERAL")
    harness.slack.command("export all", user=ADMIN)
    ((call, _),) = uploads(harness)
    assert call.params["channel_id"] == "D0ADMIN"
    (told,) = harness.fake.wait_for("response_url", lambda c: "not a member" in c.params["text"])
    assert told.params["response_type"] == "ephemeral"


def test_all_typed_in_a_dm_without_im_read_names_the_missing_scope(harness):
    """conversations.info on a DM needs im:read: without it Slack answers missing_scope, and
    the note says which permission the app lacks instead of "not a member"."""
    seed(harness)
    harness.fake.scopes.remove("im:read")
    harness.slack.command("export all", user=ADMIN, channel_id="D0ADMIN")
    ((call, _),) = uploads(harness)
    assert call.params["channel_id"] == "D0ADMIN"
    (told,) = harness.fake.wait_for("response_url", lambda c: "`im:read`" in c.params["text"])
    assert "not a member" not in told.params["text"] and told.params["response_type"] == "ephemeral"
    (info,) = harness.fake.calls("conversations.info")
    assert info.error == "missing_scope"


def test_all_typed_in_a_group_dm_without_mpim_read_names_that_scope(harness):
    seed(harness)
    harness.fake.group_dm_channels.add("G0GROUPDM")
    harness.fake.scopes.remove("mpim:read")
    harness.slack.command("export all", user=ADMIN, channel_id="G0GROUPDM")
    ((call, _),) = uploads(harness)
    assert call.params["channel_id"] == "D0ADMIN"
    harness.fake.wait_for("response_url", lambda c: "`mpim:read`" in c.params["text"])


def test_all_typed_in_the_bots_dm_with_im_read_says_nothing_more(harness):
    seed(harness)
    harness.slack.command("export all", user=ADMIN, channel_id="D0ADMIN")
    ((call, _),) = uploads(harness)
    assert call.params["channel_id"] == "D0ADMIN"
    assert harness.fake.calls("response_url") == []


@pytest.mark.parametrize(
    ("text", "user", "expected"),
    [
        ("export all", REPORTER, "Only admins can export all tickets."),
        ("export todos", CARLOS, "Only admins can export all tickets."),
        ("export assigned", REPORTER, "Only engineers can export their assigned tickets."),
        ("export all status:nope", ADMIN, "I do not know the status “nope”."),
        ("export status:on_hold", REPORTER, "No tickets match, so there is nothing to export."),
    ],
)
def test_refusals_are_ephemeral_and_export_nothing(harness, text, user, expected):
    seed(harness)
    answer = harness.slack.command(text, user=user).json()
    assert answer["response_type"] == "ephemeral" and answer["text"].startswith(expected)
    assert export_rows(harness) == []  # nothing queued, so no file can ever be uploaded


def test_spanish_workspace_exports_with_spanish_words(harness_es):
    seed(harness_es)
    answer = harness_es.slack.command("exportar todos", user=ADMIN).json()
    assert answer["text"] == "Preparando tu exportación de 3 tickets… El archivo llegará aquí en un momento."
    ((call, book),) = uploads(harness_es)
    assert "*Todos los tickets* · filtro: ninguno · 3 tickets · generado" in call.params["initial_comment"]
    assert list(book.sheets) == ["Tickets", "Historial", "Incidentes", "Resumen"]
    assert book.rows("Tickets")[0][:3] == ["Número", "Título", "Descripción"]
    assert call.params["files"][0]["title"].startswith("tickets-all-")


def test_the_home_button_exports_the_clickers_own_tickets_for_the_current_filter(harness):
    seed(harness)
    value = filter_to_value(TicketFilter(priorities=("low",)), "mine")
    assert harness.slack.click(ids.EXPORT_EXCEL, value, user=REPORTER).status == 200
    harness.fake.wait_for(
        "chat.postMessage",
        lambda c: (
            c.params["channel"] == REPORTER
            and c.params["text"].startswith("Preparing your export of 1 ticket")
        ),
    )
    ((call, book),) = uploads(harness)
    assert call.params["channel_id"] == "D0REPORTER"
    assert [t["Title"] for t in book.records("Tickets")] == ["Printer jams"]


def test_the_home_button_never_trusts_scope_fields_from_its_value(harness):
    seed(harness)
    forged = json.dumps({"scope": "mine", "reporter_id": MARIA, "engineer_id": CARLOS})
    harness.slack.click(ids.EXPORT_EXCEL, forged, user=REPORTER)
    ((_, book),) = uploads(harness)
    assert [t["Reporter"] for t in book.records("Tickets")] == ["Ana Gómez", "Ana Gómez"]

    harness.fake.reset()
    harness.slack.click(ids.EXPORT_EXCEL, json.dumps({"scope": "all"}), user=REPORTER)
    harness.fake.wait_for(
        "chat.postMessage",
        lambda c: (
            c.params["channel"] == REPORTER
            and c.params["text"]
            == "Only admins can export all tickets. Try `/ticket export` for your own tickets."
        ),
    )
    assert len(export_rows(harness)) == 1  # only the first, honest export


def test_an_upload_that_fails_twice_is_retried_until_it_succeeds(harness):
    seed(harness)
    harness.fake.fail("file_upload", times=2, status=500)  # the upload step raises urllib's HTTPError
    harness.slack.command("export", user=REPORTER)
    for attempts in (1, 2):
        eventually(lambda n=attempts: [r.attempts for r in export_rows(harness)] == [n])
        (row,) = export_rows(harness)
        assert row.state == "pending" and "HTTP 500" in row.last_error
        time_passes(harness)
    ((call, book),) = uploads(harness)
    assert [c.failed for c in harness.fake.calls("file_upload")] == [True, True, False]
    assert len(harness.fake.calls("files.getUploadURLExternal")) == 3
    assert len(harness.fake.calls("files.completeUploadExternal")) == 1  # shared exactly once
    assert call.params["channel_id"] == "D0REPORTER" and len(book.records("Tickets")) == 2
    eventually(lambda: [r.state for r in export_rows(harness)] == ["done"])


@pytest.fixture
def impatient(settings, db, fake_slack):
    """The app with exports given up after two attempts."""
    yield from _harness(replace(settings, export_max_attempts=2), db, fake_slack)


def test_the_requester_is_told_when_an_export_finally_fails(impatient):
    h = impatient
    seed(h)
    h.fake.fail("file_upload", times=10, status=503)
    h.slack.command("export all priority:high", user=ADMIN)
    eventually(lambda: [r.attempts for r in export_rows(h)] == [1])
    time_passes(h)
    told = h.fake.wait_for("chat.postMessage", lambda c: c.params["channel"] == ADMIN)[0]
    assert told.params["text"].startswith(
        "Sorry, I could not deliver your Excel export (All tickets, filter: High)"
    )
    expected = {outbox.SLACK_EXPORT: "dead", outbox.SLACK_EXPORT_FAILED: "done"}
    eventually(lambda: {r.kind: r.state for r in export_rows(h)} == expected)
    assert not [f for f in h.fake.uploaded_files() if f["completed"]]


def test_a_slow_export_does_not_hold_up_ticket_notifications(harness):
    """While an export waits on Slack, a new ticket's triage card still goes out at once."""
    seed(harness)
    released = threading.Event()
    fake = harness.fake

    def slow_upload_url(params):
        # The fake answers under its lock; waiting on its condition releases the lock meanwhile.
        fake._cond.wait_for(released.is_set, timeout=10)
        return fake._api_files_getUploadURLExternal(params)

    fake.on("files.getUploadURLExternal", slow_upload_url)
    harness.slack.command("export", user=REPORTER)
    harness.slack.command("export", user=MARIA)
    eventually(lambda: [r.claimed_by is not None for r in export_rows(harness)] == [True, False])
    fake.reset()
    assert harness.slack.submit_new_ticket(title="Laptop will not boot", view_id="V0SLOW").status == 200
    fake.wait_for("chat.postMessage", lambda c: "Laptop will not boot" in json.dumps(c.params), timeout=5)
    assert not fake.calls("files.completeUploadExternal")  # the exports are still waiting
    with fake._cond:
        released.set()
        fake._cond.notify_all()
    assert len(uploads(harness, count=2)) == 2
