"""Benchmark of the dashboards at scale (not a test): the Home tabs and `/ticket list` over
1,000,000 tickets.

Seeds a database of its own (PostgreSQL `ticketbot_bench_dash` by default, created and dropped;
or a SQLite file with `--sqlite`) with bulk COPY / executemany: a few thousand reporters, 20
engineers, two years of tickets, mostly closed, a few % open / in progress / on hold (most of
them recent), and the history of some of them. Then, per scenario, it times query + render
through the code the listeners run:
  * Home tab — `HomeTabs.render(user, state)` (the role lookup, counters, one page, the Block
    Kit builders) and `View.to_dict()`, as `views.publish` would send it, for an admin (several
    filters and a deep page), an engineer and a reporter;
  * `/ticket list …` — the real `/ticket` router with the lookup listeners registered, called
    with an `ack` that serializes the answer, as Bolt would.
It prints p50/p95 (target p95 < 100 ms each), the database share of that time, and the
EXPLAIN (ANALYZE) plan of every distinct statement each scenario ran (captured with a
`before_cursor_execute` event).

    python bench/dashboard_bench.py                         # 1,000,000 tickets, PostgreSQL
    python bench/dashboard_bench.py --tickets 100000 --repeat 20
    python bench/dashboard_bench.py --sqlite                # the same on a SQLite file
    python bench/dashboard_bench.py --keep                  # keep the database for a rerun...
    python bench/dashboard_bench.py --reuse                 # ...which skips seeding (migrates it)
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.support import PG_ADMIN_URL, percentile, print_machine  # noqa: E402

DB_NAME = "ticketbot_bench_dash"
SEEDED_AT = "0002"  # the schema the rows are copied into; later migrations run over them
NOW = datetime.now(timezone.utc).replace(microsecond=0)
SPAN = timedelta(days=730)  # two years of tickets
RECENT = timedelta(days=45)  # most tickets not yet closed were filed in the last weeks
REPORTERS, ENGINEERS, ADMIN = 3000, 20, "U0ADMIN"
CATEGORIES = ("hardware", "software", "network", "printers", "access", "other")
PRIORITIES = ("low",) * 30 + ("medium",) * 45 + ("high",) * 20 + ("critical",) * 5
OPEN_STATES = ("open",) * 45 + ("in_progress",) * 40 + ("on_hold",) * 15
WORDS = (
    *("printer", "vpn", "email", "outlook", "password", "laptop", "monitor", "wifi", "badge", "license"),
    *("excel", "teams", "disk", "slow", "cannot", "login", "error", "screen", "keyboard", "network"),
    *("share", "folder", "access", "update", "crash", "phone", "scanner", "dock", "headset", "token"),
)
CHUNK = 20_000
ZONES = ("America/Bogota", "Europe/Madrid", "UTC", None)


# -- the data -------------------------------------------------------------------------------------


def people() -> list[tuple]:
    rng = random.Random(7)
    rows = [
        (f"U{i:07d}", f"user{i}", f"Reporter {i}", f"user{i}@example.com", rng.choice(ZONES))
        for i in range(REPORTERS)
    ]
    rows += [
        (f"E{i:07d}", f"eng{i}", f"Engineer {i}", f"eng{i}@example.com", "America/Bogota")
        for i in range(ENGINEERS)
    ]
    return [*rows, (ADMIN, "admin", "Alex Admin", "admin@example.com", "America/Bogota")]


def rows(count: int, seed: int = 42) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """(tickets, events) in chunks, ids 1..count in filing order, the same every run."""
    rng = random.Random(seed)

    def words(low: int, high: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(low, high)))

    titles = [words(3, 8).capitalize() for _ in range(4000)]
    texts = [words(8, 40) for _ in range(4000)]
    # Filing times: sorted, so ids grow with created_at as they do in life.
    start = NOW - SPAN
    moments = sorted(rng.random() for _ in range(count))
    # A long tail of reporters: some file a lot, most a few.
    weights = [1.0 / (1 + i) ** 0.6 for i in range(REPORTERS)]
    reporters = rng.choices(range(REPORTERS), weights=weights, k=count)
    tickets, events = [], []
    for ticket_id in range(1, count + 1):
        created = start + SPAN * moments[ticket_id - 1]
        age = NOW - created
        still_open = rng.random() < (0.30 if age < RECENT else 0.012)
        status = rng.choice(OPEN_STATES) if still_open else "closed"
        reporter = f"U{reporters[ticket_id - 1]:07d}"
        engineer = None if status == "open" and rng.random() < 0.7 else f"E{rng.randrange(ENGINEERS):07d}"
        closed = min(NOW, created + timedelta(hours=rng.uniform(0.5, 120))) if status == "closed" else None
        updated = closed or min(NOW, created + timedelta(hours=rng.uniform(0, 48)))
        # Service levels (resolution due in 3 days, warned at 75 %) and, for a quarter of the
        # closed tickets, the reporter's answer to "Was your problem solved?" and a rating.
        due, warn = created + timedelta(days=3), created + timedelta(days=2.25)
        answered = closed is not None and rng.random() < 0.25
        outcome = ("solved" if rng.random() < 0.9 else "reopened") if answered else None
        rating = rng.choice((3, 4, 4, 5, 5, 5)) if outcome == "solved" else None
        tickets.append(
            (ticket_id, reporter, engineer, rng.choice(titles), rng.choice(texts), rng.choice(CATEGORIES),
             rng.choice(PRIORITIES), status, 1, created, updated, closed, due, warn, outcome, rating,
             closed + timedelta(hours=1) if answered else None)
        )  # fmt: skip
        if answered:
            events.append((ticket_id, reporter, closed, "feedback", None, outcome, None, "public"))
        if age < RECENT or rng.random() < 0.05:  # history for recent tickets and some old ones
            events.append((ticket_id, reporter, created, "created", None, "open", None, "public"))
            if engineer:
                events.append((ticket_id, ADMIN, created, "assigned", None, engineer, None, "public"))
            if closed:
                actor = engineer or ADMIN
                events.append((ticket_id, actor, closed, "closed", "open", "closed", "Fixed", "public"))
        if len(tickets) >= CHUNK:
            yield tickets, events
            tickets, events = [], []
    if tickets:
        yield tickets, events


TICKET_COLUMNS = (
    "id, reporter_id, engineer_id, title, description, category, priority, status, version, "
    "created_at, updated_at, closed_at, resolution_due_at, resolution_warn_at, csat_outcome, "
    "csat_rating, csat_at"
)
EVENT_COLUMNS = "ticket_id, actor_id, created_at, kind, old_value, new_value, note, visibility"
USER_COLUMNS = "slack_id, name, real_name, email, tz"


def seed_postgres(url: str, count: int) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("TRUNCATE ticket_events, outbox, tickets, engineers, users RESTART IDENTITY CASCADE")
        with cursor.copy(f"COPY users ({USER_COLUMNS}) FROM STDIN") as copy:
            for row in people():
                copy.write_row(row)
        with cursor.copy("COPY engineers (user_id, specialty, available, created_at) FROM STDIN") as copy:
            for i in range(ENGINEERS):
                copy.write_row((f"E{i:07d}", "IT", True, NOW - SPAN))
        for tickets, events in rows(count):
            with cursor.copy(f"COPY tickets ({TICKET_COLUMNS}) FROM STDIN") as copy:
                for row in tickets:
                    copy.write_row(row)
            with cursor.copy(f"COPY ticket_events ({EVENT_COLUMNS}) FROM STDIN") as copy:
                for row in events:
                    copy.write_row(row)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))"
        )
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    # VACUUM cannot run in a transaction: autocommit engine.
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def seed_sqlite(path: str, count: int) -> None:
    def stamp(moment: datetime | None) -> str | None:  # SQLAlchemy's SQLite format, naive UTC
        return moment.replace(tzinfo=None).isoformat(" ") if moment else None

    con = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-262144"):
            con.execute(f"PRAGMA {pragma}")
        con.execute("BEGIN")
        for table in ("ticket_events", "outbox", "tickets", "engineers", "users"):
            con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        con.executemany(f"INSERT INTO users ({USER_COLUMNS}) VALUES (?, ?, ?, ?, ?)", people())  # noqa: S608
        con.executemany(
            "INSERT INTO engineers (user_id, specialty, available, created_at) VALUES (?, 'IT', 1, ?)",
            [(f"E{i:07d}", stamp(NOW - SPAN)) for i in range(ENGINEERS)],
        )
        for tickets, events in rows(count):
            con.executemany(
                f"INSERT INTO tickets ({TICKET_COLUMNS}) VALUES ({', '.join('?' * 17)})",  # noqa: S608
                [(*t[:9], *(stamp(m) for m in t[9:14]), t[14], t[15], stamp(t[16])) for t in tickets],
            )
            con.executemany(
                f"INSERT INTO ticket_events ({EVENT_COLUMNS}) VALUES ({', '.join('?' * 8)})",  # noqa: S608
                [(*e[:2], stamp(e[2]), *e[3:]) for e in events],
            )
        con.execute("COMMIT")
        con.execute("ANALYZE")
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()


# -- the scenarios: the listeners' own code paths -------------------------------------------------


class Statements:
    """Every statement the engine runs while `capturing`, and how long the database took."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.capturing = False
        self.seen: list[tuple[str, object]] = []
        self.db_seconds = 0.0
        self._started: dict[int, float] = {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._started[id(cursor)] = time.perf_counter()
        if self.capturing:
            self.seen.append((statement, parameters))

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.db_seconds += time.perf_counter() - self._started.pop(id(cursor), time.perf_counter())


def scenarios(services, busiest_engineer: str, busiest_reporter: str) -> dict[str, Callable[[], object]]:
    from handlers import lookup
    from handlers.home_state import HomeState
    from handlers.home_tabs import HomeTabs
    from handlers.router import Router

    homes = HomeTabs(services)
    router = Router()
    lookup.register(None, services, router)  # the app is not used by it: the router is

    def home(user: str, state: HomeState) -> Callable[[], object]:
        return lambda: homes.render(user, state).to_dict()  # what views.publish would send

    def ticket_list(user: str, words: str) -> Callable[[], object]:
        def run() -> object:
            answer: dict = {}
            found, invocation = router.route({"text": f"list {words}".strip(), "user_id": user})
            found.answer(invocation, lambda **kwargs: answer.update(kwargs))
            assert "blocks" in answer or "text" in answer
            return [b.to_dict() if hasattr(b, "to_dict") else b for b in answer.get("blocks", ())]

        return run

    since = (NOW - timedelta(days=30)).date().isoformat()
    return {
        "home admin": home(ADMIN, HomeState()),
        "home admin status=open": home(ADMIN, HomeState(status="open")),
        "home admin priority=critical": home(ADMIN, HomeState(priority="critical")),
        "home admin search 'vpn'": home(ADMIN, HomeState(text="vpn")),
        "home admin page 51": home(ADMIN, HomeState(page=50)),
        "home engineer": home(busiest_engineer, HomeState()),
        "home reporter": home(busiest_reporter, HomeState()),
        "list (admin, all)": ticket_list(ADMIN, ""),
        "list open": ticket_list(ADMIN, "open"),
        "list high": ticket_list(ADMIN, "high"),
        "list open critical": ticket_list(ADMIN, "open critical"),
        f"list since:{since}": ticket_list(ADMIN, f"since:{since}"),
        "list printer (search)": ticket_list(ADMIN, "printer"),
        "list closed vpn": ticket_list(ADMIN, "closed vpn"),
        "list user2999 (rare: a name)": ticket_list(ADMIN, "user2999"),
        "list TKT-0500000": ticket_list(ADMIN, "TKT-0500000"),
        "list engineer in progress": ticket_list(busiest_engineer, "in progress"),
        "list reporter": ticket_list(busiest_reporter, ""),
    }


def explain(engine, statement: str, parameters: object) -> list[str]:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return [str(row[-1]) for row in cursor.fetchall()]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return [row[0] for row in cursor.fetchall()]
    finally:
        raw.rollback()
        raw.close()


def measure(url: str, repeat: int, warmup: int, show_plans: bool) -> list[list[str]]:
    from sqlalchemy import func, select

    from bot.app import build_services
    from bot.config import load_settings
    from storage.db import Database
    from storage.models import Ticket
    from storage.sla_queries import not_closed

    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": "bench",
            "DATABASE_URL": url,
            "TRIAGE_CHANNEL_ID": "C0TRIAGE",
            "ADMIN_USER_IDS": ADMIN,
        },
        dotenv=False,
    )
    db = Database.from_url(url)
    services = build_services(settings, db)
    with db.read() as s:
        total = s.scalar(select(func.count()).select_from(Ticket))
        by_status = dict(s.execute(select(Ticket.status, func.count()).group_by(Ticket.status)).all())
        engineer = s.execute(
            select(Ticket.engineer_id, func.count())
            .where(not_closed(), Ticket.engineer_id.is_not(None))
            .group_by(Ticket.engineer_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        reporter = s.execute(
            select(Ticket.reporter_id, func.count())
            .group_by(Ticket.reporter_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    print(f"\ndata: {total:,} tickets; by status {by_status}")
    print(f"  busiest engineer {engineer[0]} ({engineer[1]} not closed)")
    print(f"  busiest reporter {reporter[0]} ({reporter[1]} tickets)")
    statements = Statements(db.engine)
    table: list[list[str]] = []
    for name, run in scenarios(services, engineer[0], reporter[0]).items():
        for _ in range(warmup):
            run()
        walls, dbs = [], []
        for _ in range(repeat):
            statements.db_seconds = 0.0
            started = time.perf_counter()
            run()
            walls.append(time.perf_counter() - started)
            dbs.append(statements.db_seconds)
        statements.seen, statements.capturing = [], True
        run()
        statements.capturing = False
        walls.sort()
        p50, p95 = percentile(walls, 0.5) * 1000, percentile(walls, 0.95) * 1000
        table.append(
            [name, f"{p50:.1f}", f"{p95:.1f}", f"{statistics.median(dbs) * 1000:.1f}",
             str(len(statements.seen)), "ok" if p95 < 100 else "MISSED"]
        )  # fmt: skip
        print(f"  {name:<32} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  ({len(statements.seen)} statements)")
        if show_plans:
            for statement, parameters in statements.seen:
                if not statement.lstrip().upper().startswith("SELECT") or "pg_catalog" in statement:
                    continue
                print("    -- " + " ".join(statement.split())[:400])
                print("    -- parameters: " + repr(parameters)[:300])
                for line in explain(db.engine, statement, parameters):
                    print("       " + line)
    db.dispose()
    return table


# -- the run --------------------------------------------------------------------------------------


def postgres_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def admin_sql(sql: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(sql))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per scenario")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--reuse", action="store_true", help="use the kept database (no seeding)")
    parser.add_argument("--no-plans", action="store_true", help="do not print EXPLAIN plans")
    args = parser.parse_args()

    from storage.db import Database
    from storage.migrate import upgrade

    print_machine()
    if args.sqlite:
        path = Path(tempfile.gettempdir()) / f"{DB_NAME}.db"
        url = f"sqlite:///{path}"
    else:
        url = postgres_url(DB_NAME)
    try:
        if not args.reuse:
            if args.sqlite:
                path.unlink(missing_ok=True)
            else:
                admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
                admin_sql(f'CREATE DATABASE "{DB_NAME}"')
        db = Database.from_url(url)
        if not args.reuse:
            # Seed at 0002, then migrate: the indexes of 0003 are built over a million tickets,
            # as an upgrade in production would (and COPY is not slowed by GIN indexes).
            upgrade(db.engine, SEEDED_AT)
            db.dispose()  # no pooled connection in the way of the bulk load
            started = time.perf_counter()
            target = str(path) if args.sqlite else url
            (seed_sqlite if args.sqlite else seed_postgres)(target, args.tickets)
            print(f"seeded {args.tickets:,} tickets in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        upgrade(db.engine)  # to head (a reused database gets any new migration here)
        db.dispose()
        print(f"migrated to head in {time.perf_counter() - started:.1f} s")
        print(f"load average before measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        table = measure(url, args.repeat, args.warmup, not args.no_plans)
        print(f"\nload average after measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        backend = "sqlite" if args.sqlite else "postgresql"
        print(f"\n{backend}, {args.tickets:,} tickets, {args.repeat} runs each\n")
        headers = ["scenario", "p50 ms", "p95 ms", "db ms (median)", "statements", "p95 < 100 ms"]
        print("| " + " | ".join(headers) + " |")
        print("|" + "|".join("---" for _ in headers) + "|")
        for row in table:
            print("| " + " | ".join(row) + " |")
    finally:
        if not args.keep:
            if args.sqlite:
                path.unlink(missing_ok=True)
            else:
                admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
