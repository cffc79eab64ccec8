"""Work that runs right after a listener's ack (open a modal, redraw a Home tab, tell a clicker),
on a thread pool of our own.

Bolt's lazy listeners do the same thing at a cost: for each lazy function of each request, Bolt
deep-copies the request, builds and dispatches a new one, and reads the function's signature
again. py-spy put that at about a third of the CPU of answering `/ticket help` (whose listener has
a lazy function for the modal), and it is CPU the web worker takes from the next ack. Here the
ack listener and its follow-ups are one Bolt listener: the follow-ups get the same arguments
(the ack listener may leave them a note in `context`) and start once the ack listener returned,
while the answer goes back to Slack — as lazy listeners do with `process_before_response`.

Two pools. A follow-up that spends the request's `trigger_id` (a modal) is `trigger_bound`: it
runs on a pool of its own, since a trigger lives 3 seconds and the general pool's threads may all
be asleep in a 429's `Retry-After` (publishing Home tabs while Slack rate-limits `views.publish`).
A trigger-bound follow-up itself must not sleep: whatever it does besides opening its modal with a
Web API call (redraw a Home tab, post an ephemeral, look people up) it hands on with `may_sleep`,
to the general pool.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("ticketbot.handlers")

WORKERS = 10  # as Bolt's own listener executor
TRIGGER_WORKERS = 4  # modals only: a views.open takes milliseconds and never waits out a 429
# An ack listener returns this when it answered everything itself (`/ticket help`): its follow-ups
# are not started, which spares the pool a task and the web worker a thread switch per request.
NOTHING_FOLLOWS = object()


def _names(function: Callable) -> list[str]:
    return list(inspect.signature(inspect.unwrap(function)).parameters)


class AfterAck:
    def __init__(self, workers: int = WORKERS, trigger_workers: int = TRIGGER_WORKERS) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="after-ack")
        self._modals = ThreadPoolExecutor(trigger_workers, thread_name_prefix="after-ack-modal")
        self._stopped = threading.Event()
        self._local = threading.local()  # .trigger_bound: this thread runs trigger-bound work

    def listener(self, ack_listener: Callable, *then: Callable, trigger_bound: bool = False) -> Callable:
        """One Bolt listener: `ack_listener(...)`, then each of `then` on a pool (the modals' one if
        `trigger_bound`). Each is given the arguments it names, as Bolt would give them (ack, body,
        client, context, …)."""
        pool = self._modals if trigger_bound else self._pool
        ack_names = _names(ack_listener)
        later = [(function, _names(function)) for function in then]
        names = list(dict.fromkeys(ack_names + [name for _, fn_names in later for name in fn_names]))

        def listener(**kwargs):
            # If it raises (a bug: handlers wrap theirs in edge.acks_safely), nothing follows.
            returned = ack_listener(**{name: kwargs[name] for name in ack_names})
            if returned is NOTHING_FOLLOWS:
                return None
            for function, fn_names in later:
                self._start(pool, function, {name: kwargs[name] for name in fn_names}, trigger_bound)
            return returned

        # Bolt reads a listener's parameter names to know what to pass: all that any part needs.
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        listener.__signature__ = inspect.Signature([inspect.Parameter(name, kind) for name in names])
        listener.__name__ = getattr(ack_listener, "__name__", "listener")
        return listener

    def submit(self, function: Callable, **kwargs) -> None:
        """Run `function(**kwargs)` on the general pool (where a retry may sleep)."""
        self._start(self._pool, function, kwargs, False)

    def may_sleep(self, function: Callable, **kwargs) -> None:
        """Web API work that may wait out a 429: handed to the general pool from trigger-bound
        work, run right here anywhere else (the general pool's threads may sleep)."""
        if getattr(self._local, "trigger_bound", False):
            self.submit(function, **kwargs)
        else:
            function(**kwargs)

    def _start(self, pool: ThreadPoolExecutor, function: Callable, kwargs: dict, trigger_bound: bool) -> None:
        try:
            if self._stopped.is_set():
                raise RuntimeError("stopping")
            pool.submit(self._run, function, kwargs, trigger_bound)
        except RuntimeError:  # stopping, or stopped between the check and the submit
            log.warning("stopping: %s is not started", getattr(function, "__name__", function))

    def _run(self, function: Callable, kwargs: dict, trigger_bound: bool) -> None:
        self._local.trigger_bound = trigger_bound
        try:
            function(**kwargs)
        except Exception:
            log.exception("work after the ack (%s) failed", getattr(function, "__name__", function))

    def stop(self) -> None:
        """Let the work already started finish (a modal on its way opens); start no more."""
        # The modals first: what they hand to the general pool (a Home tab to redraw) still starts.
        self._modals.shutdown(wait=True)
        self._stopped.set()
        self._pool.shutdown(wait=True)
