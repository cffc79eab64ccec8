"""bot/wake.py: a commit's datagram wakes a delivery process; sending never fails or blocks."""

from __future__ import annotations

import threading

from bot.wake import WakeListener, WakeSender
from tests.waiting import wait_until


def test_a_datagram_kicks_the_listener_and_closing_removes_its_socket(tmp_path):
    path = tmp_path / "wake.sock"
    path.write_text("left by a killed process")
    kicked = threading.Event()
    listener = WakeListener(str(path), kicked.set).start()
    sender = WakeSender([str(path)])
    try:
        sender.wake()
        wait_until(kicked.is_set, what="a kick")
    finally:
        listener.close()
        sender.close()
    assert not path.exists()


def test_waking_nobody_or_a_full_queue_neither_raises_nor_blocks(tmp_path):
    unread = tmp_path / "unread.sock"
    kicks = []
    listener = WakeListener(str(unread), lambda: kicks.append(1))  # bound, never started: never read
    sender = WakeSender([str(tmp_path / "nobody.sock"), str(unread)])
    try:
        for _ in range(1000):  # far past the socket's queue of datagrams
            sender.wake()
    finally:
        sender.close()
        listener.close()
    assert kicks == []
