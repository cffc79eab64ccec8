"""Production HTTP serving: Bolt's WSGI adapter under gunicorn, several worker processes.

Each worker builds its own Runtime after the fork (database pools and threads never cross a fork):
its own Bolt app, and its own outbox dispatcher — rows are claimed with SKIP LOCKED, so every
worker delivers and none twice. Migrations run once, in the master, before any worker starts.
SIGTERM (gunicorn's graceful stop) stops taking requests, lets requests in flight finish, then
each worker stops its dispatcher, which gives back its unstarted outbox claims.
"""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.config import Settings

log = logging.getLogger("ticketbot.serve")


class TicketbotServer(BaseApplication):
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        self.runtime = None
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("worker_exit", self._worker_exit)

    def load(self):
        """Called in each worker after the fork (preload_app is off)."""
        from bot.app import build
        from bot.http import wsgi_app

        self.runtime = build(self.settings)
        self.runtime.start_background()
        return wsgi_app(self.runtime)

    def _worker_exit(self, server, worker) -> None:
        if self.runtime is not None:
            self.runtime.stop()


def serve(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "backlog": 2048,
        "graceful_timeout": 20,
        "timeout": 30,
        "keepalive": 5,
        "accesslog": None,
        "preload_app": False,
        "proc_name": "ticketbot",
    }
    TicketbotServer(settings, options).run()
