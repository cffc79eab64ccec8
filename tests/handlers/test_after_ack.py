"""Work after the ack runs on the app's own pool: same arguments as the ack listener, after it,
failures logged and never shown, nothing lost on a graceful stop."""

from __future__ import annotations

import logging
import threading

from handlers.after_ack import NOTHING_FOLLOWS, AfterAck
from handlers.edge import ack_only
from tests.waiting import wait_until


def test_follow_ups_get_the_arguments_they_name_after_the_ack(harness):
    """Bolt passes what the combined listener names; each part gets its own share."""
    after = AfterAck()
    seen: list[tuple] = []
    acked = threading.Event()

    def ack_listener(ack, body):
        seen.append(("ack", body["type"]))
        ack()
        acked.set()

    def follow_up(client, body, context):
        assert acked.is_set()  # after the ack listener returned
        seen.append(("later", body["type"], client is not None, context["team_id"]))

    listener = after.listener(ack_listener, follow_up)
    harness.runtime.app.action("test_after_ack")(listener)
    assert harness.slack.click("test_after_ack").status == 200
    wait_until(lambda: len(seen) == 2, what="the follow-up")
    assert seen[0] == ("ack", "block_actions")
    assert seen[1][:3] == ("later", "block_actions", True)
    after.stop()


def test_an_ack_listener_that_answered_everything_starts_no_follow_up(harness):
    """`/ticket help` answers in the ack: its follow-up (the modal of a bare `/ticket`) never starts."""
    after = AfterAck()
    ran: list[str] = []

    def ack_listener(ack, body):
        ack()
        return NOTHING_FOLLOWS if body["actions"][0]["value"] == "all said" else None

    listener = after.listener(ack_listener, lambda body: ran.append(body["actions"][0]["value"]))
    harness.runtime.app.action("test_nothing_follows")(listener)
    assert harness.slack.click("test_nothing_follows", value="all said").status == 200
    assert harness.slack.click("test_nothing_follows", value="more").status == 200
    wait_until(lambda: ran == ["more"], what="the second click's follow-up")
    after.stop()  # waits for started work: had the first click's follow-up started, it ran by now
    assert ran == ["more"]


def test_a_failing_follow_up_is_logged_and_the_pool_goes_on(caplog):
    after = AfterAck(workers=1)
    done = threading.Event()

    def broken() -> None:
        raise RuntimeError("views.open went wrong")

    with caplog.at_level(logging.ERROR, logger="ticketbot.handlers"):
        after.submit(broken)
        after.submit(done.set)
        assert done.wait(5)
    assert "work after the ack (broken) failed" in caplog.text
    after.stop()


def test_stop_lets_started_work_finish_and_starts_no_more():
    after = AfterAck(workers=1)
    started, release, finished = threading.Event(), threading.Event(), []

    def slow() -> None:
        started.set()
        release.wait(5)
        finished.append("slow")

    after.submit(slow)
    assert started.wait(5)
    stopper = threading.Thread(target=after.stop)
    stopper.start()
    wait_until(lambda: after._stopped.is_set(), what="stopping")
    after.submit(lambda: finished.append("too late"))
    release.set()
    stopper.join(5)
    assert finished == ["slow"]


def test_no_listener_uses_bolts_lazy_listeners(harness):
    """They deep-copy and re-dispatch each request; the app's own pool does the same job."""
    listeners = harness.runtime.app._listeners
    assert listeners and all(not listener.lazy_functions for listener in listeners)


def test_trigger_bound_work_starts_while_the_general_pool_is_busy(harness):
    """A modal's follow-up has a pool of its own; what it hands on (`may_sleep`) goes to the
    general pool, while `may_sleep` elsewhere runs on the spot."""
    after = AfterAck(workers=1, trigger_workers=1)
    release, ran = threading.Event(), []
    after.submit(release.wait, timeout=5)  # the general pool's one thread, asleep in a "429"

    def modal(body):
        ran.append(("modal", threading.current_thread().name))
        after.may_sleep(lambda: ran.append(("handed on", threading.current_thread().name)))

    harness.runtime.app.action("test_modal")(after.listener(ack_only, modal, trigger_bound=True))
    assert harness.slack.click("test_modal").status == 200
    wait_until(lambda: ran, what="the trigger-bound follow-up")
    assert ran[0][1].startswith("after-ack-modal") and len(ran) == 1  # the handed-on part waits
    release.set()
    wait_until(lambda: len(ran) == 2, what="the handed-on part")
    assert ran[1][0] == "handed on" and not ran[1][1].startswith("after-ack-modal")
    after.may_sleep(lambda: ran.append(("here", threading.current_thread().name)))
    assert ran[2] == ("here", threading.current_thread().name)
    after.stop()
