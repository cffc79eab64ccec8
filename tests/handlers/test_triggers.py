"""A trigger_id lives 3 seconds (the fake Slack refuses a modal opened on an older one): modals open
in time however busy the rest of the work after the acks is, and Home tabs redrawn after two
quick clicks never land out of order."""

from __future__ import annotations

import logging
import time

from handlers import ids
from tests.conftest import ADMIN
from tests.handlers.kit import click_home
from tests.handlers.test_intake import TS
from tests.waiting import wait_until

HOME_TABS = 12  # more than the general pool's 10 workers


def test_the_filing_form_opens_in_time_while_home_tabs_wait_out_a_rate_limit(harness):
    """Measured before: with `views.publish` answering 429 (Retry-After: 5) and twelve Home tabs
    opened, `/ticket`'s views.open left 10.45 s after its ack, and Slack refused it."""
    fake = harness.fake
    fake.rate_limit(4, retry_after=5, methods={"views.publish"})
    for n in range(HOME_TABS):
        assert harness.slack.home_opened(f"U0HOME{n:02d}").status == 200
    fake.wait_for("views.publish", lambda c: c.status == 429, count=10)  # the general pool, asleep

    assert harness.slack.command("").status == 200
    acked = time.monotonic()
    (opened,) = fake.wait_for("views.open", timeout=15)
    assert opened.at - acked < 3, f"views.open left {opened.at - acked:.2f} s after the ack"
    assert not opened.failed, opened.error
    assert opened.params["view"]["callback_id"] == ids.NEW_TICKET_VIEW
    # The Home tabs are not dropped: each is published once Slack lets them through.
    published = fake.wait_for("views.publish", lambda c: not c.failed, count=HOME_TABS, timeout=20)
    assert {c.params["user_id"] for c in published} == {f"U0HOME{n:02d}" for n in range(HOME_TABS)}


def test_a_rate_limited_views_open_is_logged_not_slept_on(harness, caplog):
    """By the end of a Retry-After the trigger is dead: the 429 is logged at once, not retried."""
    harness.fake.fail("views.open", times=1, status=429, retry_after=5)
    with caplog.at_level(logging.ERROR, logger="ticketbot.handlers"):
        assert harness.slack.command("").status == 200
        acked = time.monotonic()
        wait_until(lambda: "ratelimited" in caplog.text, what="the 429 logged")
    assert time.monotonic() - acked < 3
    assert [c.status for c in harness.fake.calls("views.open")] == [429]  # no retry


def test_the_shortcut_opens_its_modal_before_looking_anyone_up(harness):
    """users.info answering 429: the modal opens at once and becomes the form once it answers."""
    fake = harness.fake
    fake.rate_limit(1, retry_after=1, methods={"users.info"})
    text = "Printer down, ask <@U0CARLOS>"
    assert harness.slack.message_shortcut(text, ts=TS).status == 200
    acked = time.monotonic()
    (opened,) = fake.wait_for("views.open")
    assert not opened.failed and opened.at - acked < 3
    assert opened.params["view"].get("callback_id") != ids.MESSAGE_TICKET_VIEW  # a note: reading…
    (update,) = fake.wait_for("views.update", timeout=10)
    assert not update.failed and all(c.at > opened.at for c in fake.calls("users.info"))
    form = update.params["view"]
    assert form["callback_id"] == ids.MESSAGE_TICKET_VIEW
    assert form["blocks"][0]["element"]["initial_value"] == "Printer down, ask @Carlos Pérez"
    assert any(c.status == 429 for c in fake.calls("users.info"))  # it did wait out the limit


def test_a_late_home_redraw_does_not_replace_a_newer_one(harness, caplog):
    """Two quick clicks on a Home tab: the second publish carries the hash of the tab both were
    clicked on; once the first replaced it, Slack refuses the second (hash_conflict), quietly."""
    fake = harness.fake
    assert harness.slack.home_opened(ADMIN).status == 200
    fake.wait_for("views.publish")
    seen = fake.home(ADMIN)
    with caplog.at_level(logging.DEBUG, logger="ticketbot.handlers"):
        click_home(harness.slack, ids.HOME_CLEAR, user=ADMIN, value="clear", view_hash=seen["hash"])
        fake.wait_for("views.publish", lambda c: not c.failed, count=2)
        newer = fake.home(ADMIN)
        click_home(harness.slack, ids.HOME_NEXT, user=ADMIN, value="next", view_hash=seen["hash"])
        (late,) = fake.wait_for("views.publish", lambda c: c.failed)
        wait_until(lambda: "redrawn meanwhile" in caplog.text, what="the dropped draw logged")
    assert late.error == "hash_conflict" and late.params["hash"] == seen["hash"]
    assert fake.home(ADMIN)["hash"] == newer["hash"]  # the newer tab stays
    assert "failed" not in caplog.text  # nothing to do: not an error
