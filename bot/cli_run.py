"""`ticketbot run | serve | deliver | check | db upgrade`: the bot's processes and its start-up checks."""

from __future__ import annotations

import argparse
import logging
import signal
import threading

from bot.cli_support import CliError, check_token, database
from bot.config import Settings

log = logging.getLogger("ticketbot")


def register(commands: argparse._SubParsersAction) -> None:
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

    db = database(settings)
    print(f"database at revision {current_revision(db.engine)}")
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build

    settings.require("SLACK_BOT_TOKEN", "TRIAGE_CHANNEL_ID")
    if args.http:
        settings.require("SLACK_SIGNING_SECRET")
    elif not settings.slack_app_token:
        raise CliError("SLACK_APP_TOKEN is not set: set it for Socket Mode, or run with --http")
    who = check_token(settings)

    runtime = build(settings, database(settings, migrate=not args.no_migrate))
    runtime.start_background()
    log.info("connected to Slack as %s in %s", who.get("user"), who.get("team"))
    try:
        if args.http:
            _serve_http(runtime, args.host, args.port or settings.port)
        else:
            _serve_socket_mode(runtime, settings)
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
    check_token(settings)
    database(settings, migrate=not args.no_migrate).dispose()
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
        check_token(settings)
    deliver(settings, database(settings, migrate=not args.no_migrate), stopping, args.wake_socket)
    return 0


def _serve_socket_mode(runtime, settings: Settings) -> None:
    """Socket Mode until SIGTERM or Ctrl-C, reconnecting whenever the connection fails (see
    bot.socket_mode); then close the connection and stop cleanly."""
    from slack_sdk.errors import SlackApiError, SlackClientError

    from bot.socket_mode import SocketModeHandler, Timing

    timing = Timing.from_ping(settings.socket_ping_seconds, settings.socket_max_backoff_seconds)
    handler = SocketModeHandler(runtime.app, settings.slack_app_token, timing)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    log.info("Socket Mode: connecting")
    try:
        handler.connect()
    except SlackApiError as error:
        handler.close()
        reason = error.response.get("error")
        raise CliError(f"Slack refused SLACK_APP_TOKEN (apps.connections.open): {reason}") from None
    except (SlackClientError, OSError) as error:
        handler.close()
        raise CliError(f"cannot open a Socket Mode connection: {error}") from None
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
