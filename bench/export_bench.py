"""Benchmark of Excel exports (not a test): time and memory of `exports.write_workbook`.

For each size it seeds a database with N tickets and their history (bulk inserts), then, each
in a fresh process:
  * export  — `write_workbook` of every ticket (admin scope: both note columns, all history),
              timed, with the growth of peak RSS over the process's RSS before starting;
  * baseline — a bare openpyxl write-only dump of the same rows (plain values in, no styles,
              no database), timed around the appends and the save only.
It prints the ratio export/baseline (target ≤ 1.3 at 100,000 tickets) and the RSS growth
(target < 150 MB at 100,000 and at 1,000,000 tickets).

    python bench/export_bench.py                                  # 100,000 tickets, SQLite
    python bench/export_bench.py --tickets 100000 --tickets 1000000
    python bench/export_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

A PostgreSQL database given here is emptied (its ticketbot tables truncated): use a scratch one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START = datetime(2025, 1, 1, tzinfo=timezone.utc)
CATEGORIES = ("hardware", "software", "network", "printers", "access", "other")
PRIORITIES = ("low", "medium", "high", "critical")
STATUSES = ("open",) * 3 + ("in_progress",) * 2 + ("on_hold",) + ("closed",) * 4
WORDS = (
    *("printer", "vpn", "email", "outlook", "password", "laptop", "monitor", "wifi", "badge", "license"),
    *("excel", "teams", "disk", "slow", "cannot", "login", "error", "screen", "keyboard", "network"),
    *("share", "folder", "access", "update", "crash", "phone"),
)
REPORTERS, ENGINEERS, ADMIN = 2000, 50, "U0ADMIN"
CHUNK = 10_000


# -- the data: one deterministic generator feeds the database and the baseline ------------------


def users() -> list[tuple[str, str, str, str]]:
    people = [(f"U{i:07d}", f"user{i}", f"Reporter {i}", f"user{i}@example.com") for i in range(REPORTERS)]
    people += [(f"E{i:07d}", f"eng{i}", f"Engineer {i}", f"eng{i}@example.com") for i in range(ENGINEERS)]
    return [*people, (ADMIN, "admin", "Alex Admin", "admin@example.com")]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def tickets(count: int, seed: int = 42) -> Iterator[tuple[dict, list[dict]]]:
    """(ticket, its events) for ids 1..count, the same every run. Texts come from pools made
    once (seeding a million tickets must not spend its time making up sentences)."""
    rng = random.Random(seed)
    titles = [sentence(rng, rng.randrange(3, 9)) for _ in range(5000)]
    short = [sentence(rng, rng.randrange(8, 30)) for _ in range(5000)]
    long = [sentence(rng, rng.randrange(60, 120)) for _ in range(1000)]
    notes = [sentence(rng, rng.randrange(6, 30)) for _ in range(3000)]
    resolutions = [sentence(rng, 8) for _ in range(1000)]
    for ticket_id in range(1, count + 1):
        created = START + timedelta(seconds=rng.randrange(365 * 86400))
        status = rng.choice(STATUSES)
        reporter = f"U{rng.randrange(REPORTERS):07d}"
        engineer = None if status == "open" and rng.random() < 0.7 else f"E{rng.randrange(ENGINEERS):07d}"
        moment = created
        events = [
            dict(actor=reporter, at=moment, kind="created", old=None, new="open", note=None, vis="public")
        ]

        def later(hours: float) -> datetime:
            nonlocal moment
            moment = moment + timedelta(hours=rng.uniform(0.1, hours))
            return moment

        if engineer:
            events.append(dict(actor=ADMIN, at=later(4), kind="assigned", old=None, new=engineer, note=None))
        if status in ("in_progress", "on_hold", "closed") and engineer:
            events.append(
                dict(actor=engineer, at=later(8), kind="status", old="open", new="in_progress", note=None)
            )
        if rng.random() < 0.3 and engineer:
            internal = rng.random() < 0.35
            note = rng.choice(notes)
            vis = "internal" if internal else "public"
            events.append(
                dict(actor=engineer, at=later(24), kind="note", old=None, new=None, note=note, vis=vis)
            )
        closed = None
        if status == "closed":
            closed = later(72)
            events.append(
                dict(
                    actor=engineer or ADMIN,
                    at=closed,
                    kind="closed",
                    old="in_progress" if engineer else "open",
                    new="closed",
                    note=rng.choice(resolutions),
                )
            )
        elif status == "on_hold":
            events.append(
                dict(actor=engineer, at=later(24), kind="status", old="in_progress", new="on_hold", note=None)
            )
        for event in events:
            event.setdefault("vis", "public")
        long_text = rng.random() < 0.1
        ticket = dict(
            id=ticket_id,
            reporter=reporter,
            engineer=engineer,
            title=rng.choice(titles),
            description=rng.choice(long if long_text else short),
            category=rng.choice(CATEGORIES),
            priority=rng.choice(PRIORITIES),
            status=status,
            created=created,
            updated=moment,
            closed=closed,
        )
        yield ticket, events


# -- seeding: bulk inserts, never the ORM --------------------------------------------------------


def seed(url: str, count: int) -> float:
    from storage.db import Database
    from storage.migrate import upgrade

    started = time.perf_counter()
    db = Database.from_url(url)
    upgrade(db.engine)
    if url.startswith("sqlite"):
        path = db.engine.url.database
        db.dispose()
        _seed_sqlite(path, count)
        return time.perf_counter() - started
    raw = db.engine.raw_connection()
    try:
        _seed_postgres(raw, count)
        raw.commit()
    finally:
        raw.close()
        db.dispose()
    return time.perf_counter() - started


def _rows(count: int, stamp) -> Iterator[tuple[list[tuple], list[tuple]]]:
    tickets_batch, events_batch = [], []
    for ticket, events in tickets(count):
        t = ticket
        tickets_batch.append(
            (t["id"], t["reporter"], t["engineer"], t["title"], t["description"], t["category"],
             t["priority"], t["status"], 1, stamp(t["created"]), stamp(t["updated"]), stamp(t["closed"]))
        )  # fmt: skip
        events_batch += [
            (t["id"], e["actor"], stamp(e["at"]), e["kind"], e["old"], e["new"], e["note"], e["vis"])
            for e in events
        ]
        if len(tickets_batch) >= CHUNK:
            yield tickets_batch, events_batch
            tickets_batch, events_batch = [], []
    if tickets_batch:
        yield tickets_batch, events_batch


TICKET_COLUMNS = (
    "id, reporter_id, engineer_id, title, description, category, priority, status, version, "
    "created_at, updated_at, closed_at"
)
EVENT_COLUMNS = "ticket_id, actor_id, created_at, kind, old_value, new_value, note, visibility"
INSERT_TICKETS = (
    "INSERT INTO tickets (id, reporter_id, engineer_id, title, description, category, priority, status, "
    "version, created_at, updated_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_EVENTS = (
    "INSERT INTO ticket_events (ticket_id, actor_id, created_at, kind, old_value, new_value, note, "
    "visibility) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _seed_sqlite(path: str, count: int) -> None:
    """One transaction without a journal, secondary indexes dropped during the load and built
    again after it (one sort instead of a million random inserts into each index)."""

    def stamp(moment: datetime | None) -> str | None:  # SQLAlchemy's SQLite format, naive UTC
        return moment.replace(tzinfo=None).isoformat(" ") if moment else None

    con = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode=DELETE", "journal_mode=OFF", "synchronous=OFF", "cache_size=-262144"):
            con.execute(f"PRAGMA {pragma}")
        con.execute("BEGIN")
        for table in ("ticket_events", "outbox", "tickets", "engineers", "users"):
            con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        indexes = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('tickets', 'ticket_events')"
        ).fetchall()
        for name, _ in indexes:
            con.execute(f'DROP INDEX "{name}"')
        con.executemany("INSERT INTO users (slack_id, name, real_name, email) VALUES (?, ?, ?, ?)", users())
        con.executemany(
            "INSERT INTO engineers (user_id, specialty, available, created_at) VALUES (?, 'IT', 1, ?)",
            [(f"E{i:07d}", stamp(START)) for i in range(ENGINEERS)],
        )
        for tickets_batch, events_batch in _rows(count, stamp):
            con.executemany(INSERT_TICKETS, tickets_batch)
            con.executemany(INSERT_EVENTS, events_batch)
        for _, sql in indexes:
            con.execute(sql)
        con.execute("COMMIT")
        con.execute("ANALYZE")
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()


def _seed_postgres(raw, count: int) -> None:
    cursor = raw.cursor()
    cursor.execute("TRUNCATE ticket_events, outbox, tickets, engineers, users RESTART IDENTITY CASCADE")
    with cursor.copy("COPY users (slack_id, name, real_name, email) FROM STDIN") as copy:
        for row in users():
            copy.write_row(row)
    with cursor.copy("COPY engineers (user_id, specialty, available, created_at) FROM STDIN") as copy:
        for i in range(ENGINEERS):
            copy.write_row((f"E{i:07d}", "IT", True, START))
    for tickets_batch, events_batch in _rows(count, lambda moment: moment):
        with cursor.copy(f"COPY tickets ({TICKET_COLUMNS}) FROM STDIN") as copy:
            for row in tickets_batch:
                copy.write_row(row)
        with cursor.copy(f"COPY ticket_events ({EVENT_COLUMNS}) FROM STDIN") as copy:
            for row in events_batch:
                copy.write_row(row)
    cursor.execute("SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))")
    cursor.execute("ANALYZE")


# -- the two measured runs, each in a fresh process -----------------------------------------------


def _status_mb(field: str) -> float | None:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return None


def rss_mb() -> float:
    return _status_mb("VmRSS:") or 0.0


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not `ru_maxrss`: Linux carries that high-water mark
    over fork and exec, so a child started by the seeding parent reported the parent's RSS."""
    peak = _status_mb("VmHWM:")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_export(url: str, out: str) -> dict:
    from bot.config import load_settings
    from exports.scope import ExportScope
    from exports.workbook import ExportJob, write_workbook
    from handlers.i18n import Translator
    from storage.db import Database
    from storage.queries import TicketFilter

    db = Database.from_url(url)
    db.ping()
    job = ExportJob(
        ExportScope("all"),
        TicketFilter(),
        Translator("en"),
        "UTC",
        load_settings({}, dotenv=False).categories,
    )
    before = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    result = write_workbook(db, job, out)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rss_before_mb": before,
        "peak_growth_mb": peak_rss_mb() - before,
        "tickets": result.tickets,
        "events": result.events,
        "bytes": os.path.getsize(out),
    }


def run_baseline(count: int, out: str) -> dict:
    """openpyxl write-only, plain values (dates as naive datetimes), the same rows as the export
    writes; the rows are made outside the timed sections."""
    from openpyxl import Workbook

    from bot.config import load_settings
    from exports.rows import Labels, history_columns, ticket_columns
    from handlers.i18n import Translator
    from storage.domain import format_number

    tr = Translator("en")
    labels = Labels(tr, load_settings({}, dotenv=False).categories)
    names = {user_id: real_name for user_id, _, real_name, _ in users()}
    emails = {user_id: email for user_id, _, _, email in users()}
    wb = Workbook(write_only=True)
    ticket_sheet, history_sheet = wb.create_sheet("Tickets"), wb.create_sheet("History")
    history_sheets = [history_sheet]
    ticket_sheet.append([c.header for c in ticket_columns(tr, True)])
    history_sheet.append([c.header for c in history_columns(tr)])
    history_rows, timed, cpu = 1, 0.0, 0.0

    def naive(moment: datetime | None) -> datetime | None:
        return moment.replace(tzinfo=None) if moment else None

    def notes(events: list[dict], vis: str) -> str | None:
        lines = [f"{e['at']:%Y-%m-%d %H:%M} {names[e['actor']]}: {e['note']}" for e in events
                 if e["note"] and e["vis"] == vis]  # fmt: skip
        return "\n".join(lines) or None

    batch_tickets: list[list] = []
    batch_events: list[list] = []

    def flush() -> None:
        nonlocal timed, cpu, history_rows, history_sheet
        started, cpu_started = time.perf_counter(), time.process_time()
        for row in batch_tickets:
            ticket_sheet.append(row)
        for row in batch_events:
            if history_rows >= 1_048_576:
                history_sheet = wb.create_sheet(f"History ({len(history_sheets) + 1})")
                history_sheets.append(history_sheet)
                history_rows = 0
            history_sheet.append(row)
            history_rows += 1
        timed += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        batch_tickets.clear()
        batch_events.clear()

    for t, events in tickets(count):
        hours = round((t["closed"] - t["created"]).total_seconds() / 3600, 2) if t["closed"] else None
        batch_tickets.append([
            format_number(t["id"]), t["title"], t["description"], names[t["reporter"]], emails[t["reporter"]],
            names.get(t["engineer"]), labels.category[t["category"]], labels.priority[t["priority"]],
            labels.status[t["status"]], naive(t["created"]), naive(t["updated"]), naive(t["closed"]),
            hours, None, None, None,  # resolution due, SLA state, rating: none on the seeded tickets
            notes(events, "public"), notes(events, "internal"),
        ])  # fmt: skip
        for e in events:
            old, new = e["old"], e["new"]
            if e["kind"] == "assigned":
                new = names[new]
            else:
                old, new = labels.status.get(old, old), labels.status.get(new, new)
            batch_events.append([
                format_number(t["id"]), naive(e["at"]), names[e["actor"]], labels.event[e["kind"]], old, new,
                e["note"], labels.visibility[e["vis"]],
            ])  # fmt: skip
        if len(batch_tickets) >= CHUNK:
            flush()
    flush()
    started, cpu_started = time.perf_counter(), time.process_time()
    wb.save(out)
    timed += time.perf_counter() - started
    cpu += time.process_time() - cpu_started
    return {"seconds": timed, "cpu": cpu, "bytes": os.path.getsize(out)}


def in_fresh_process(*args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--tickets", type=int, action="append", help="ticket count (repeatable; default 100000)"
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (a scratch database: it is emptied)")
    parser.add_argument("--workdir", help="where the SQLite database and workbooks go (default: a temp dir)")
    parser.add_argument(
        "--baseline-up-to", type=int, default=100_000, help="skip the baseline above this many tickets"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="measure export and baseline this many times, alternating; best kept",
    )
    parser.add_argument("--keep", action="store_true", help="keep the workbooks and database")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ticketbot-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"{'tickets':>9} {'events':>9} {'seed s':>7} {'export s':>9} {'baseline s':>10} {'ratio':>6} "
        f"{'export cpu':>10} {'baseline cpu':>12} {'cpu ratio':>9} {'RSS growth MB':>13} {'xlsx MB':>7}"
        "  database"
    )
    for count in args.tickets or [100_000]:
        url = args.database_url or f"sqlite:///{workdir / f'bench-{count}.db'}"
        seeded = seed(url, count)
        exports, baselines = [], []
        for _ in range(args.repeat):  # alternating, so a busy moment of the machine hits both alike
            exports.append(in_fresh_process("_export", url, str(workdir / f"export-{count}.xlsx")))
            if count <= args.baseline_up_to:
                baselines.append(
                    in_fresh_process("_baseline", str(count), str(workdir / f"baseline-{count}.xlsx"))
                )
        export = min(exports, key=lambda run: run["seconds"])
        export_cpu = min(run["cpu"] for run in exports)
        growth = max(run["peak_growth_mb"] for run in exports)
        if baselines:
            baseline = min(run["seconds"] for run in baselines)
            baseline_cpu = min(run["cpu"] for run in baselines)
            compared = (
                f"{baseline:10.1f} {export['seconds'] / baseline:6.2f} {export_cpu:10.1f} "
                f"{baseline_cpu:12.1f} {export_cpu / baseline_cpu:9.2f}"
            )
        else:
            compared = f"{'-':>10} {'-':>6} {export_cpu:10.1f} {'-':>12} {'-':>9}"
        print(
            f"{count:>9} {export['events']:>9} {seeded:7.1f} {export['seconds']:9.1f} {compared} "
            f"{growth:13.1f} {export['bytes'] / 2**20:7.1f}  {url.split(':')[0]}",
            flush=True,
        )
        if not args.keep:
            for leftover in workdir.glob(f"*-{count}.*"):
                leftover.unlink()
    print("targets: ratio ≤ 1.3 at 100,000 tickets; RSS growth < 150 MB at 100,000 and 1,000,000 tickets")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_export":
        print(json.dumps(run_export(sys.argv[2], sys.argv[3])))
    elif len(sys.argv) > 1 and sys.argv[1] == "_baseline":
        print(json.dumps(run_baseline(int(sys.argv[2]), sys.argv[3])))
    else:
        main()
