"""`ticketbot`: run the bot, migrate the database, manage engineers, export to Excel.

This module only assembles the parser and reports errors; each command group lives in its own
bot.cli_* module, and what they share (CliError, the database, the token check) in bot.cli_support.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot import cli_digest, cli_engineers, cli_export, cli_mail, cli_outbox, cli_run
from bot.cli_support import CliError
from bot.config import ConfigError, load_settings
from storage.errors import DatabaseUnusable


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    verbose = getattr(args, "verbose", False)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler logs two INFO lines each time a job runs, and the outbox sweep runs every few
    # seconds: the log would be mostly those. Alembic lists its plugins at each start. Their
    # warnings and errors (a missed job) still show; `-v` shows everything.
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.DEBUG if verbose else logging.WARNING)
    try:
        settings = load_settings()
        return args.handler(settings, args)
    except (ConfigError, CliError) as error:
        print(f"ticketbot: {error}", file=sys.stderr)
        return getattr(args, "error_status", 2)  # mail-in: 75, so the MTA keeps the message
    except DatabaseUnusable as error:
        print(f"ticketbot: cannot use the database ({error.orig}); check DATABASE_URL", file=sys.stderr)
        return getattr(args, "error_status", 2)
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ticketbot", description="An IT helpdesk that lives in Slack.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", required=True)
    # The order of `ticketbot --help`: processes first, then the operator's tools.
    cli_run.register(commands)
    cli_engineers.register(commands)
    cli_outbox.register(commands)
    cli_export.register(commands)
    cli_digest.register(commands)
    cli_mail.register(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
