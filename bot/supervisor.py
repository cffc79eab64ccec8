"""The supervisor of `ticketbot serve --delivery-processes M` (M ≥ 1; bot/serve.py tells the whole
story): it forks gunicorn's master and M `ticketbot deliver` processes, starts again a delivery
process that dies, passes gunicorn's own signals on to its master, and SIGTERM or SIGINT on as
SIGTERM to every child."""

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

log = logging.getLogger("ticketbot.serve")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# gunicorn's own controls, passed on to its master: HUP reloads the workers (the delivery processes
# are started again too), USR1 reopens log files, USR2 upgrades the binary, TTIN/TTOU add/remove a
# worker. Without a handler each of these would end the supervisor, and with it the service.
GUNICORN_SIGNALS = (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTTIN, signal.SIGTTOU)
PR_SET_PDEATHSIG = 1
YOUNG, RESTART_PAUSE = 10.0, 1.0  # a delivery process that dies this young waits that long to restart


class Supervisor:
    """Starts gunicorn and the delivery processes, restarts delivery processes that die, and
    passes SIGTERM/SIGINT on to all of them."""

    def __init__(self, web: Callable[[Sequence[str]], int], processes: int, nice: int) -> None:
        """`web(wake sockets)`: runs gunicorn's master in its child process (bot.serve)."""
        self.web_master = web
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
        return self.web_master(self.sockets)

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
