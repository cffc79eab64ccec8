"""What both benchmarks share: the machine, a bench database, the fake Slack, server processes,
CPU accounting and percentiles."""

from __future__ import annotations

import json
import math
import os
import platform
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.processes import free_port  # noqa: E402

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SECRET = "bench-signing-secret"
TRIAGE = "C0TRIAGE"
TABLES = ("ticket_events", "outbox", "tickets", "engineers", "users")
TICKS = os.sysconf("SC_CLK_TCK")

for _name in [n for n in os.environ if n.lower().endswith("_proxy")]:
    del os.environ[_name]  # slack_sdk would send even 127.0.0.1 traffic to a proxy


# --------------------------------------------------------------------------- the machine


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    try:
        pg = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except OSError:
        pg = "unknown"
    load = os.getloadavg()
    probe_cpu, probe_wall = cpu_probe()
    return {
        "cpu probe": f"sum(range(10**6)) x10: {probe_cpu * 1000:.0f} ms CPU, {probe_wall * 1000:.0f} ms wall",
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": pg or "unknown",
        "load average at start": " ".join(f"{x:.2f}" for x in load),
        "kernel": platform.release(),
    }


def cpu_probe() -> tuple[float, float]:
    """A fixed pure-Python workload: how fast (or how contended) this CPU is right now."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(10):
        sum(range(10**6))
    return time.process_time() - cpu, time.perf_counter() - wall


def print_machine() -> None:
    print("machine:")
    for key, value in machine().items():
        print(f"  {key:<22} {value}")
    print("  note: the machine is shared (other jobs may run); figures are noisy")


# ---------------------------------------------------------------------------- databases


@contextmanager
def postgres_database(name: str):
    """A fresh database for the run, dropped at the end whatever happens."""
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_tables(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        if url.startswith("sqlite"):
            for table in TABLES:
                conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (fixed names)
        else:
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()


def backend_pids(url: str) -> list[int]:
    """PostgreSQL server processes serving `url`'s database (to count their CPU)."""
    if url.startswith("sqlite"):
        return []
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1]
    engine = create_engine(PG_ADMIN_URL)
    with engine.connect() as conn:
        pids = list(
            conn.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"),
                {"name": name},
            )
        )
    engine.dispose()
    return pids


# ------------------------------------------------------------------------------ fake Slack


class _LightCalls(list):
    """The fake records every call with its full params; at thousands of calls a second that is
    gigabytes. Keep what the benchmarks read: the method, the channel, the text, the time."""

    def append(self, call: Any) -> None:
        light = {k: call.params[k] for k in ("channel", "text") if isinstance(call.params.get(k), str)}
        super().append(replace(call, params=light, headers={}))


class BenchSlack(FakeSlack):
    """The tests' fake Slack (Block Kit checks and all), keeping no history beyond `_LightCalls`."""

    def __init__(self) -> None:
        super().__init__()
        self._calls = _LightCalls()
        self._checked_views: dict[tuple[str, str], list[str]] = {}

    def _block_kit_problems(self, method: str, params: dict[str, Any]) -> list[str]:
        """Checked once per distinct view: thousands of identical modals a second would otherwise
        cost this process (on the same cores as the app) more CPU than the app spends opening
        them, CPU that Slack's servers, not the app's machine, spend in production."""
        if not method.startswith("views."):
            return super()._block_kit_problems(method, params)
        key = (method, json.dumps(params.get("view"), sort_keys=True))
        if key not in self._checked_views:
            self._checked_views[key] = super()._block_kit_problems(method, params)
        return list(self._checked_views[key])

    def _api_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"view": {"id": self._new_id("V"), "type": params["view"].get("type", "modal")}}

    def add_people(self, user_ids: list[str]) -> None:
        """Slack knows them, with an email each: the reporter's and the admin's emails are then
        written and sent (console backend), as in production, not skipped as unknown people."""
        for user_id in user_ids:
            name = user_id.lower()
            self.add_user(user_id, name, name.title(), email=f"{name}@bench.example")

    def forget(self) -> None:
        """Drop the calls, messages and views seen so far (between cells)."""
        with self._cond:
            self._calls.clear()
            self._messages.clear()
            self._views.clear()


# --------------------------------------------------------------------------- server processes


class Server:
    """A server process (ticketbot serve, or the bare Bolt app) with its log in a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{name}.log"
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), "PORT": str(self.port), **env}
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, *args, "--port", str(self.port)],
            cwd=workdir,
            env=full_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as response:
                    if response.status == 200 and len(self.workers()) >= 1:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer /healthz in {timeout}s")

    def workers(self) -> list[int]:
        """Every process of the app: gunicorn's master and web workers, and under
        `ticketbot serve --delivery-processes M` the delivery processes too (children of a
        supervisor, not of gunicorn)."""
        return descendants(self.process.pid)

    def deliverers(self) -> list[int]:
        """The `ticketbot deliver` processes among them."""
        found = []
        for pid in self.workers():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"deliver" in command:
                found.append(pid)
        return found

    @contextmanager
    def deliveries_paused(self, paused: bool = True) -> Iterator[None]:
        """SIGSTOP the delivery processes for the block, SIGCONT after (a diagnostic: what the
        web workers do alone, the outbox filling up meanwhile)."""
        pids = self.deliverers() if paused else []
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.log_path.read_text(errors="replace")


def descendants(pid: int) -> list[int]:
    """Children, their children, and so on (from one pass over /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU of each process, from /proc (threads included)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return seconds


class CpuMeter:
    """CPU used by each part of the system during one cell: app workers, PostgreSQL backends of
    the bench database, this process (the fake Slack), and the client processes (reported by them)."""

    def __init__(self, workers: list[int], database_url: str) -> None:
        self.workers = workers
        self.database_url = database_url

    def __enter__(self) -> CpuMeter:
        self.started = time.monotonic()
        self.before_workers = cpu_seconds(self.workers)
        self.before_pg = cpu_seconds(backend_pids(self.database_url))
        self.before_self = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self.started
        after = cpu_seconds(self.workers)
        self.by_process = sorted((after[p] - self.before_workers.get(p, 0.0) for p in after), reverse=True)
        self.app = sum(self.by_process)
        pg_after = cpu_seconds(backend_pids(self.database_url))
        self.postgres = sum(pg_after[p] - self.before_pg.get(p, 0.0) for p in pg_after)
        self.fake = time.process_time() - self.before_self

    def per(self, count: int) -> str:
        """CPU milliseconds per request (or ticket): app workers + PostgreSQL backends."""
        return f"{self.app * 1000 / max(count, 1):.2f}+{self.postgres * 1000 / max(count, 1):.2f}"

    def line(self, clients_cpu: float) -> str:
        cores = lambda s: s / self.wall  # noqa: E731
        # Per process, busiest first: two web workers at 0.97 and 0.05 say that the clients'
        # keep-alive connections all landed on one worker (gunicorn's accept race).
        split = " ".join(f"{cores(s):.2f}" for s in self.by_process if cores(s) >= 0.01)
        return (
            f"cores busy: app {cores(self.app):.2f} ({split}), postgres {cores(self.postgres):.2f}, "
            f"fake Slack {cores(self.fake):.2f}, clients {cores(clients_cpu):.2f} (of {os.cpu_count()})"
        )


# ------------------------------------------------------------------------------ requests


def delivery_args(processes: int | None, nice: int | None = None) -> list[str]:
    """`--delivery-processes N` / `--delivery-nice K` for `ticketbot serve` when asked for, else
    nothing (serve's defaults)."""
    args = [] if processes is None else ["--delivery-processes", str(processes)]
    return args + ([] if nice is None else ["--delivery-nice", str(nice)])


def payload(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "tests" / "payloads" / f"{name}.json").read_text())


def command_body(text: str, user: str, response_url: str) -> bytes:
    form = payload("slash_command") | {"text": text, "user_id": user, "user_name": user.lower()}
    form["response_url"] = response_url
    return urllib.parse.urlencode(form).encode()


def interaction_body(body: dict[str, Any]) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(body)}).encode()


def click_body(action_id: str, user: str) -> bytes:
    body = payload("block_actions")
    body["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0001"}
    body["actions"] = [body["actions"][0] | {"action_id": action_id}]
    return interaction_body(body)


def submission_body(view_id: str, title: str, user: str) -> bytes:
    """A view submission of the new-ticket modal, as tests/slack_requests.py builds it."""
    body = payload("view_submission")
    body["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0001"}
    body["view"]["id"] = body["view"]["root_view_id"] = view_id

    def select(value: str) -> dict[str, Any]:
        option = {"text": {"type": "plain_text", "text": value}, "value": value}
        return {"type": "static_select", "selected_option": option}

    body["view"]["state"]["values"] = {
        "title": {"title_value": {"type": "plain_text_input", "value": title}},
        "description": {
            "description_value": {"type": "plain_text_input", "value": "Outlook says 401 since this morning"}
        },
        "category": {"category_value": select("software")},
        "priority": {"priority_value": select("high")},
    }
    return interaction_body(body)


# ------------------------------------------------------------------------------ figures


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (pastes straight into bench/README.md)."""
    widths = [max(len(str(x)) for x in [h, *[r[i] for r in rows]]) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join(
        [line(headers), "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|", *map(line, rows)]
    )


def traceback_count(log: str) -> int:
    return len(re.findall(r"^Traceback", log, flags=re.M))
