"""Running `ticketbot` as a real process for tests: environment, free port, readiness, stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """Child process ids of `pid` (whichever of its threads forked them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().split("\0")
    except OSError:
        return []


def bot_env(fake_slack, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(
        SLACK_BOT_TOKEN="xoxb-run",
        SLACK_SIGNING_SECRET="run-secret",
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=database_url,
        TRIAGE_CHANNEL_ID="C0TRIAGE",
        ADMIN_USER_IDS="U0ADMIN",
        PYTHONPATH=str(ROOT),
        SLACK_PACING="false",  # fast; a test of pacing passes SLACK_PACING="true"
        SIMILAR_BURST_COUNT="0",  # look-alike tickets in bulk: no burst suggestion among the posts
    )
    env.update(extra)
    return env


class BotProcess:
    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.args = args
        self.port = int(env.setdefault("PORT", str(free_port())))
        self.base = f"http://127.0.0.1:{self.port}"
        # Output goes to a file, not a pipe: nobody reads a pipe until the end, and a full pipe
        # would block every thread of the bot on its next log line.
        self.log_path = cwd / f"ticketbot-{self.port}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/healthz", timeout=1) as response:
                return response.status == 200
        except OSError:
            return False

    def wait_ready(self, timeout: float = 30) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError("ticketbot exited early:\n" + self.output())
            return self.healthy()

        wait_until(ready, timeout=timeout, what="ticketbot to answer /healthz")

    def delivery_pids(self) -> list[int]:
        """`ticketbot deliver` processes started by `ticketbot serve`."""
        return [pid for pid in children(self.process.pid) if "deliver" in command_line(pid)]

    def wait_delivering(self, count: int = 1, timeout: float = 30) -> list[int]:
        """The delivery processes' pids once `count` of them have said they deliver (bound their
        wake socket and started their dispatcher): a process that merely exists may still be
        importing, and a wake-up sent before it listens is lost by design (the poll covers it)."""

        def ready() -> list[int]:
            pids = self.delivery_pids()
            said = [pid for pid in pids if f"delivering notifications (pid {pid})" in self.output()]
            return said if len(said) >= count else []

        return wait_until(ready, timeout=timeout, what=f"{count} delivery process(es) delivering")

    def web_workers(self) -> list[int]:
        """Gunicorn's workers: the master is `ticketbot serve` itself with --delivery-processes 0,
        else the supervisor's one child that is not a delivery process."""
        flag = "--delivery-processes"
        if flag in self.args and self.args[self.args.index(flag) + 1] == "0":
            return children(self.process.pid)
        delivery = self.delivery_pids()
        masters = [pid for pid in children(self.process.pid) if pid not in delivery]
        return [pid for master in masters for pid in children(master)]

    def output(self) -> str:
        return self.log_path.read_bytes().decode(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> str:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait(timeout=timeout)
        self._log.close()
        return self.output()
