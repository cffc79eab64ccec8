"""Scheduled jobs that must happen once per period (a day, a week), whoever runs them.

The `scheduled_runs` row is inserted in the transaction that writes the job's outbox rows: two
schedulers firing in the same minute, or a leader handing over mid-run, cannot both commit it,
so the loser's rows roll back with its duplicate key.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import ScheduledRun


def run_once(db: Database, job: str, period: str, write: Callable[[Session], None]) -> bool:
    """Call `write(session)` in a transaction that also records (job, period); False (and
    nothing written) when that period's run is already recorded."""
    try:
        with db.transaction() as session:
            session.add(ScheduledRun(job=job, period=period[:32]))
            session.flush()  # the duplicate key fails here, before any work
            write(session)
    except IntegrityError:
        return False
    return True
