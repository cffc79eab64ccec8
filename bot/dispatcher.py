"""Delivers outbox rows: woken right after a commit that wrote some, and by APScheduler.

Each delivery function takes a row's payload and either returns (done) or raises: `Retry`
(try again later, maybe not before `retry_after`), `Permanent` (dead at once, with the reason),
`Deferred` (a rate budget holds it: due again in so many seconds, no attempt counted), or
anything else (a retry, logged with its traceback).
"""

from __future__ import annotations

import heapq
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from storage import outbox, outbox_pacing
from storage.db import Database

log = logging.getLogger("ticketbot.dispatcher")

Deliver = Callable[[dict[str, Any]], None]
OnDead = Callable[[outbox.Claimed, str], None]
Prepare = Callable[[list[outbox.Claimed]], None]


class Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Permanent(Exception):
    """Trying again cannot help (a channel that does not exist, a refused recipient)."""


class Deferred(Exception):
    """Not now, and no failure: a rate budget (or Slack's Retry-After) frees it in `seconds`."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


class Dispatcher:
    def __init__(
        self,
        db: Database,
        deliverers: Mapping[str, Deliver],
        *,
        max_attempts: int,
        batch: int = 50,
        kinds: Collection[str] | None = None,
        exclude_kinds: Collection[str] = (),
        lease: timedelta = outbox.LEASE,
        on_dead: OnDead | None = None,
        name: str = "outbox-dispatcher",
        concurrency: int = 4,
        mergeable: Collection[str] = (),
    ) -> None:
        """`kinds` / `exclude_kinds`: which rows this dispatcher claims (None: any kind).
        `on_dead(row, reason)` runs when a row has failed for the last time. `mergeable`: kinds
        whose later pending rows of a stream one delivery stands for (storage.outbox_pacing)."""
        self.db = db
        self.deliverers = dict(deliverers)
        self.max_attempts = max_attempts
        self.batch = batch
        self.claim_options = {"kinds": kinds, "exclude_kinds": exclude_kinds, "lease": lease}
        self.on_dead = on_dead
        self.mergeable = frozenset(mergeable)
        self.lease = lease
        self.name = name
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # A batch holds at most one row per stream, so its rows may leave side by side: delivery is
        # mostly waiting on Slack or SMTP, and a few threads multiply throughput.
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="outbox") if concurrency > 1 else None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._idle_hooks: list[Callable[[bool], None]] = []
        self._prepare_hooks: list[Prepare] = []
        # One pass at a time per dispatcher: what is read ahead belongs to the group being
        # delivered (`drain()` from a CLI or a test may run beside the loop thread).
        self._one_pass = threading.Lock()
        # When the rows this dispatcher deferred fall due (time.monotonic(), a heap): the loop
        # wakes then by itself, not at the next poll.
        self._due: list[float] = []
        self._merges: dict[int, list[int]] = {}
        self._lock = threading.Lock()

    # -- running -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self._thread.start()
            self.kick()

    def kick(self) -> None:
        """Deliver whatever is due now (cheap; called after every commit that wrote rows)."""
        self._wake.set()

    def on_idle(self, hook: Callable[[bool], None]) -> None:
        """`hook(final)` runs whenever nothing is due (e.g. close an idle SMTP connection), and
        once more with final=True when the dispatcher stops."""
        self._idle_hooks.append(hook)

    def on_prepare(self, hook: Prepare) -> None:
        """`hook(rows)` runs before a group of claimed rows is delivered, in this thread: a
        deliverer reads what the whole group needs in one go (one query for 50 tickets, not 50
        queries). If it fails, the rows are delivered all the same; each then reads its own.
        `hook([])` after the group: forget it (the next group reads afresh)."""
        self._prepare_hooks.append(hook)

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the row in hand, then give back the unstarted claims to other processes."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        outbox.release(self.db, self.worker)
        self._run_idle_hooks(final=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                now = time.monotonic()
                while self._due and self._due[0] <= now:
                    heapq.heappop(self._due)
                soonest = self._due[0] if self._due else None
            self._wake.wait(None if soonest is None else max(0.0, soonest - now))
            self._wake.clear()
            try:
                while not self._stop.is_set() and self.run_once():
                    pass
            except Exception:
                # The database may be down for a moment: rows stay pending, the next kick retries.
                log.exception("outbox pass failed")
            self._run_idle_hooks(final=False)

    def _run_idle_hooks(self, final: bool) -> None:
        for hook in self._idle_hooks:
            try:
                hook(final)
            except Exception:
                log.exception("outbox idle hook %r failed", hook)

    # -- one pass ----------------------------------------------------------------------------

    def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many rows were claimed."""
        with self._one_pass:
            return self._run_once()

    def _run_once(self) -> int:
        claimed = outbox.claim(self.db, self.worker, self.batch, **self.claim_options)
        if self.mergeable:
            self._merges = outbox_pacing.merge_later(
                self.db, claimed, self.worker, self.mergeable, self.lease
            )
        # Slack before email within a batch: people watch Slack, and an email then links to
        # the card just posted. Order within a stream is kept: no stream mixes the two.
        slack_first = [row for row in claimed if not row.kind.startswith("email.")]
        emails = [row for row in claimed if row.kind.startswith("email.")]
        for group in (slack_first, emails):
            delivered: list[int] = []  # list.append is atomic: the pool's threads share it
            if group:
                self._prepare(group)
            try:
                if self._pool is None or len(group) < 2:
                    for row in group:
                        self._deliver(row, delivered)
                else:
                    list(self._pool.map(self._deliver, group, [delivered] * len(group)))
            finally:
                if group:
                    self._prepare([])  # what was read ahead is for this group only
                # One transaction marks the group's delivered rows done, not one per row. Until
                # it commits they stay claimed and pending: a crash before it re-sends them after
                # the lease (at least once, as before), and the next row of each stream waits.
                outbox_pacing.finish_merged(
                    self.db, {i: self._merges[i] for i in delivered if i in self._merges}, self.worker
                )
                outbox.complete(self.db, delivered, self.worker)
        self._merges = {}
        return len(claimed)

    def drain(self, rounds: int = 1000) -> None:
        """Deliver until nothing is due (tests and the CLI use it; the loop does the same)."""
        for _ in range(rounds):
            if not self.run_once():
                return

    def _prepare(self, group: list[outbox.Claimed]) -> None:
        for hook in self._prepare_hooks:
            try:
                hook(group)
            except Exception:
                log.warning(
                    "reading ahead for %s outbox rows failed; each reads its own", len(group), exc_info=True
                )

    def _deliver(self, row: outbox.Claimed, delivered: list[int]) -> None:
        """Deliver one row: its id goes to `delivered` (the caller marks those done); a failure
        is recorded here."""
        if self._stop.is_set():
            return  # stopping: leave it claimed; `stop` gives the claim back
        deliver = self.deliverers.get(row.kind)
        try:
            if deliver is None:
                raise Permanent(f"no delivery for kind {row.kind!r}")
            deliver(row.payload)
        except Deferred as error:
            self._deferred(row, error)
        except Permanent as error:
            self._failed(row, f"permanent: {error}", permanent=True)
        except Retry as error:
            self._failed(row, str(error), retry_after=error.retry_after)
        except Exception as error:
            log.exception("outbox row %s (%s) failed", row.id, row.kind)
            self._failed(row, f"{type(error).__name__}: {error}")
        else:
            delivered.append(row.id)

    def _deferred(self, row: outbox.Claimed, error: Deferred) -> None:
        merged = self._merges.get(row.id, ())
        outbox_pacing.defer(self.db, row.id, self.worker, error.seconds, f"deferred: {error}", merged)
        due = time.monotonic() + error.seconds
        with self._lock:
            heapq.heappush(self._due, due)
        log.debug("outbox row %s (%s) deferred %.1f s: %s", row.id, row.kind, error.seconds, error)

    def _failed(self, row: outbox.Claimed, reason: str, **kwargs: Any) -> None:
        outbox_pacing.release_merged(self.db, self._merges.get(row.id, ()), self.worker)
        state = outbox.fail(self.db, row.id, self.worker, reason, max_attempts=self.max_attempts, **kwargs)
        if state == outbox.DEAD:
            log.critical(
                "DEAD outbox row %s (%s) after %s attempts, it will not be sent: %s; "
                "see `ticketbot outbox list --dead`, resend with `ticketbot outbox retry %s`",
                row.id,
                row.kind,
                row.attempts + 1,
                reason,
                row.id,
            )
            if self.on_dead is not None:
                try:
                    self.on_dead(row, reason)
                except Exception:
                    log.exception("on_dead hook failed for outbox row %s", row.id)
        else:
            log.warning("outbox row %s (%s) will be retried: %s", row.id, row.kind, reason)
