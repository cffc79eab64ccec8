"""Which process runs the jobs that must run once (sweeps, digests, reports).

On PostgreSQL: whoever holds a session-level advisory lock, on a connection of its own. When the
leader dies its connection closes, the lock goes with it, and the next process to ask takes over.
On SQLite there is one process by design, so it always leads.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("ticketbot.leader")

LOCK_KEY = 0x7469636B  # "tick"


class Leadership:
    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def is_leader(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.execute(text("SELECT 1"))
                    self._conn.commit()  # never sit "idle in transaction" while leading
                    return True
                except SQLAlchemyError:
                    log.warning("lost the leader connection; trying to lead again")
                    self._drop()
            return self._try_acquire()

    def _try_acquire(self) -> bool:
        conn = self.engine.connect()
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
            conn.commit()  # keep no transaction open; the lock lives with the session
        except BaseException:
            conn.close()
            raise
        if got:
            self._conn = conn
            log.info("this process now runs the once-only jobs")
            return True
        conn.close()
        return False

    def release(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                    self._conn.commit()
                except SQLAlchemyError:
                    log.debug("could not unlock cleanly; closing the connection releases it", exc_info=True)
                self._drop()

    def _drop(self) -> None:
        try:
            self._conn.invalidate()  # never back to the pool: a pooled session would keep the lock
            self._conn.close()
        finally:
            self._conn = None
