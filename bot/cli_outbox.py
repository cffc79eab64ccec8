"""`ticketbot outbox list [--dead]` and `ticketbot outbox retry <id>… | --all-dead`.

A dead row is a notification that gave up (a permanent error, or every retry spent); the
operator sees why here and, once the cause is fixed, sends it again. Requeued rows are picked
up by the running bot's next sweep (DISPATCH_INTERVAL_SECONDS), no restart needed.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli_support import CliError, database
from bot.config import Settings
from storage import outbox
from storage.domain import format_number


def register(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("outbox", help="notifications waiting, sent or dead").add_subparsers(
        dest="outbox_command", required=True
    )
    listing = group.add_parser("list", help="the newest outbox rows")
    listing.add_argument("--dead", action="store_true", help="only rows that gave up")
    listing.add_argument("--limit", type=int, default=50, help="how many rows (default 50)")
    listing.set_defaults(handler=cmd_outbox_list)
    retry = group.add_parser("retry", help="send dead rows again")
    retry.add_argument("ids", nargs="*", type=int, help="row ids, as `outbox list --dead` shows")
    retry.add_argument("--all-dead", action="store_true", help="every dead row")
    retry.set_defaults(handler=cmd_outbox_retry)


def cmd_outbox_list(settings: Settings, args: argparse.Namespace) -> int:
    rows = outbox.rows(database(settings), outbox.DEAD if args.dead else None, max(1, args.limit))
    span = outbox.retry_span(settings.outbox_max_attempts).total_seconds() / 3600
    print(f"rows give up after {settings.outbox_max_attempts} attempts (about {span:.1f} h of retries)")
    if not rows:
        print("no dead rows" if args.dead else "the outbox is empty")
        return 0
    print(f"{'ID':>8}  {'KIND':<20} {'STATE':<7} {'TRIES':>5}  {'WHEN (UTC)':<16}  {'ABOUT':<44} LAST ERROR")
    for row in rows:
        when = row.done_at if row.state == outbox.DONE else row.next_attempt_at
        print(
            f"{row.id:>8}  {row.kind[:20]:<20} {row.state:<7} {row.attempts:>5}  "
            f"{when:%Y-%m-%d %H:%M}  {describe(row.payload)[:44]:<44} {(row.last_error or '')[:120]}"
        )
    return 0


def cmd_outbox_retry(settings: Settings, args: argparse.Namespace) -> int:
    if bool(args.ids) == bool(args.all_dead):
        raise CliError("name the dead rows to retry (ids from `ticketbot outbox list --dead`), or --all-dead")
    db = database(settings)
    if args.all_dead:
        count = outbox.requeue(db)
        print(f"requeued {count} dead row(s)" if count else "no dead rows to retry")
        return 0
    wanted = sorted(set(args.ids))
    count = outbox.requeue(db, wanted)
    if count < len(wanted):
        raise CliError(
            f"requeued {count} of {len(wanted)} row(s): the others are not dead "
            "(unknown ids, still pending, or already sent); see `ticketbot outbox list`"
        )
    print(f"requeued {count} row(s): the running bot sends them at its next sweep")
    return 0


def describe(payload: dict[str, Any]) -> str:
    """What a row is about, in a few words: ticket, which notification, for whom."""
    parts = [format_number(payload["ticket_id"])] if "ticket_id" in payload else []
    parts += [str(payload[k]) for k in ("template", "audience") if k in payload]
    to = payload.get("to") or {}
    if to:
        parts.append("→ " + str(to.get("user") or to.get("address")))
    return " ".join(parts)
