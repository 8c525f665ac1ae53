"""Database plumbing that every blueprint shares.

SQLite is the embedded default. It gets WAL (readers never block the writer),
``foreign_keys=ON`` and a busy timeout. A deferred SQLite transaction that reads
and then writes can fail at once with "database is locked" when another writer
got there first, because SQLite will not wait for a lock it could deadlock on;
so transactions that intend to write start with ``BEGIN IMMEDIATE`` and queue
on the busy timeout instead. A request with an unsafe method (POST, PUT, ...)
intends to write; CLI commands and jobs say so with :func:`write_intent`.
PostgreSQL needs none of this.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import g
from sqlalchemy import DateTime, TypeDecorator, event
from sqlalchemy.engine import Connection, Engine

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)

SQLITE_BUSY_TIMEOUT_MS = 15000


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (what every timestamp column stores)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back as an aware UTC datetime.

    SQLite has no time zones and would hand back naive values; PostgreSQL's
    ``timestamptz`` would hand back aware ones. This type makes both the same.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store aware datetimes converted to UTC; refuse naive ones (their zone is a guess)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Read back an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@contextlib.contextmanager
def write_intent() -> Iterator[None]:
    """Make SQLite transactions begun inside this block start with BEGIN IMMEDIATE."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def set_write_intent(value: bool) -> None:
    """Set the write intent for the current context (used per request)."""
    _write_intent.set(value)


def request_connection() -> Connection:
    """This request's own Core connection, outside the ORM session; closed when the request ends.

    For the hottest JSON path (a judge's mark): a session's transaction costs
    several times what a Core connection's does, and the mark write needs none of
    the ORM. Transactions on it are the caller's to commit or roll back; one left
    open is rolled back at the end of the request. On PostgreSQL it runs in
    autocommit, one round trip per statement and none for BEGIN or COMMIT, so
    only single-statement writes belong on it there.
    """
    conn = g.get("_request_connection")
    if conn is None:
        from competitions.extensions import db

        conn = db.engine.connect()
        if conn.dialect.name == "postgresql":
            # Each statement its own transaction: the reads need no more, and every write on this
            # connection is a single guarded statement (see judging.services._write).
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        g._request_connection = conn
    return conn


def close_request_connection(_error: BaseException | None = None) -> None:
    """Return the request's Core connection to the pool (teardown)."""
    conn = g.pop("_request_connection", None)
    if conn is not None:
        conn.close()


def configure_sqlite(engine: Engine) -> None:
    """Install the pragmas and the BEGIN handling on an SQLite engine."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN itself, so it can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Straight to the driver: this runs once per transaction, and needs no result or events.
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")
