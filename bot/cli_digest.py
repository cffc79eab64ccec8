"""`ticketbot digest --now` and `ticketbot report --now`: queue the scheduled messages at once.

They count as the day's digest and the week's report (a run at the scheduled time then finds
them sent). Only outbox rows are written; the running bot delivers them.
"""

from __future__ import annotations

import argparse

from bot.cli_support import database
from bot.config import Settings


def register(commands: argparse._SubParsersAction) -> None:
    digest = commands.add_parser("digest", help="the daily digest and engineers' morning DMs")
    digest.add_argument("--now", action="store_true", help="queue today's digest now")
    digest.set_defaults(handler=lambda settings, args: _run(settings, args, "digest"))
    report = commands.add_parser("report", help="the weekly Excel report")
    report.add_argument("--now", action="store_true", help="queue this week's report now")
    report.add_argument(
        "--out", metavar="DIR", help="with --now: also write the report's charts (PNG) into DIR"
    )
    report.set_defaults(handler=lambda settings, args: _run(settings, args, "report"))


def _run(settings: Settings, args: argparse.Namespace, which: str) -> int:
    if not args.now:
        schedule = settings.digest_time if which == "digest" else settings.weekly_report_cron
        print(f"scheduled: {schedule or 'off'} ({settings.timezone}); --now queues it at once")
        return 0
    from bot.app import build_services, web_client
    from bot.digests import Digests

    db = database(settings)
    try:
        digests = Digests(web_client(settings, retries=False), build_services(settings, db), settings)
        if which == "digest":
            sent = digests.daily_digest()
            dms = digests.engineer_summaries()
            print(f"daily digest {'queued' if sent else 'already sent today'}; {dms} engineer DM(s) queued")
        else:
            sent = digests.weekly_report()
            print("weekly report queued" if sent else "weekly report already sent this week (or no tickets)")
            if getattr(args, "out", None):
                from pathlib import Path

                from bot.charts.report import write_pngs

                for path in write_pngs(db, settings, Path(args.out), digests.services.tickets.clock()):
                    print(f"wrote {path}")
    finally:
        db.dispose()
    print("the running bot delivers it within DISPATCH_INTERVAL_SECONDS")
    return 0
