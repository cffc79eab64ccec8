"""Waking delivery processes right after a commit that wrote outbox rows.

Under `ticketbot serve --delivery-processes M` the web workers deliver nothing: each delivery
process binds a Unix datagram socket, and a web worker's commit hook sends every one of them a
1-byte datagram. Sending never blocks and never fails a request: a datagram that cannot be sent
(the process is restarting, or already has wake-ups queued) is dropped — a queued one wakes it
anyway, and the DISPATCH_INTERVAL_SECONDS poll remains the fallback. One socket per process,
the same byte string every time: next to nothing per commit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence

log = logging.getLogger("ticketbot.wake")

_DATAGRAM = b"!"


class WakeSender:
    """The web worker's side: `wake()` is a commit hook (thread-safe, never raises)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = [os.fsencode(p) for p in paths]
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.setblocking(False)

    def wake(self) -> None:
        for path in self.paths:
            try:  # noqa: SIM105 (contextlib.suppress would build an object per commit)
                self._socket.sendto(_DATAGRAM, path)
            except OSError:
                pass  # not bound yet, restarting, or wake-ups already queued: the poll covers it

    def close(self) -> None:
        self._socket.close()


class WakeListener:
    """The delivery process's side: a thread that calls `kick()` whenever datagrams arrive
    (a burst of them is one kick: the dispatcher's pass takes every row committed before)."""

    def __init__(self, path: str, kick: Callable[[], None]) -> None:
        self.path = path
        self.kick = kick
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # left behind by a process that was killed
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(path)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="wake-listener", daemon=True)

    def start(self) -> WakeListener:
        self._thread.start()
        log.info("woken by web workers' commits at %s", self.path)
        return self

    def _listen(self) -> None:
        while True:
            try:
                self._socket.recv(64)  # b"" once `close` shuts the socket down
                with contextlib.suppress(BlockingIOError):
                    while self._socket.recv(64, socket.MSG_DONTWAIT):
                        pass  # drain the burst
            except OSError:
                if not self._closed.is_set():
                    log.warning("wake socket %s failed; relying on the poll", self.path, exc_info=True)
                return
            if self._closed.is_set():
                return
            self.kick()

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in recv
        if self._thread.ident is not None:  # started
            self._thread.join(timeout=2)
        self._socket.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
