"""Slack's rate budgets, kept in the database so every delivery process draws on the same ones.

A budget is a key (`chat.update`, or `chat.postMessage C0TRIAGE` for one channel) with a rate:
one call per `interval` seconds, `burst` of them at once. Each is a token bucket kept as one
number, `tat`, the time the bucket is full again plus `interval` per call drawn (the "generic
cell rate algorithm"): a call may leave when `tat - (burst - 1)·interval <= now`. `held_until`
is Slack's own word: a 429's Retry-After, which holds every call on the key until it has passed.

`take` draws on several budgets at once (a channel's and the workspace's) or on none: the rows of
every budget are locked in key order (FOR UPDATE; no two processes deadlock), and a call that
must wait learns how long, and draws nothing. Times are epoch seconds (`time.time()`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import SlackPace


@dataclass(frozen=True)
class Budget:
    key: str
    interval: float  # seconds per call
    burst: int = 1  # calls that may leave back to back

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.interval


@dataclass(frozen=True)
class Verdict:
    wait: float  # 0: the call may leave now (and has drawn on every budget)
    interval: float = 0.0  # the binding budget's interval: how far apart waiting calls should be
    held: bool = False  # a 429 holds the key (not merely an empty bucket)


def _rows(session: Session, keys: Sequence[str]) -> dict[str, SlackPace]:
    """The budgets' rows, created when missing, locked in key order."""
    keys = sorted(set(keys))
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(SlackPace)
        .values([{"key": k, "tat": 0.0, "held_until": 0.0} for k in keys])
        .on_conflict_do_nothing()
    )
    query = select(SlackPace).where(SlackPace.key.in_(keys)).order_by(SlackPace.key).with_for_update()
    return {row.key: row for row in session.scalars(query)}


def take(db: Database, budgets: Sequence[Budget], now: float) -> Verdict:
    """Draw one call on every budget, or on none and say how long to wait."""
    if not budgets:
        return Verdict(0.0)
    with db.transaction() as session:
        rows = _rows(session, [b.key for b in budgets])
        worst = Verdict(0.0)
        for budget in budgets:
            row = rows[budget.key]
            held = row.held_until - now
            empty = row.tat - budget.tolerance - now
            wait = max(held, empty)
            if wait > worst.wait:
                worst = Verdict(wait, budget.interval, held >= empty)
        if worst.wait > 0:
            return worst
        for budget in budgets:
            row = rows[budget.key]
            row.tat = max(row.tat, now) + budget.interval
        return worst


def hold(db: Database, key: str, until: float) -> None:
    """Slack said 429: nothing on `key` leaves before `until` (a later hold only lengthens it)."""
    with db.transaction() as session:
        row = _rows(session, [key])[key]
        row.held_until = max(row.held_until, until)


def free(db: Database, budget: Budget, now: float) -> int:
    """How many calls `budget` would let leave now (a look, nothing drawn)."""
    with db.read() as session:
        row = session.get(SlackPace, budget.key)
    if row is None:
        return budget.burst
    if row.held_until > now:
        return 0
    return max(
        0, min(budget.burst, int((now + budget.tolerance + budget.interval - row.tat) // budget.interval))
    )
