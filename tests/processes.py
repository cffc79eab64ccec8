"""Running `ticketbot` as a real process for tests: environment, free port, readiness, stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        **extra,
    )
    return env


class BotProcess:
    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.port = int(env.setdefault("PORT", str(free_port())))
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        # Read the output as it comes: a child whose log fills an unread pipe (64 KiB) blocks on
        # its next log line, holding the logging lock, and every thread of it stops with it.
        self._output: list[bytes] = []
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._output.append(line)

    def output(self) -> str:
        return b"".join(self._output).decode()

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/healthz", timeout=1) as response:
                return response.status == 200
        except OSError:
            return False

    def wait_ready(self, timeout: float = 30) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                self._reader.join(5)
                raise AssertionError("ticketbot exited early:\n" + self.output())
            return self.healthy()

        wait_until(ready, timeout=timeout, what="ticketbot to answer /healthz")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> str:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait(timeout=timeout)
        self._reader.join(timeout)
        return self.output()
