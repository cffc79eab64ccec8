"""Filing throughput: tickets filed per second end to end, and how soon the reporter's DM leaves.

    python bench/filing_throughput.py [--quick]      (from the repository root)

For SQLite and PostgreSQL, with 1 and 2 gunicorn workers (`ticketbot serve`), against a fake Slack
started here:

1. Closed loop: `--clients` threads send `--tickets` view submissions of the new-ticket modal, each
   with its own view id (so each files a ticket). The ack comes after the commit of the ticket, its
   history row and its four outbox rows (process_before_response=True), so tickets/s = acked
   submissions / (last ack - first send). Then every outbox row must be delivered: the script checks
   the counts (tickets, outbox rows, chat.postMessage calls) and waits for the last delivery;
   delivered/s = tickets / (last delivery - first send).
2. Paced: submissions at a fixed rate, half the closed loop's delivered/s (at most the 500/s target),
   to see the DM lag when the app is not saturated.

DM lag = arrival of the reporter's DM (chat.postMessage to the reporter) at the fake Slack minus the
ack of that submission at the client; both are CLOCK_MONOTONIC on this machine.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import support
from bench.loadgen import UNIQUE, Clients, Job, Kind, Result

USERS = [f"U0FILE{i:03d}" for i in range(256)]
TARGET_RATE, TARGET_DM_P95 = 500.0, 0.250
TITLE = re.compile(r"Bench ([A-Za-z0-9]+)")


@dataclass
class Run:
    cpu_per_ticket: str  # "app+postgres" CPU ms per ticket, filing and delivery
    database: str
    workers: int
    phase: str
    clients: int
    result: Result
    rate_asked: float | None
    lags: list[float]
    delivered_after: float  # seconds from the last ack until every outbox row was done
    cpu: str
    checks: str

    @property
    def filed(self) -> int:
        return len(self.result.acks)

    @property
    def delivered_rate(self) -> float:
        """Tickets per second with their notifications delivered, first send to last delivery."""
        return self.filed / (self.result.last_ack - self.result.first_send + self.delivered_after)

    @property
    def rate(self) -> float:
        return self.filed / (self.result.last_ack - self.result.first_send)

    def lag(self, q: float) -> float:
        return support.percentile(self.lags, q)


def submission_kind() -> Kind:
    bodies = tuple(support.submission_body(UNIQUE.decode(), f"Bench {UNIQUE.decode()}", u) for u in USERS)
    return Kind("submission", "application/x-www-form-urlencoded", bodies, unique=True, bad_answer=b"errors")


def main() -> int:
    parser = argparse.ArgumentParser(description="tickets filed per second, and DM lag")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer tickets, SQLite with 1 worker and PostgreSQL with 2 only (under a minute in all)",
    )
    parser.add_argument(
        "--tickets", type=int, help="submissions in the closed loop (default 2000, quick 150)"
    )
    parser.add_argument("--paced-seconds", type=float, help="length of the paced phase (default 10, quick 1)")
    parser.add_argument(
        "--paced-rate",
        type=float,
        help="submissions/s in the paced phase (default: half the closed loop's delivered/s)",
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients in the closed loop")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument(
        "--delivery-processes", type=int, help="passed to `ticketbot serve` (default: serve's own default)"
    )
    parser.add_argument("--only", help="e.g. postgresql:2 to run one configuration")
    args = parser.parse_args()
    tickets = args.tickets or (150 if args.quick else 2000)
    paced_seconds = args.paced_seconds or (1.0 if args.quick else 10.0)
    configs = [("sqlite", 1), ("sqlite", 2), ("postgresql", 1), ("postgresql", 2)]
    if args.quick:
        configs = [("sqlite", 1), ("postgresql", 2)]
    if args.only:
        database, workers = args.only.split(":")
        configs = [(database, int(workers))]

    support.print_machine()
    print(
        f"closed loop: {tickets} submissions from {args.clients} clients; paced phase {paced_seconds}s; "
        f"gunicorn gthread, {args.threads} threads per worker\n",
        flush=True,
    )
    clients = Clients(4)
    fake = support.BenchSlack().start()
    fake.add_people([*USERS, "U0ADMIN"])
    workdir = Path(tempfile.mkdtemp(prefix="bench-filing-"))
    runs: list[Run] = []
    tracebacks: dict[str, int] = {}
    try:
        with support.postgres_database(f"ticketbot_bench_filing_{os.getpid()}") as pg_url:
            migrated = False
            for number, (database, workers) in enumerate(configs):
                url = pg_url if database == "postgresql" else f"sqlite:///{workdir}/bench-{number}.db"
                if database == "postgresql" and migrated:
                    support.empty_tables(url)  # each configuration starts from empty tables
                migrated = migrated or database == "postgresql"
                name = f"{database}-{workers}"
                env = {
                    "SLACK_BOT_TOKEN": "xoxb-bench",
                    "SLACK_SIGNING_SECRET": support.SECRET,
                    "SLACK_API_URL": fake.base_url,
                    "DATABASE_URL": url,
                    "TRIAGE_CHANNEL_ID": support.TRIAGE,
                    "ADMIN_USER_IDS": "U0ADMIN",
                }
                args_ = [
                    "-m",
                    "bot.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--workers",
                    str(workers),
                    "--threads",
                    str(args.threads),
                    *support.delivery_args(args.delivery_processes),
                ]
                server = support.Server(name, args_, env, workdir)
                try:
                    server.wait_ready()
                    runs += measure(
                        clients,
                        fake,
                        server,
                        database,
                        workers,
                        url,
                        tickets,
                        args.clients,
                        paced_seconds,
                        args.paced_rate,
                        30 if args.quick else 200,
                        f"{'SP'[database == 'postgresql']}{workers}{os.getpid() % 1000:03d}",
                    )
                finally:
                    tracebacks[name] = support.traceback_count(server.stop())
    finally:
        clients.close()
        fake.stop()
    report(runs, tracebacks, fake.violations, workdir)
    return 0


def measure(
    clients, fake, server, database, workers, url, tickets, n_clients, paced_seconds, paced_rate, prime, tag
) -> list[Run]:
    kind = submission_kind()
    # Prime every worker (imports, SQL compilation, pools) and let its deliveries finish.
    job = Job(
        "127.0.0.1", server.port, "/slack/events", support.SECRET, kind, 8, 0.0, tag=tag + "w", count=prime
    )
    clients.run(job, 8)
    wait_delivered(url, prime)
    runs = []
    closed = Job(
        "127.0.0.1",
        server.port,
        "/slack/events",
        support.SECRET,
        kind,
        n_clients,
        0.0,
        tag=tag + "c",
        count=tickets,
        record_acks=True,
    )
    runs.append(
        one_run(clients, fake, server, database, workers, url, closed, n_clients, "closed loop", None)
    )
    rate = paced_rate or min(TARGET_RATE, runs[0].delivered_rate / 2)
    count = int(rate * paced_seconds)
    paced = Job(
        "127.0.0.1",
        server.port,
        "/slack/events",
        support.SECRET,
        kind,
        n_clients,
        0.0,
        tag=tag + "p",
        count=count,
        rate=rate,
        record_acks=True,
    )
    runs.append(one_run(clients, fake, server, database, workers, url, paced, n_clients, "paced", rate))
    return runs


# A filed ticket writes its triage card, the reporter's card, the reporter's receipt email and the
# admin's new-ticket email (the bench configures one admin).
OUTBOX_ROWS_PER_TICKET = 4


def one_run(clients, fake, server, database, workers, url, job, n_clients, phase, rate) -> Run:
    before = count_rows(url)
    fake.forget()
    with support.CpuMeter(server.workers(), url) as total:
        with support.CpuMeter(server.workers(), url) as meter:
            result = clients.run(job, n_clients)
        delivered_after = wait_delivered(url, before[0] + len(result.acks), since=result.last_ack)
    tickets, outbox_rows, pending = count_rows(url)
    posts = fake.calls("chat.postMessage")
    acked = dict(result.acks)
    lags = []
    for call in posts:
        match = TITLE.search(call.params.get("text", ""))
        if call.params.get("channel", "").startswith("U") and match and match.group(1) in acked:
            lags.append(call.at - acked.pop(match.group(1)))
    lags.sort()
    new_tickets, new_rows = tickets - before[0], outbox_rows - before[1]
    ok = (
        new_tickets == len(result.acks)
        and new_rows == OUTBOX_ROWS_PER_TICKET * new_tickets
        and pending == 0
        and len(posts) == 2 * new_tickets
        and not acked
        and result.errors == 0
    )
    checks = (
        f"{'ok' if ok else 'MISMATCH'}: {new_tickets} tickets, {new_rows} outbox rows, {pending} pending, "
        f"{len(posts)} chat.postMessage, {len(acked)} acked without a DM, {result.errors} errors"
    )
    run = Run(
        total.per(len(result.acks)),
        database,
        workers,
        phase,
        n_clients,
        result,
        rate,
        lags,
        delivered_after,
        meter.line(result.cpu),
        checks,
    )
    asked = f" (asked {rate:.0f}/s)" if rate else ""
    print(
        f"{database:<10} {workers} worker(s) {phase:<11} {run.filed:>5} tickets at {run.rate:6.0f}/s{asked}; "
        f"DM lag p50 {support.ms(run.lag(0.5))} p95 {support.ms(run.lag(0.95))} ms; "
        f"all delivered {delivered_after:.2f}s after the last ack\n    {run.cpu}; CPU ms per ticket "
        f"(app+postgres) {run.cpu_per_ticket}\n    {checks}",
        flush=True,
    )
    if result.first_error:
        print(f"    first error: {result.first_error}", flush=True)
    return run


def count_rows(url: str) -> tuple[int, int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tickets = conn.scalar(text("SELECT count(*) FROM tickets"))
            rows = conn.scalar(text("SELECT count(*) FROM outbox"))
            pending = conn.scalar(text("SELECT count(*) FROM outbox WHERE state <> 'done'"))
        return int(tickets), int(rows), int(pending)
    finally:
        engine.dispose()


def wait_delivered(url: str, tickets: int, since: float | None = None, timeout: float = 600) -> float:
    """Wait until `tickets` exist and no outbox row is pending; seconds since `since` (or now)."""
    started = since or time.monotonic()
    deadline = time.monotonic() + timeout
    while True:
        count, _, pending = count_rows(url)
        if count >= tickets and pending == 0:
            return time.monotonic() - started
        if time.monotonic() > deadline:
            raise RuntimeError(f"outbox not delivered after {timeout}s: {pending} rows pending")
        time.sleep(0.02)


def report(runs: list[Run], tracebacks: dict[str, int], violations: list[str], workdir: Path) -> None:
    print("\n## Results (DM lag = reporter DM at fake Slack - ack; ms)\n")
    rows = []
    for run in runs:
        rows.append(
            [
                run.database,
                str(run.workers),
                run.phase,
                str(run.filed),
                f"{run.rate:.0f}",
                f"{run.delivered_rate:.0f}",
                support.ms(run.lag(0.5)),
                support.ms(run.lag(0.95)),
                support.ms(run.lag(0.99)),
                f"{run.delivered_after:.2f}",
                run.cpu_per_ticket,
                "ok" if run.checks.startswith("ok") else "MISMATCH",
            ]
        )
    print(
        support.table(
            [
                "database",
                "workers",
                "phase",
                "tickets",
                "filed/s",
                "delivered/s",
                "DM p50",
                "DM p95",
                "DM p99",
                "drained (s)",
                "CPU ms/ticket",
                "counts",
            ],
            rows,
        )
    )
    print("\nfiled/s: acked submissions / (last ack - first send); delivered/s: the same up to the last")
    print("outbox delivery. drained: seconds from the last ack until every outbox row was delivered.")
    print("CPU ms/ticket: CPU of the app workers + PostgreSQL backends per ticket, filing and delivery.")
    closed = {(r.database, r.workers): r for r in runs if r.phase == "closed loop"}
    print("\n## Ratios (same run)\n")
    for database in ("sqlite", "postgresql"):
        if (database, 1) in closed and (database, 2) in closed:
            ratio = closed[(database, 2)].rate / closed[(database, 1)].rate
            print(f"- {database}: 2 workers / 1 worker = {ratio:.2f}x")
    for workers in (1, 2):
        if ("sqlite", workers) in closed and ("postgresql", workers) in closed:
            ratio = closed[("postgresql", workers)].rate / closed[("sqlite", workers)].rate
            print(f"- {workers} worker(s): PostgreSQL / SQLite = {ratio:.2f}x")
    print("\n## Targets\n")
    if ("postgresql", 2) in closed:
        run = closed[("postgresql", 2)]
        print(
            f"- {'PASS' if run.rate >= TARGET_RATE else 'MISS'} PostgreSQL, 2 workers: filed "
            f"{run.rate:.0f} tickets/s (>= {TARGET_RATE:.0f}); with their DMs and cards delivered: "
            f"{run.delivered_rate:.0f}/s"
        )
        print(
            f"- {'PASS' if run.lag(0.95) <= TARGET_DM_P95 else 'MISS'} DM p95 at that rate: "
            f"{support.ms(run.lag(0.95))} ms (<= 250 ms)"
        )
        paced = [r for r in runs if r.database == "postgresql" and r.workers == 2 and r.phase == "paced"]
        for run in paced:
            print(
                f"- {'PASS' if run.lag(0.95) <= TARGET_DM_P95 else 'MISS'} DM p95 paced at "
                f"{run.rate_asked:.0f}/s: {support.ms(run.lag(0.95))} ms (<= 250 ms)"
            )
    print(
        f"\ntracebacks in server logs: {tracebacks}; fake Slack Block Kit violations: {len(violations)}; "
        f"logs in {workdir}"
    )


if __name__ == "__main__":
    sys.exit(main())
