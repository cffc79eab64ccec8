"""`ticketbot`: run the bot, migrate the database, manage engineers, export to Excel."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError

from bot import cli_outbox
from bot.config import ConfigError, Settings, load_settings
from storage.db import Database
from storage.errors import DatabaseUnusable, InvalidInput

log = logging.getLogger("ticketbot")


class CliError(Exception):
    """Reported as one line on stderr with exit status 2."""


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
        return 2
    except DatabaseUnusable as error:
        print(f"ticketbot: cannot use the database ({error.orig}); check DATABASE_URL", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ticketbot", description="An IT helpdesk that lives in Slack.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the bot (Socket Mode, or HTTP with --http)")
    run.add_argument("--http", action="store_true", help="serve Slack's requests over HTTP")
    run.add_argument("--port", type=int, help="HTTP port (default: $PORT or 3000)")
    run.add_argument("--host", default="0.0.0.0", help="HTTP address to listen on (default 0.0.0.0)")
    run.add_argument("--no-migrate", action="store_true", help="do not apply migrations at start")
    run.set_defaults(handler=cmd_run)

    serve = commands.add_parser("serve", help="serve HTTP under gunicorn with several worker processes")
    serve.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    serve.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    serve.add_argument("--port", type=int, help="HTTP port (default: $PORT or 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    serve.add_argument(
        "--delivery-processes",
        type=int,
        default=1,
        help="processes that deliver notifications (default 1); 0: every web worker delivers",
    )
    serve.add_argument(
        "--delivery-nice", type=int, default=5, help="CPU niceness added to delivery processes (default 5)"
    )
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations at start")
    serve.set_defaults(handler=cmd_serve)

    deliver = commands.add_parser(
        "deliver", help="deliver notifications and run scheduled jobs, without serving Slack's requests"
    )
    deliver.add_argument("--no-migrate", action="store_true", help="do not apply migrations at start")
    deliver.add_argument("--no-check", action="store_true", help="do not check the Slack token at start")
    deliver.add_argument(
        "--wake-socket",
        metavar="PATH",
        help="bind this Unix datagram socket: any datagram means new rows (ticketbot serve uses it)",
    )
    deliver.set_defaults(handler=cmd_deliver)

    check = commands.add_parser(
        "check", help="check configuration, database, Slack and email; exit 1 on a failure"
    )
    check.set_defaults(handler=cmd_check)

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply the Alembic migrations").set_defaults(handler=cmd_db_upgrade)

    engineers = commands.add_parser("engineers", help="manage engineers").add_subparsers(
        dest="engineers_command", required=True
    )
    add = engineers.add_parser("add", help="register a Slack user as an engineer")
    add.add_argument("user_id", help="Slack user id, like U0123ABCD")
    add.add_argument("--specialty", required=True, help='e.g. "Redes y Servidores"')
    add.add_argument("--phone", help="optional phone number")
    add.set_defaults(handler=cmd_engineers_add)
    engineers.add_parser("list", help="list engineers").set_defaults(handler=cmd_engineers_list)
    remove = engineers.add_parser("remove", help="remove an engineer")
    remove.add_argument("user_id")
    remove.set_defaults(handler=cmd_engineers_remove)
    cli_outbox.register(commands)

    from bot.cli_export import add_export_parser

    add_export_parser(commands, CliError, _database)
    from bot.cli_digest import add_digest_parsers

    add_digest_parsers(commands, _database)
    return parser


def _database(settings: Settings, migrate: bool = True) -> Database:
    from storage.migrate import upgrade

    db = Database.from_url(settings.database_url)
    if migrate:
        upgrade(db.engine)
    return db


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from bot.check import run_checks

    results = run_checks(settings)
    for result in results:
        print(result.line())
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed" if failed else "ready")
    return 1 if failed else 0


def cmd_db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    from storage.migrate import current_revision

    db = _database(settings)
    print(f"database at revision {current_revision(db.engine)}")
    return 0


def cmd_engineers_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import web_client
    from handlers.directory import UnknownUser, lookup, parse_user_id
    from storage.people import People

    settings.require("SLACK_BOT_TOKEN")
    try:
        user_id = parse_user_id(args.user_id)
        profile = lookup(web_client(settings, retries=True), user_id)
    except UnknownUser as error:
        raise CliError(str(error)) from None
    except SlackApiError as error:
        raise CliError(f"Slack refused users.info: {error.response.get('error')}") from None
    try:
        created = People(_database(settings)).add_engineer(profile, args.specialty, args.phone)
    except InvalidInput as error:
        raise CliError("--specialty must be 1 to 100 characters") from error
    verb = "added" if created else "updated"
    print(f"{verb} engineer {profile.real_name or profile.name} ({user_id}) — {args.specialty.strip()}")
    return 0


def cmd_engineers_list(settings: Settings, args: argparse.Namespace) -> int:
    from storage.people import People

    loads = People(_database(settings)).engineers()
    if not loads:
        print("no engineers yet: add one with `ticketbot engineers add U0123ABCD --specialty …`")
        return 0
    print(f"{'USER':<12} {'NAME':<24} {'SPECIALTY':<28} {'PHONE':<14} {'AVAILABLE':<9} OPEN")
    for e in loads:
        print(
            f"{e.user_id:<12} {e.display[:24]:<24} {e.specialty[:28]:<28} {(e.phone or '-')[:14]:<14} "
            f"{'yes' if e.available else 'no':<9} {e.open_tickets}"
        )
    return 0


def cmd_engineers_remove(settings: Settings, args: argparse.Namespace) -> int:
    from handlers.directory import UnknownUser, parse_user_id
    from storage.people import People

    try:
        user_id = parse_user_id(args.user_id)
    except UnknownUser as error:
        raise CliError(str(error)) from None
    if not People(_database(settings)).remove_engineer(user_id):
        raise CliError(f"{user_id} is not an engineer")
    print(f"removed engineer {user_id}")
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build

    settings.require("SLACK_BOT_TOKEN", "TRIAGE_CHANNEL_ID")
    if args.http:
        settings.require("SLACK_SIGNING_SECRET")
    elif not settings.slack_app_token:
        raise CliError("SLACK_APP_TOKEN is not set: set it for Socket Mode, or run with --http")
    who = _check_token(settings)

    runtime = build(settings, _database(settings, migrate=not args.no_migrate))
    runtime.start_background()
    log.info("connected to Slack as %s in %s", who.get("user"), who.get("team"))
    try:
        if args.http:
            _serve_http(runtime, args.host, args.port or settings.port)
        else:
            _serve_socket_mode(runtime, settings.slack_app_token)
    finally:
        runtime.stop()
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from bot.serve import serve

    settings.require("SLACK_BOT_TOKEN", "TRIAGE_CHANNEL_ID", "SLACK_SIGNING_SECRET")
    if args.workers < 1 or args.threads < 1:
        raise CliError("--workers and --threads must be at least 1")
    if args.delivery_processes < 0 or not 0 <= args.delivery_nice <= 19:
        raise CliError("--delivery-processes must be 0 or more, --delivery-nice 0 to 19")
    _check_token(settings)
    _database(settings, migrate=not args.no_migrate).dispose()
    return serve(
        settings,
        host=args.host,
        port=args.port or settings.port,
        workers=args.workers,
        threads=args.threads,
        delivery_processes=args.delivery_processes,
        delivery_nice=args.delivery_nice,
    )


def cmd_deliver(settings: Settings, args: argparse.Namespace) -> int:
    from bot.deliver import deliver, stop_on_signals

    settings.require("SLACK_BOT_TOKEN", "TRIAGE_CHANNEL_ID")
    stopping = stop_on_signals()
    if not args.no_check:
        _check_token(settings)
    deliver(settings, _database(settings, migrate=not args.no_migrate), stopping, args.wake_socket)
    return 0


def _check_token(settings: Settings) -> dict:
    from bot.app import web_client

    try:
        return web_client(settings, retries=True).auth_test().data
    except SlackApiError as error:
        raise CliError(f"Slack refused SLACK_BOT_TOKEN: {error.response.get('error')}") from None
    except OSError as error:
        raise CliError(f"cannot reach Slack at {settings.slack_api_url}: {error}") from None


def _serve_socket_mode(runtime, app_token: str) -> None:
    """Socket Mode until SIGTERM or Ctrl-C; then close the connection and stop cleanly."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(runtime.app, app_token)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    log.info("Socket Mode: connecting")
    handler.connect()
    stopping.wait()
    log.info("Socket Mode: closing")
    handler.close()


def _serve_http(runtime, host: str, port: int) -> None:
    from bot.http import make_http_server

    server = make_http_server(runtime, host, port)

    def shutdown(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    log.info("serving Slack's requests at http://%s:%s/slack/events", host, port)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
