"""The yardstick for bench/ack_latency.py: a Bolt app whose listeners only call ack().

Served exactly as `ticketbot serve` serves the real app (bot/serve.py): Bolt's WSGI adapter under
gunicorn, gthread workers, the same worker and thread counts, backlog and keep-alive, and the same
Bolt mode (process_before_response=True) and signing secret. It answers GET /healthz so the
benchmark can wait for it the same way.

`--floor` makes it the floor: it does for each request only what that request cannot do without,
with ticketbot's own content built once at start-up (in English). `/ticket help` is answered in the
ack with ticketbot's help message (the same blocks); `/ticket` with no text and the Home button
`home_new_ticket` are acked, then `views.open` is called with ticketbot's filing modal on a thread
pool, over ticketbot's keep-alive Slack client. The filing modal's submission (`ticket_new`) does
the durable work of filing before its ack, on the PostgreSQL database at DATABASE_URL (migrated by
storage/migrations): one transaction inserting a ticket row, its history row and two outbox rows,
committed, in plain SQL (see `durable_filing`). Everything else is only acked.

    SLACK_SIGNING_SECRET=… SLACK_API_URL=… [DATABASE_URL=…] python bench/bare_bolt_app.py [--floor]
        [--port 3001 --workers 2 --threads 8]
"""

from __future__ import annotations

import argparse
import logging
import os
import re
from collections.abc import Callable, Iterable

from gunicorn.app.base import BaseApplication


def bare_wsgi_app(floor: bool = False) -> Callable:
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    app = App(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=WebClient(
            token="xoxb-bench", base_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/")
        ),
        process_before_response=True,
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
    )

    def just_ack(ack) -> None:
        ack()

    if floor:
        answers_help, opens = help_answer(), modal_opener()
        app.command(re.compile(".*"), matchers=[lambda body: body.get("text") == "help"])(answers_help)
        app.command(re.compile(".*"), matchers=[lambda body: not body.get("text")])(opens)
        app.action("home_new_ticket")(opens)
        app.view("ticket_new")(durable_filing(os.environ["DATABASE_URL"]))
    app.command(re.compile(".*"))(just_ack)
    app.action(re.compile(".*"))(just_ack)
    app.view(re.compile(".*"))(just_ack)
    app.event(re.compile(".*"))(just_ack)
    slack = SlackRequestHandler(app, path="/slack/events")

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application


def help_answer() -> Callable:
    """A listener that answers with ticketbot's `/ticket help` message, as ticketbot does."""
    from handlers.blocks.listing import help_message
    from handlers.i18n import Translator

    tr = Translator("en")
    # The features' lines in the order ticketbot registers them (`help_key=` in handlers/*.py);
    # bench/ack_latency.py checks that both answers are the same.
    extra = [tr(key) for key in ("help.lookup", "help.list", "help.engineers", "help.digest")]
    answer = help_message(tr, extra).as_kwargs()

    def ack_with_help(ack) -> None:
        ack(**answer, response_type="ephemeral")

    return ack_with_help


def modal_opener() -> Callable:
    """A listener that acks, then opens ticketbot's filing modal from a thread pool."""
    from concurrent.futures import ThreadPoolExecutor

    from bot.config import load_settings
    from bot.slack_http import KeepAliveWebClient
    from handlers.after_ack import WORKERS
    from handlers.blocks.ticket_form import new_ticket_view
    from handlers.i18n import Translator

    settings = load_settings({}, dotenv=False)
    view = new_ticket_view(Translator("en"), settings.categories).to_dict()
    client = KeepAliveWebClient(token="xoxb-bench", base_url=os.environ["SLACK_API_URL"], timeout=10)
    pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="open-modal")  # as many as ticketbot's

    def ack_then_open(ack, body) -> None:
        ack()
        pool.submit(client.views_open, trigger_id=body["trigger_id"], view=view).add_done_callback(
            _log_failure
        )

    return ack_then_open


def durable_filing(database_url: str) -> Callable:
    """A listener that files the submitted ticket, committed, then acks (the modal closes).

    The least a durable filing writes, with the real schema: the ticket (the columns NOT NULL
    requires, and the view id as its request key, which makes Slack's retries harmless), its
    `created` history row and the two outbox rows of ticketbot's filing (triage card, reporter's
    DM), in one transaction committed before the ack. No validation, no ORM, no ticket service:
    three INSERTs as ticketbot's filing writes them (the outbox rows in one multi-row INSERT),
    plus the reporter's users row the foreign keys need, once per person and process as
    ticketbot does. Nobody delivers these outbox rows: the floor has a database of its own."""
    import json
    from datetime import datetime, timezone

    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, pool_size=10, max_overflow=20)  # storage.db's pool
    user = text(
        "INSERT INTO users (slack_id, name, real_name) VALUES (:id, :name, '') ON CONFLICT DO NOTHING"
    )
    ticket = text(
        "INSERT INTO tickets (reporter_id, title, description, category, priority, status, version,"
        " created_at, updated_at, request_key) VALUES (:reporter, :title, :description, :category,"
        " :priority, 'open', 1, :now, :now, :key) RETURNING id"
    )
    history = text(
        "INSERT INTO ticket_events (ticket_id, actor_id, created_at, kind, new_value, visibility)"
        " VALUES (:ticket, :actor, :now, 'created', 'open', 'public')"
    )
    outbox = text(
        "INSERT INTO outbox (kind, payload, stream, state, attempts, created_at, next_attempt_at) VALUES"
        " ('slack.triage_card', :payload, :triage, 'pending', 0, :now, :now),"
        " ('slack.reporter_card', :payload, :reporter, 'pending', 0, :now, :now)"
    )
    known_users: set[str] = set()

    def file_then_ack(ack, body, view) -> None:
        state = {block: next(iter(field.values())) for block, field in view["state"]["values"].items()}
        reporter = body["user"]["id"]
        now = datetime.now(timezone.utc)
        with engine.begin() as conn:
            if reporter not in known_users:
                conn.execute(user, {"id": reporter, "name": body["user"].get("username", "")})
            number = conn.execute(
                ticket,
                {
                    "reporter": reporter,
                    "title": state["title"]["value"],
                    "description": state["description"]["value"],
                    "category": state["category"]["selected_option"]["value"],
                    "priority": state["priority"]["selected_option"]["value"],
                    "now": now,
                    "key": view["id"],
                },
            ).scalar_one()
            conn.execute(history, {"ticket": number, "actor": reporter, "now": now})
            streams = {"triage": f"triage:{number}", "reporter": f"reporter:{number}"}
            conn.execute(outbox, {"payload": json.dumps({"ticket_id": number}), "now": now, **streams})
        known_users.add(reporter)  # committed: the next filing of theirs skips the upsert
        ack()

    return file_then_ack


def _log_failure(future) -> None:
    """A views.open that failed leaves a traceback in the log (the benchmark counts them)."""
    if (error := future.exception()) is not None:
        logging.getLogger("bare-bolt").error("views.open failed", exc_info=error)


class BareServer(BaseApplication):
    def __init__(self, options: dict, floor: bool = False) -> None:
        self.options = options
        self.floor = floor
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Callable:
        return bare_wsgi_app(self.floor)  # in each worker, after the fork, as bot/serve.py does


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3001")))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--floor", action="store_true", help="answer help, open the modal (see above)")
    args = parser.parse_args()
    # The same options as bot/serve.py's serve().
    options = {
        "bind": f"{args.host}:{args.port}",
        "workers": args.workers,
        "worker_class": "gthread",
        "threads": args.threads,
        "backlog": 2048,
        "graceful_timeout": 20,
        "timeout": 30,
        "keepalive": 5,
        "accesslog": None,
        "preload_app": False,
        "proc_name": "bare-bolt",
    }
    BareServer(options, args.floor).run()


if __name__ == "__main__":
    main()
