"""Database engine and the per-request session, without Flask-SQLAlchemy.

One SQLModel `Session` per application context. On SQLite, a request that may
write (any unsafe HTTP method, any CLI command) begins with BEGIN IMMEDIATE so
concurrent read-modify-write transactions queue up instead of losing updates.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import suppress
from copy import copy
from dataclasses import dataclass

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import (
    DatabaseError,
    DBAPIError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlmodel import Session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_EXTENSION_KEY = "factcheck.db"
_WRITE_OPTION = "factcheck_write"
# session.info: the side effects noted when each open savepoint began, innermost last.
_SAVEPOINTS = "factcheck.savepoint_effects"


@dataclass(frozen=True)
class _Engines:
    read: Engine
    write: Engine


def make_engine(url: str) -> Engine:
    """Create an engine with the settings this product relies on for `url`."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control from pysqlite so we can choose BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # First, so that switching to WAL waits for a busy database like every statement.
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


_SQLITE_OUTAGES = ("unable to open", "database is locked", "disk i/o error", "not a database",
                   "readonly database", "database or disk is full", "malformed")


def database_unavailable(error: BaseException) -> bool:
    """True when `error` means the database cannot be reached or used, not a faulty query."""
    if isinstance(error, PoolTimeoutError):  # every pooled connection busy for too long
        return True
    if not isinstance(error, DBAPIError):
        return False
    if isinstance(error.orig, sqlite3.Error):
        # SQLite raises OperationalError for "no such table" and syntax errors too: those
        # are bugs (500), not outages.
        return any(sign in str(error.orig).lower() for sign in _SQLITE_OUTAGES)
    # OperationalError: refused or dropped connections, a server shutting down, SQLite's
    # "unable to open database file" and "database is locked". A plain DatabaseError is
    # SQLite's "file is not a database" (a damaged or foreign file).
    return (error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)
            or type(error) is DatabaseError)


class Database:
    """Flask extension holding the engines and handing out the request's session.

    Side effects of a write (forgetting cached pages, later enqueueing jobs) are noted by
    the workflow in `session.info[key]` and run by the hook registered for `key` once the
    transaction commits; a rollback drops them, so a failed request causes nothing.
    """

    def __init__(self) -> None:
        self._after_commit: dict[str, Callable[[set], None]] = {}
        self._before_commit: dict[str, Callable[[Session, list], None]] = {}

    def before_commit(self, key: str, hook: Callable[[Session, list], None]) -> None:
        """Run `hook(session, values)` just before a session that noted `values` under `key`
        commits: what the hook writes (jobs) commits or rolls back with the work itself.

        Commit with `session.commit()`: a transaction committed from its root while a
        savepoint is still open would skip the hooks (none of our code does that)."""
        self._before_commit[key] = hook

    def after_commit(self, key: str, hook: Callable[[set], None]) -> None:
        """Run `hook(values)` after each outermost commit of a session that noted `values`
        under `key` (never at a savepoint's release)."""
        self._after_commit[key] = hook

    def init_app(self, app: Flask) -> None:
        """Create the engines for `app` and close sessions at the end of each context."""
        engine = make_engine(app.config["DATABASE_URL"])
        write = engine.execution_options(**{_WRITE_OPTION: True})
        app.extensions[_EXTENSION_KEY] = _Engines(read=engine, write=write)
        app.teardown_appcontext(self._close_session)

    def engine_for(self, app: Flask | None = None, *, write: bool = True) -> Engine:
        """The engine of `app` (default: the current app)."""
        engines: _Engines = (app or current_app).extensions[_EXTENSION_KEY]
        return engines.write if write else engines.read

    @property
    def session(self) -> Session:
        """The session of the current application context, opened on first use."""
        if "_db_session" not in g:
            write = not (has_request_context() and request.method in SAFE_METHODS)
            session = Session(self.engine_for(write=write))
            event.listen(session, "before_commit", self._run_before_commit)
            event.listen(session, "after_commit", self._run_after_commit)
            event.listen(session, "after_rollback", self._drop_side_effects)
            event.listen(session, "after_transaction_create", self._remember_side_effects)
            event.listen(session, "after_transaction_end", self._forget_savepoint)
            g._db_session = session
        return g._db_session

    def _run_before_commit(self, session: Session) -> None:
        # SQLAlchemy also fires the commit events when a savepoint is released: only the
        # outermost commit makes the work visible to other connections (a keyed job handed
        # over at its savepoint reached workers that could not see it yet).
        if session.in_nested_transaction():
            return
        for key, hook in self._before_commit.items():
            values = session.info.pop(key, None)
            if values:
                hook(session, values)

    def _run_after_commit(self, session: Session) -> None:
        if session.in_nested_transaction():  # a savepoint released: nothing is visible yet
            return
        for key, hook in self._after_commit.items():
            values = session.info.pop(key, None)
            if values:
                hook(values)

    def _keys(self) -> tuple[str, ...]:
        return (*self._before_commit, *self._after_commit)

    def _drop_side_effects(self, session: Session) -> None:
        savepoints = session.info.get(_SAVEPOINTS)
        if session.in_nested_transaction() and savepoints:
            # A savepoint rolled back (SQLAlchemy fires this event for it too): only what
            # was noted inside it is undone; what the transaction noted before stays.
            for key, values in savepoints[-1].items():
                if values is None:
                    session.info.pop(key, None)
                else:
                    session.info[key] = copy(values)
            return
        for key in self._keys():
            session.info.pop(key, None)

    def _remember_side_effects(self, session: Session, transaction) -> None:
        if transaction.nested:
            noted = {key: copy(session.info.get(key)) for key in self._keys()}
            session.info.setdefault(_SAVEPOINTS, []).append(noted)

    @staticmethod
    def _forget_savepoint(session: Session, transaction) -> None:
        savepoints = session.info.get(_SAVEPOINTS)
        if transaction.nested and savepoints:
            savepoints.pop()

    def close_session(self) -> None:
        """End the current context's session now (before a long-running command serves)."""
        self._close_session(None)

    def discard_session(self) -> None:
        """Drop the current session after an outage; its dead connection may fail to close."""
        session: Session | None = g.pop("_db_session", None)
        if session is not None:
            with suppress(SQLAlchemyError):
                session.close()

    def dispose(self, app: Flask) -> None:
        """Close every pooled connection of `app` (tests, forked workers)."""
        self.engine_for(app, write=False).dispose()

    @staticmethod
    def _close_session(exc: BaseException | None) -> None:
        session: Session | None = g.pop("_db_session", None)
        if session is not None:
            # Anything not committed by the view is abandoned, never half-written.
            session.rollback()
            session.close()
