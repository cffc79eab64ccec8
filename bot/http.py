"""HTTP mode: Slack's requests at POST /slack/events, a health check at GET /healthz."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import build_context

from bot.app import Runtime

log = logging.getLogger("ticketbot.http")

EVENTS_PATH = "/slack/events"
FORM = "application/x-www-form-urlencoded"
HEALTH_PATH = "/healthz"


class _FormSafeHandler(SlackRequestHandler):
    """Bolt's adapter, with one misreading mended: Bolt takes any form body in which the word
    "payload" appears for an interaction (`payload={json}`), so `/ticket my payload is lost`
    parsed as an empty request and Slack got a 404 ("dispatch_failed" for the user)."""

    def dispatch(self, request) -> BoltResponse:
        bolt = BoltRequest(body=request.get_body(), query=request.query_string, headers=request.get_headers())
        if not bolt.body and bolt.content_type == FORM and "payload" in bolt.raw_body:
            fields = dict(parse_qsl(bolt.raw_body, keep_blank_values=True))
            if "payload" not in fields:
                bolt.body = fields
                bolt.context = build_context(BoltContext({}), fields)
        return self.app.dispatch(bolt)


def wsgi_app(runtime: Runtime) -> Callable:
    slack = _FormSafeHandler(runtime.app, path=EVENTS_PATH)

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            try:
                runtime.db.ping()
            except Exception:
                log.exception("health check: database unreachable")
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"database unreachable\n"]
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        try:
            return slack(environ, start_response)
        except Exception:
            # Bolt parses the body before it checks the signature, and a body such as `null`
            # breaks that parsing: answer a clean 400, never a 500 page.
            log.warning("unreadable request to %s", path, exc_info=True)
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"bad request\n"]

    return application


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 refuses bursts of Slack requests


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def make_http_server(runtime: Runtime, host: str, port: int) -> WSGIServer:
    return make_server(
        host, port, wsgi_app(runtime), server_class=_ThreadingServer, handler_class=_QuietHandler
    )
