"""Production HTTP serving: Bolt's WSGI adapter under gunicorn, delivery in processes of its own.

`ticketbot serve --workers N --delivery-processes M` (M ≥ 1; 1 by default) runs a small supervisor:

    ticketbot serve (this process) ─┬─ gunicorn master ── N web workers: answer Slack, deliver nothing
                                    └─ M × `ticketbot deliver`: outbox, exports, scheduled jobs (nice +5)

Acks matter more than a DM leaving a second later: delivery does not share the web workers' GIL,
and under load the kernel gives the CPU to the acks first. A web worker's commit that wrote outbox
rows wakes the delivery processes with a datagram (bot/wake.py). The supervisor starts again a
delivery process that dies. SIGTERM or SIGINT to it goes on as SIGTERM to every child: gunicorn
stops taking requests and lets those in flight finish; each delivery process finishes the row in
hand and gives back its unstarted claims. Gunicorn's master runs in a child rather than here:
it reaps with os.waitpid(-1), which would take the delivery processes' exit statuses too.

With M = 0 this process is the gunicorn master and every web worker also delivers (rows are
claimed with SKIP LOCKED, so none twice). Either way each worker builds its own Runtime after the
fork (database pools and threads never cross a fork), and migrations have run once, before.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.config import Settings

log = logging.getLogger("ticketbot.serve")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# gunicorn's own controls, passed on to its master: HUP reloads the workers (the delivery processes
# are started again too), USR1 reopens log files, USR2 upgrades the binary, TTIN/TTOU add/remove a
# worker. Without a handler each of these would end the supervisor, and with it the service.
GUNICORN_SIGNALS = (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTTIN, signal.SIGTTOU)
PR_SET_PDEATHSIG = 1
YOUNG, RESTART_PAUSE = 10.0, 1.0  # a delivery process that dies this young waits that long to restart


class TicketbotServer(BaseApplication):
    def __init__(
        self, settings: Settings, options: dict[str, Any], wake: Sequence[str] | None = None
    ) -> None:
        """`wake`: None, each worker delivers; else the delivery processes' wake sockets."""
        self.settings = settings
        self.options = options
        self.wake = wake
        self.runtime = None
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("worker_exit", self._worker_exit)

    def load(self):
        """Called in each worker after the fork (preload_app is off)."""
        from bot.app import build
        from bot.http import wsgi_app
        from bot.wake import WakeSender

        self.runtime = build(self.settings)
        if self.wake is None:
            self.runtime.start_background()
        else:
            self.runtime.db.on_commit(WakeSender(self.wake).wake)
        return wsgi_app(self.runtime)

    def _worker_exit(self, server, worker) -> None:
        if self.runtime is not None:
            self.runtime.stop()


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    delivery_processes: int = 1,
    delivery_nice: int = 5,
) -> int:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "backlog": 2048,
        "graceful_timeout": 20,
        "timeout": 30,
        "keepalive": 5,
        "accesslog": None,
        "preload_app": False,
        "proc_name": "ticketbot",
    }
    if delivery_processes == 0:
        TicketbotServer(settings, options).run()
        return 0
    return Supervisor(settings, options, delivery_processes, delivery_nice).run()


class Supervisor:
    """Starts gunicorn and the delivery processes, restarts delivery processes that die, and
    passes SIGTERM/SIGINT on to all of them."""

    def __init__(self, settings: Settings, options: dict[str, Any], processes: int, nice: int) -> None:
        self.settings = settings
        self.options = options
        self.nice = nice
        self.wake_dir = tempfile.mkdtemp(prefix="ticketbot-wake-")  # mode 0700: only we may wake
        self.sockets = [os.path.join(self.wake_dir, f"deliver-{n}.sock") for n in range(processes)]
        self.web: int | None = None
        self.delivery: dict[int, tuple[int, float]] = {}  # pid -> (number, started at)
        self.reloading: set[int] = set()  # delivery pids asked to stop by a SIGHUP: start anew
        self.stopping = False

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        for signum in GUNICORN_SIGNALS:
            signal.signal(signum, self._pass_on)
        try:
            self.web = self._spawn(self._gunicorn)
            log.info("gunicorn master started (pid %s)", self.web)
            for number in range(len(self.sockets)):
                self._start_delivery(number)
            return self._supervise()
        finally:
            shutil.rmtree(self.wake_dir, ignore_errors=True)

    def _supervise(self) -> int:
        """Reap children until none is left; 0 if they all stopped cleanly when asked to."""
        status = 0
        while self.web is not None or self.delivery:
            try:
                pid, wait_status = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            code = os.waitstatus_to_exitcode(wait_status)
            if pid == self.web:
                self.web, name, number, started = None, "gunicorn", None, 0.0
            elif pid in self.delivery:
                number, started = self.delivery.pop(pid)
                name = f"delivery process {number} (pid {pid})"
            else:
                continue
            if self.stopping:
                if not _stopped_cleanly(code):
                    log.error("%s %s while stopping", name, _describe(code))
                    status = 1
            elif number is None:
                log.error("gunicorn %s: stopping the delivery processes", _describe(code))
                status = 1
                self._stop()
            elif pid in self.reloading:
                self.reloading.discard(pid)
                log.info("%s stopped for the reload; starting it again", name)
                self._start_delivery(number)
            else:
                log.error("%s %s; starting it again", name, _describe(code))
                if time.monotonic() - started < YOUNG:  # one that cannot start must not spin
                    time.sleep(RESTART_PAUSE)
                if not self.stopping:
                    self._start_delivery(number)
        log.info("stopped" if status == 0 else "stopped, not cleanly")
        return status

    def _on_signal(self, signum: int, frame: object) -> None:
        if not self.stopping:
            log.info(
                "%s: stopping gunicorn and the delivery processes gracefully", signal.Signals(signum).name
            )
        self._stop()

    def _pass_on(self, signum: int, frame: object) -> None:
        if self.stopping or self.web is None:
            return
        log.info("%s: passed on to gunicorn", signal.Signals(signum).name)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.web, signum)
        if signum == signal.SIGHUP:  # reload: the delivery processes too, gracefully
            for pid in list(self.delivery):
                self.reloading.add(pid)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

    def _stop(self) -> None:
        self.stopping = True
        for pid in [self.web, *self.delivery]:
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

    def _start_delivery(self, number: int) -> None:
        pid = self._spawn(lambda: self._exec_delivery(self.sockets[number]))
        self.delivery[pid] = (number, time.monotonic())
        log.info("delivery process %s started (pid %s, nice +%s)", number, pid, self.nice)

    def _gunicorn(self) -> int:
        TicketbotServer(self.settings, self.options, wake=self.sockets).run()
        return 0

    def _exec_delivery(self, wake_socket: str) -> int:
        os.nice(self.nice)
        verbose = ["-v"] if logging.getLogger().isEnabledFor(logging.DEBUG) else []
        argv = [sys.executable, "-m", "bot.cli", *verbose, "deliver", "--no-migrate", "--no-check"]
        os.execv(sys.executable, [*argv, "--wake-socket", wake_socket])

    def _spawn(self, child: Callable[[], int]) -> int:
        """Fork and run `child` in the new process. Its own process group, so a terminal's Ctrl-C
        reaches only this supervisor, which stops everything gracefully."""
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        # Blocked until the child is set up: its handlers are the defaults, not this supervisor's.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS + GUNICORN_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    for signum in STOP_SIGNALS + GUNICORN_SIGNALS:
                        signal.signal(signum, signal.SIG_DFL)
                    os.setpgid(0, 0)
                    _stop_with_parent(parent)
                    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                    code = child()
                except SystemExit as exit:  # gunicorn's master ends with sys.exit
                    code = exit.code if isinstance(exit.code, int) else 1
                except BaseException:
                    log.exception("child process failed")
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if self.stopping:  # a signal came while it was starting
            os.kill(pid, signal.SIGTERM)
        return pid


def _stop_with_parent(parent: int) -> None:
    """Linux: SIGTERM (a graceful stop) when the supervisor dies, even by kill -9, rather than
    serving on as an orphan. Elsewhere nothing."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # it died before prctl
            os.kill(os.getpid(), signal.SIGTERM)


def _stopped_cleanly(code: int) -> bool:
    """Exit status 0, or SIGTERM's default action: the signal came before the process had set up
    its handler, so it had nothing in hand."""
    return code in (0, -signal.SIGTERM)


def _describe(code: int) -> str:
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with status {code}"
