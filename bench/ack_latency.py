"""Ack latency: the real app under `ticketbot serve` vs a bare Bolt app that only acks, served the same way.

    python bench/ack_latency.py [--quick]      (from the repository root; it sets its own PYTHONPATH)

Both apps run at once (gunicorn, gthread, same workers and threads, process_before_response=True,
same signing secret, SLACK_API_URL at one fake Slack started here); the real app on a PostgreSQL
database created for the run and dropped after it. For each concurrency and request kind the two
apps are measured back to back, so the ratio compares figures taken a few seconds apart.

Each cell is a closed loop: N client threads (spread over client processes) each send a signed
request and wait for the answer on a keep-alive connection. Samples of the first `--warmup` seconds
are dropped. Work the real app leaves for later (lazy views.open, outbox deliveries) is waited for
after the cell, so it never spills into the next one; how long that took is printed.

Every kind is also sent to a third app, the floor: the bare app with `--floor`, which answers
help with ticketbot's help message, acks then calls `views.open` with ticketbot's modal, and files
a submitted ticket durably before acking (ticket, history row, two outbox rows, one transaction,
on a PostgreSQL database of its own migrated as ticketbot's is), and does nothing else. The issue's
yardstick for help and the modals is the bare app; the filing's is the floor (p99 <= 1.5x).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import support
from bench.ack_report import SUBMISSION, Cell, report
from bench.loadgen import UNIQUE, Clients, Job, Kind

USERS = [f"U0BENCH{i:03d}" for i in range(64)]
CONCURRENCY = (1, 8, 32)
MODAL_KINDS = {"/ticket (modal)", "button home_new_ticket"}
FLOOR_KINDS = {"/ticket help", *MODAL_KINDS, SUBMISSION}  # the floor app does the real work of each


def kinds(response_url: str) -> dict[str, Kind]:
    form = "application/x-www-form-urlencoded"
    return {
        "/ticket help": Kind(
            "/ticket help", form, tuple(support.command_body("help", u, response_url) for u in USERS)
        ),
        "/ticket (modal)": Kind(
            "/ticket", form, tuple(support.command_body("", u, response_url) for u in USERS)
        ),
        "button home_new_ticket": Kind(
            "button", form, tuple(support.click_body("home_new_ticket", u) for u in USERS)
        ),
        SUBMISSION: Kind(
            "submission",
            form,
            tuple(
                support.submission_body(UNIQUE.decode(), f"Bench {UNIQUE.decode()}", u) for u in USERS[:16]
            ),
            unique=True,
            bad_answer=b"errors",
        ),
    }


def chosen(request_kinds: dict[str, Kind], names: str | None) -> dict[str, Kind]:
    """The kinds named by `--kinds` (by a word of their label), all of them by default."""
    if not names:
        return request_kinds
    wanted = {name.strip() for name in names.split(",")}
    picked = {label: kind for label, kind in request_kinds.items() if wanted & set(re.findall(r"\w+", label))}
    if not picked:
        raise SystemExit(f"--kinds {names}: none of {', '.join(request_kinds)}")
    return picked


def wait_for(condition, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"gave up waiting {timeout}s for {what}")
        time.sleep(0.05)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description="ack latency: ticketbot vs a bare Bolt app")
    parser.add_argument("--quick", action="store_true", help="short cells (under a minute in all)")
    parser.add_argument("--seconds", type=float, help="measured seconds per cell (default 10, quick 0.4)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds first (default 1, quick 0.2)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument(
        "--delivery-processes", type=int, help="passed to `ticketbot serve` (default: serve's own default)"
    )
    parser.add_argument(
        "--delivery-nice", type=int, help="passed to `ticketbot serve` (default: serve's own, 5)"
    )
    parser.add_argument("--clients", default=",".join(map(str, CONCURRENCY)), help="concurrencies")
    parser.add_argument(
        "--pause-delivery",
        action="store_true",
        help="diagnostic: stop the delivery processes during each ticketbot cell (SIGSTOP), resume after",
    )
    parser.add_argument(
        "--kinds", help="only these request kinds, comma-separated: help, modal, button, submission"
    )
    args = parser.parse_args()
    seconds = args.seconds or (0.4 if args.quick else 10.0)
    warmup = args.warmup if args.warmup is not None else (0.2 if args.quick else 1.0)
    concurrency = [int(c) for c in args.clients.split(",")]

    support.print_machine()
    print(
        f"cells: {seconds}s measured after {warmup}s warm-up; gunicorn {args.workers} workers x "
        f"{args.threads} threads (gthread) for both apps\n",
        flush=True,
    )
    clients = Clients(4)
    fake = support.BenchSlack().start()
    fake.add_people([*USERS, "U0ADMIN"])
    workdir = Path(tempfile.mkdtemp(prefix="bench-ack-"))
    servers: list[support.Server] = []
    try:
        with ExitStack() as databases:
            url = databases.enter_context(support.postgres_database(f"ticketbot_bench_ack_{os.getpid()}"))
            # The floor files into a database of its own, or ticketbot's delivery processes
            # would deliver its outbox rows, during the floor's cells and the drain of ticketbot's.
            name = f"ticketbot_bench_ack_floor_{os.getpid()}"
            floor_url = databases.enter_context(support.postgres_database(name))
            migrate(floor_url)
            env = {
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_SIGNING_SECRET": support.SECRET,
                "SLACK_API_URL": fake.base_url,
                "DATABASE_URL": url,
                "TRIAGE_CHANNEL_ID": support.TRIAGE,
                "ADMIN_USER_IDS": "U0ADMIN",
            }
            workers = ["--workers", str(args.workers), "--threads", str(args.threads)]
            serve = ["-m", "bot.cli", "serve", "--host", "127.0.0.1", *workers]
            real = support.Server(
                "ticketbot",
                [*serve, *support.delivery_args(args.delivery_processes, args.delivery_nice)],
                env,
                workdir,
            )
            bare_app = str(support.ROOT / "bench" / "bare_bolt_app.py")
            bare = support.Server("bare-bolt", [bare_app, *workers], env, workdir)
            request_kinds = chosen(kinds(fake.response_url("bench")), args.kinds)
            floor = None
            servers = [real, bare]
            if FLOOR_KINDS & request_kinds.keys():
                floor_env = env | {"DATABASE_URL": floor_url}
                floor = support.Server("floor", [bare_app, *workers, "--floor"], floor_env, workdir)
                servers.append(floor)
            for server in servers:
                server.wait_ready()
            if floor is not None:
                same_help(real, floor, fake.response_url("bench"))
            prime = 30 if args.quick else 200
            apps = (real, bare, floor)
            cells = run_cells(
                clients,
                fake,
                apps,
                (url, floor_url),
                request_kinds,
                concurrency,
                seconds,
                warmup,
                prime,
                args,
            )
            logs = {s.name: s.stop() for s in servers}
            servers = []
            if SUBMISSION in request_kinds:
                print(f"\nfloor database: {floor_rows(floor_url)}")
    finally:
        for server in servers:
            server.stop()
        clients.close()
        fake.stop()
    report(cells, concurrency, logs, fake.violations, workdir)
    return 0


def migrate(url: str) -> None:
    """The schema ticketbot's own database gets (`ticketbot serve` migrates that one at start)."""
    from sqlalchemy import create_engine

    from storage.migrate import upgrade

    engine = create_engine(url)
    upgrade(engine)
    engine.dispose()


def floor_rows(url: str) -> str:
    """What the floor filed: N tickets should have N history rows and 2N outbox rows."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        tables = ("tickets", "ticket_events", "outbox")
        counts = [conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in tables]  # noqa: S608 (fixed names)
    engine.dispose()
    return "{} tickets, {} history rows, {} outbox rows".format(*counts)


def same_help(real: support.Server, floor: support.Server, response_url: str) -> None:
    """The floor must answer `/ticket help` with what ticketbot answers, or it is no floor."""
    from tests.slack_requests import SlackRequests

    body = support.command_body("help", USERS[0], response_url)
    answers = [
        SlackRequests(f"{server.base}/slack/events", support.SECRET).post(
            body, "application/x-www-form-urlencoded"
        )
        for server in (real, floor)
    ]
    if answers[0].json() != answers[1].json():
        raise SystemExit("the floor's /ticket help differs from ticketbot's: update bench/bare_bolt_app.py")


def run_cells(
    clients, fake, apps, urls, request_kinds, concurrency, seconds, warmup, prime, args
) -> list[Cell]:
    """Every cell, the apps back to back; `apps` is (ticketbot, bare, floor or None), `urls` the
    databases of ticketbot and of the floor."""
    real, bare, floor = apps
    url, floor_url = urls
    pause_delivery = args.pause_delivery
    from sqlalchemy import create_engine, text

    engine = create_engine(url)

    def outbox_empty() -> bool:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM outbox WHERE state <> 'done'")) == 0

    # Prime the apps with every kind they are sent (imports, SQL compilation, pools) before measuring.
    fake.forget()
    for label, kind in request_kinds.items():
        for server in (real, bare, floor) if label in FLOOR_KINDS else (real, bare):
            job = Job(
                "127.0.0.1",
                server.port,
                "/slack/events",
                support.SECRET,
                kind,
                8,
                0.0,
                tag=f"W{os.getpid() % 1000:03d}",
                count=prime,
            )
            clients.run(job, 8)
    wait_for(outbox_empty, 300, "outbox delivered")
    modals = 2 * prime * len(MODAL_KINDS & request_kinds.keys())  # the app and the floor open one each
    wait_for(lambda: len(fake.calls("views.open")) >= modals, 300, "views.open")
    cells = []
    number = 0
    for n in concurrency:
        for label, kind in request_kinds.items():
            servers = [(real, url), (bare, "sqlite:")] + (
                [(floor, floor_url)] if label in FLOOR_KINDS else []
            )
            for server, database in servers:
                number += 1
                fake.forget()
                job = Job(
                    "127.0.0.1",
                    server.port,
                    "/slack/events",
                    support.SECRET,
                    kind,
                    n,
                    0.0,
                    tag=f"C{number:02d}{os.getpid() % 1000:03d}",
                    warmup=warmup,
                    duration=seconds,
                )
                with support.CpuMeter(server.workers(), database) as total:
                    meter = support.CpuMeter(server.workers(), database)
                    with meter, server.deliveries_paused(pause_delivery and server is real):
                        result = clients.run(job, n)
                    cell = Cell(label, server.name, n, result, seconds, meter.line(result.cpu))
                    if server is not bare and label in MODAL_KINDS:
                        # Each request opens a modal from a lazy listener: wait until all are open.
                        opened = lambda sent=result.sent: len(fake.calls("views.open")) >= sent  # noqa: E731
                        cell.drain = wait_for(opened, 300, "views.open")
                    elif server is real and label == SUBMISSION:
                        cell.drain = wait_for(outbox_empty, 300, "outbox delivered")
                cell.cpu_per_request = total.per(result.sent)  # the deferred work included
                cells.append(cell)
                drained = f", later work done {cell.drain:.1f}s after" if cell.drain is not None else ""
                print(
                    f"{n:>2} clients {label:<24} {server.name:<10} n={len(result.latencies):>6} "
                    f"p50={support.ms(cell.p(0.5)):>6} p99={support.ms(cell.p(0.99)):>6} ms "
                    f"{cell.rps:7.0f}/s err={result.errors}{drained}\n    {cell.cpu}; "
                    f"CPU ms per request (app+postgres) {cell.cpu_per_request}; "
                    f"load average {os.getloadavg()[0]:.1f}",  # the machine is often shared
                    flush=True,
                )
                if result.first_error:
                    print(f"    first error: {result.first_error}", flush=True)
    engine.dispose()
    return cells


if __name__ == "__main__":
    sys.exit(main())
