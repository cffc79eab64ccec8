"""`ticketbot deliver`: a Runtime's background work and no HTTP — the outbox dispatcher, the export
dispatcher and the scheduler (the leader-only jobs run in whichever process holds the lock).

`ticketbot serve` starts these as child processes; one may also run on its own, on another host
or in another container, against the same database: rows are claimed with SKIP LOCKED and a
lease, so processes share the work and none sends a row twice. Without a wake socket it picks up
new rows on its DISPATCH_INTERVAL_SECONDS poll.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

from bot.config import Settings
from storage.db import Database

log = logging.getLogger("ticketbot.deliver")


def deliver(settings: Settings, db: Database, stopping: threading.Event, wake_socket: str | None) -> None:
    """Deliver until `stopping` is set, then stop as a web worker does: finish the row in hand,
    give back unstarted claims, release leadership."""
    from bot.app import build
    from bot.wake import WakeListener

    runtime = build(settings, db)
    listener = WakeListener(wake_socket, runtime.kick).start() if wake_socket else None
    runtime.start_background()
    log.info("delivering notifications (pid %s)", os.getpid())
    try:
        stopping.wait()
        log.info("stopping: finishing the notifications in hand, giving back the rest")
    finally:
        if listener is not None:
            listener.close()
        runtime.stop()
    log.info("stopped delivering (pid %s)", os.getpid())


def stop_on_signals() -> threading.Event:
    """SIGTERM and SIGINT set the event (installed before the slow start-up, so none is lost)."""
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    return stopping
