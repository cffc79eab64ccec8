"""An outage morning against a Slack that enforces its documented rate limits (the fake's
`enforce_limits`): tickets filed from 6 clients within seconds, delivered by the app as it runs.

    python bench/burst.py                 # 30 tickets in 5 s, then 200 in 60 s (worked: assigned
                                          # and started, so cards are updated too)
    python bench/burst.py --only 30       # just the first run
    python bench/burst.py --postgres      # on PostgreSQL (a bench database of its own)

Prints, for each run: when every ticket was visible in the triage channel (its card or a
"new tickets" list), the worst ack → confirmation DM, when the last triage notice, the last DM
and the last card update left, how many calls were answered 429 and how many were made before
a Retry-After had passed, and whether anything was lost or doubled.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.support import PG_ADMIN_URL, TRIAGE, postgres_database, print_machine  # noqa: E402
from bot.config import load_settings  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests import burst_load  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402

RUNS = {30: (5.0, False), 200: (60.0, True)}  # tickets: (seconds, worked)


def one_run(tickets: int, seconds: float, work: bool, postgres: bool) -> burst_load.Figures:
    with tempfile.TemporaryDirectory() as workdir:
        if postgres:
            context = postgres_database(f"ticketbot_bench_burst_{tickets}")
            url = context.__enter__()
        else:
            url = f"sqlite:///{workdir}/burst.db"
        db = Database.from_url(url)
        upgrade(db.engine)
        fake = FakeSlack().start()
        fake.add_user("U0ADMIN", "admin", "Alex Admin", email="admin@example.com")
        fake.add_user(burst_load.ENGINEER, "carlos", "Carlos Pérez", email="carlos@example.com")
        environ = {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_API_URL": fake.base_url,
            "DATABASE_URL": url,
            "TRIAGE_CHANNEL_ID": TRIAGE,
            "ADMIN_USER_IDS": "U0ADMIN",
        }
        settings = load_settings(environ, dotenv=False)
        try:
            return burst_load.run(fake, settings, db, tickets, seconds, work=work, timeout=1800)
        finally:
            fake.stop()
            db.dispose()
            if postgres:
                context.__exit__(None, None, None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=int, choices=sorted(RUNS))
    parser.add_argument("--postgres", action="store_true", help=f"a database next to {PG_ADMIN_URL}")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print_machine()
    for tickets, (seconds, work) in RUNS.items():
        if args.only and tickets != args.only:
            continue
        figures = one_run(tickets, seconds, work, args.postgres)
        worked = ", then assigned and started" if work else ""
        print(f"\n== {tickets} tickets in {seconds:.0f} s from 6 clients{worked}")
        for line in figures.lines():
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
