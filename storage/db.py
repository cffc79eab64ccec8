"""Engine and session factory, created once per process; one session per unit of work."""

from __future__ import annotations

import select
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.orm import Session, sessionmaker

COMMIT_HOOKS = "after_commit_hooks"
ON_COMMIT = "after_commit_callables"
PING_IDLE_SECONDS = 30.0  # a pooled connection idle for longer is pinged before it is used
IDLE_SINCE = "idle_since"


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        # Bolt listeners and the dispatcher run on worker threads: let connections cross them
        # (each is used by one session at a time) and wait for the writer lock, not fail.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own BEGIN handling defers the write lock; BEGIN IMMEDIATE takes it at the
        # start, so two writers queue on busy_timeout instead of deadlocking on an upgrade.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        event.listen(engine, "checkin", _note_idle)
        event.listen(engine, "checkout", _ping_when_in_doubt)
    return engine


def _note_idle(_dbapi_connection, record) -> None:
    record.info[IDLE_SINCE] = time.monotonic()


def _ping_when_in_doubt(dbapi_connection, record, _proxy) -> None:
    """Survive a database restart without a stale pool, as `pool_pre_ping` does, without its
    round trip on every checkout (one per transaction: a filing, each step of a delivery).
    A connection is pinged only when in doubt: idle for long (a firewall may have dropped it), or
    readable while idle — the server closed it (a restart, `pg_terminate_backend`) or said why
    it will. A failed ping makes the pool drop its connections and try again with a new one."""
    idle_since = record.info.get(IDLE_SINCE)
    if idle_since is None:
        return  # just connected
    if time.monotonic() - idle_since <= PING_IDLE_SECONDS and not _readable(dbapi_connection):
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()  # end the transaction the ping began: the caller's is its own
    except Exception as error:
        # As pool_pre_ping does: after a restart every pooled connection is gone, not just this one.
        raise exc.InvalidatePoolError(f"a pooled connection is gone: {error}") from error


def _readable(dbapi_connection) -> bool:
    """True if the server sent something (or closed the socket) while nobody was asking."""
    try:
        poller = select.poll()  # not select(): it refuses descriptors past 1024
        poller.register(dbapi_connection.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError, AttributeError, psycopg.Error):  # psycopg: "the connection is closed"
        return True  # cannot tell: ping


def _sqlite_begin(conn) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # autocommit at the driver; SQLAlchemy's BEGIN rules
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    """The engine, its session factory, and what to do after a commit (wake the dispatcher)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._after_commit: list[Callable[[], None]] = []
        event.listen(self.sessions, "after_commit", self._run_commit_hooks)
        event.listen(self.sessions, "after_rollback", lambda session: session.info.pop(ON_COMMIT, None))

    @classmethod
    def from_url(cls, url: str, **kwargs) -> Database:
        return cls(make_engine(url, **kwargs))

    def on_commit(self, hook: Callable[[], None]) -> None:
        """Call `hook` after each commit of a session that asked for it (see `wake_after_commit`)."""
        self._after_commit.append(hook)

    def _run_commit_hooks(self, session: Session) -> None:
        for then in session.info.pop(ON_COMMIT, ()):
            then()
        if session.info.pop(COMMIT_HOOKS, False):
            for hook in self._after_commit:
                hook()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any exception."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def single_statement(self) -> Iterator[Connection]:
        """A connection for one write that needs no transaction around it (a single UPDATE is
        atomic by itself): on PostgreSQL in autocommit, one round trip instead of BEGIN, the
        statement and COMMIT. SQLite keeps its own BEGIN IMMEDIATE (see `_sqlite_begin`)."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.begin() as connection:
                yield connection
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work; on SQLite it does not take the writer lock."""
        # Closing (not rolling back) ends the transaction and keeps loaded objects readable.
        with self.sessions() as session:
            session.connection(execution_options={"sqlite_begin": "DEFERRED"})
            yield session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def once_committed(session: Session, then: Callable[[], None]) -> None:
    """Call `then()` if and once this session's transaction commits (never after a rollback)."""
    session.info.setdefault(ON_COMMIT, []).append(then)


def wake_after_commit(session: Session) -> None:
    """Mark the session so the commit hooks run once it commits (outbox rows were added)."""
    session.info[COMMIT_HOOKS] = True
