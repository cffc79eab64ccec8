"""Known issues and known fixes: the latency of what the filing modal asks on each keystroke
(storage.known_issues.matching_incidents + storage.known_fixes.KnownFixes.try_first) and of a
staff card's "Solved before" (KnownFixes.solved_before), over bench/similarity.py's seeded
tickets plus INCIDENTS open incidents of LINKED tickets each and FIXES written-up fixes.

    python bench/known_hints.py                      # PostgreSQL, 100,000 tickets
    python bench/known_hints.py --sqlite --tickets 1000000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.similarity import seed  # noqa: E402
from bench.support import percentile, postgres_database, print_machine  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.known_fixes import KnownFixes  # noqa: E402
from storage.known_issues import matching_incidents  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Ticket  # noqa: E402
from storage.roles import Roles  # noqa: E402
from storage.tickets import TicketService  # noqa: E402
from tests.data.similar_pairs import tellings  # noqa: E402

DB_NAME = "ticketbot_bench_known"
PROBES = 200
INCIDENTS, LINKED, FIXES = 5, 500, 200
CATEGORIES = ("hardware", "software", "network", "printers", "access", "other")


def add_incidents_and_fixes(db: Database) -> None:
    """The incidents, the fixes, and each closed ticket's close event (its resolution)."""
    now = "now()" if db.engine.dialect.name == "postgresql" else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    told = tellings()
    with db.engine.begin() as conn:
        for i in range(1, INCIDENTS + 1):
            conn.execute(
                text(f"""INSERT INTO incidents (id, title, owner_id, status, created_at, updated_at)
                         VALUES (:id, :title, 'U0BENCH', 'investigating', {now}, {now})"""),  # noqa: S608
                {"id": i, "title": told[(i * 37) % len(told)].title},
            )
            # LINKED open tickets each, taken among those telling the same text as the title.
            conn.execute(
                text(
                    "UPDATE tickets SET incident_id = :id WHERE id IN (SELECT id FROM tickets "
                    "WHERE status <> 'closed' AND incident_id IS NULL AND title = :title "
                    "ORDER BY id DESC LIMIT :n)"
                ),
                {"id": i, "title": told[(i * 37) % len(told)].title, "n": LINKED},
            )
        conn.execute(
            text("""INSERT INTO ticket_events (ticket_id, actor_id, created_at, kind, note, visibility)
                    SELECT id, 'U0BENCH', closed_at, 'closed', 'Reinstalled it, ticket ' || id, 'public'
                      FROM tickets WHERE status = 'closed'""")
        )
        conn.execute(
            text(f"""INSERT INTO known_fixes (ticket_id, title, steps, author_id, created_at, updated_at)
                     SELECT id, 'Fix: ' || title, 'Step one. Step two.', 'U0BENCH', {now}, {now}
                       FROM tickets WHERE status = 'closed' ORDER BY id DESC LIMIT :n"""),  # noqa: S608
            {"n": FIXES},
        )


def timed(name: str, count: int, dialect: str, call: Callable[[int], int]) -> None:
    timings, found = [], []
    for i in range(PROBES):
        start = time.perf_counter()
        found.append(call(i))
        timings.append(time.perf_counter() - start)
    timings.sort()
    print(
        f"{name} over {count:,} tickets ({dialect}), {PROBES} probes: "
        f"p50 {percentile(timings, 0.5) * 1000:.1f} ms  p95 {percentile(timings, 0.95) * 1000:.1f} ms  "
        f"p99 {percentile(timings, 0.99) * 1000:.1f} ms  (found per probe: {statistics.mean(found):.2f})"
    )


def run(db: Database, count: int) -> None:
    upgrade(db.engine, "0002")
    seed(db, count)
    upgrade(db.engine)
    add_incidents_and_fixes(db)
    fixes = KnownFixes(TicketService(db, roles=Roles(db, set()), categories=CATEGORIES))
    told = tellings()
    dialect = db.engine.dialect.name

    def modal(i: int) -> int:
        t = told[(i * 53) % len(told)]
        incidents = matching_incidents(db, t.title, t.description, t.category)
        return len(incidents) + len(fixes.try_first(t.title, t.description, t.category))

    def card(i: int) -> int:
        t = told[(i * 53) % len(told)]
        probe = Ticket(id=count + 1, title=t.title, description=t.description, category=t.category)
        return len(fixes.solved_before(probe))

    print()
    timed("filing modal hints (incidents + try first)", count, dialect, modal)
    timed("staff card 'Solved before'", count, dialect, card)
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    print_machine()
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            run(Database.from_url(f"sqlite:///{folder}/bench.db"), args.tickets)
        return
    with postgres_database(DB_NAME) as url:
        run(Database.from_url(url), args.tickets)


if __name__ == "__main__":
    main()
