"""Production HTTP serving: Bolt's WSGI adapter under gunicorn, delivery in processes of its own.

`ticketbot serve --workers N --delivery-processes M` (M ≥ 1; 1 by default) runs a small supervisor:

    ticketbot serve (this process) ─┬─ gunicorn master ── N web workers: answer Slack, deliver nothing
                                    └─ M × `ticketbot deliver`: outbox, exports, scheduled jobs (nice +5)

Acks matter more than a DM leaving a second later: delivery does not share the web workers' GIL,
and under load the kernel gives the CPU to the acks first. A web worker's commit that wrote outbox
rows wakes the delivery processes with a datagram (bot/wake.py). The supervisor starts again a
delivery process that dies. SIGTERM or SIGINT to it goes on as SIGTERM to every child: gunicorn
stops taking requests and lets those in flight finish; each delivery process finishes the row in
hand and gives back its unstarted claims. Gunicorn's master runs in a child rather than here:
it reaps with os.waitpid(-1), which would take the delivery processes' exit statuses too.

With M = 0 this process is the gunicorn master and every web worker also delivers (rows are
claimed with SKIP LOCKED, so none twice). Either way each worker builds its own Runtime after the
fork (database pools and threads never cross a fork), and migrations have run once, before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.config import Settings
from bot.supervisor import Supervisor


class TicketbotServer(BaseApplication):
    def __init__(
        self, settings: Settings, options: dict[str, Any], wake: Sequence[str] | None = None
    ) -> None:
        """`wake`: None, each worker delivers; else the delivery processes' wake sockets."""
        self.settings = settings
        self.options = options
        self.wake = wake
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
        from bot.wake import WakeSender

        self.runtime = build(self.settings)
        if self.wake is None:
            self.runtime.start_background()
        else:
            self.runtime.db.on_commit(WakeSender(self.wake).wake)
        return wsgi_app(self.runtime)

    def _worker_exit(self, server, worker) -> None:
        if self.runtime is not None:
            self.runtime.stop()


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    delivery_processes: int = 1,
    delivery_nice: int = 5,
) -> int:
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
    if delivery_processes == 0:
        TicketbotServer(settings, options).run()
        return 0

    def web(wake: Sequence[str]) -> int:  # in the supervisor's child: the gunicorn master
        TicketbotServer(settings, options, wake=wake).run()
        return 0

    return Supervisor(web, delivery_processes, delivery_nice).run()
