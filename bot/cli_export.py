"""`ticketbot export`: the workbook Slack users get, written from the command line.

Same code path as the export worker (exports.workbook.write_workbook); a progress bar on
stderr, because a million-ticket export takes minutes.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from bot.cli_support import CliError, database
from bot.config import Settings
from handlers.i18n import Translator

FILTER_WORDS = {
    "filter.unknown_status": "--status {word!r} is not open, in_progress, on_hold or closed",
    "filter.unknown_priority": "--priority {word!r} is not low, medium, high or critical",
    "filter.bad_date": "--since {word!r} is not a date like 2026-01-31",
}


def register(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser("export", help="write tickets to an Excel workbook, as Slack exports do")
    export.add_argument("--scope", required=True, help="all, engineer:<user id> or reporter:<user id>")
    export.add_argument(
        "--status", action="append", default=[], help="open, in_progress, on_hold or closed (repeatable)"
    )
    export.add_argument(
        "--priority", action="append", default=[], help="low, medium, high or critical (repeatable)"
    )
    export.add_argument("--since", help="only tickets created on or after this date, like 2026-01-31")
    export.add_argument("--out", required=True, help="the .xlsx file to write")
    export.set_defaults(handler=cmd_export)


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from exports.scope import ExportScope
    from exports.workbook import ExportJob, write_workbook
    from handlers.directory import UnknownUser, parse_user_id
    from handlers.filters import FilterError, parse_filter

    try:
        scope = ExportScope.parse(args.scope)
        if scope.user_id:
            scope = ExportScope(scope.kind, parse_user_id(scope.user_id))
    except (ValueError, UnknownUser) as error:
        raise CliError(f"--scope: {error}") from None
    if not args.out.lower().endswith(".xlsx"):
        raise CliError("--out must name an .xlsx file")
    words = [f"status:{s}" for v in args.status for s in v.split(",") if s.strip()]
    words += [f"priority:{p}" for v in args.priority for p in v.split(",") if p.strip()]
    words += [f"since:{args.since}"] if args.since else []
    try:
        flt = parse_filter(" ".join(words))
    except FilterError as error:
        raise CliError(FILTER_WORDS[error.key].format(word=error.word)) from None

    job = ExportJob(scope, flt, Translator(settings.language), settings.timezone, settings.categories)
    bar = ProgressBar(sys.stderr)
    try:
        result = write_workbook(database(settings, migrate=False), job, args.out, progress=bar)
    except OSError as error:
        raise CliError(f"cannot write {args.out}: {error}") from None
    finally:
        bar.finish()
    print(f"wrote {result.tickets} tickets and {result.events} history rows to {result.path}")
    return 0


class ProgressBar:
    """`exporting [#######.............]  35% 35000/100000 tickets`, redrawn in place on a
    terminal; on a pipe or log file, one line per tenth."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.tty = stream.isatty()
        self.shown = -1
        self.drawn = False

    def __call__(self, done: int, expected: int) -> None:
        percent = 100 if expected <= 0 else min(100, done * 100 // expected)
        step = percent if self.tty else percent // 10 * 10
        if step == self.shown:
            return
        self.shown = step
        filled = self.width * percent // 100
        line = (
            f"exporting [{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% {done}/{expected} tickets"
        )
        self.stream.write(f"\r{line}" if self.tty else f"{line}\n")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
