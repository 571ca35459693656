"""Engine and session factory, with the SQLite settings a queue-heavy app needs."""
from __future__ import annotations

import sqlite3
from collections import deque
from pathlib import Path
from typing import Any, TypeAlias

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.sqlite import aiosqlite as sa_aiosqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

#: The engine of one database, as the process holds it (to dispose of it at the end).
Engine: TypeAlias = AsyncEngine


class _OneHopCursor(sa_aiosqlite.AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor, with each statement one job on the driver's thread.

    The stock adapter awaits cursor(), execute(), fetchall() and close() separately: four
    round trips to aiosqlite's thread per SELECT, three per write, each waking the event
    loop. Doing the same calls in one job gives the same results and errors with one.
    """

    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> None:
        connection = self._connection

        def run() -> tuple[Any, Any, Any, Any]:
            cursor = connection._conn.cursor()
            try:
                if parameters is None:
                    cursor.execute(operation)
                else:
                    cursor.execute(operation, parameters)
                description = cursor.description
                rows = cursor.fetchall() if description else None
                return description, rows, cursor.lastrowid, cursor.rowcount
            finally:
                cursor.close()

        try:
            description, rows, lastrowid, rowcount = self.await_(connection._execute(run))
        except Exception as error:  # noqa: BLE001 - mapped exactly as the stock cursor does
            self._adapt_connection._handle_exception(error)
        if description:
            self.description = description
            self.lastrowid = self.rowcount = -1
            self._rows = deque(rows)
        else:
            self.description = None
            self.lastrowid, self.rowcount = lastrowid, rowcount

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        connection = self._connection

        def run() -> tuple[Any, Any]:
            cursor = connection._conn.cursor()
            try:
                cursor.executemany(operation, seq_of_parameters)
                return cursor.lastrowid, cursor.rowcount
            finally:
                cursor.close()

        try:
            lastrowid, rowcount = self.await_(connection._execute(run))
        except Exception as error:  # noqa: BLE001
            self._adapt_connection._handle_exception(error)
        self.description = None
        self.lastrowid, self.rowcount = lastrowid, rowcount


class _OneHopConnection(sa_aiosqlite.AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> Any:
        return super().cursor(server_side) if server_side else _OneHopCursor(self)


class _OneHopDBAPI(sa_aiosqlite.AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> Any:
        adapted = super().connect(*arg, **kw)
        if type(adapted) is sa_aiosqlite.AsyncAdapt_aiosqlite_connection:
            return _OneHopConnection(self, adapted._connection)
        return adapted


def _aiosqlite_module() -> Any:
    """The driver module for SQLite engines: one thread round trip per statement when this
    aiosqlite still has the internals it relies on, else SQLAlchemy's stock adapter."""
    if hasattr(aiosqlite.Connection, "_execute") and hasattr(aiosqlite.Connection, "_conn"):
        return _OneHopDBAPI(aiosqlite, sqlite3)
    return sa_aiosqlite.AsyncAdapt_aiosqlite_dbapi(aiosqlite, sqlite3)


class DatabaseFolderError(Exception):
    """The folder of a SQLite database file does not exist and cannot be created."""

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(f"cannot create {folder}: {reason}")
        self.folder, self.reason = folder, reason


class DatabaseUnavailable(Exception):
    """The database of ``[database] url`` cannot be used, for a reason the operator can fix:
    ``key`` (a locale key of ``[database_error]``) and ``params`` say which and what to do."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key, params)
        self.key, self.params = key, params


def unavailable(exc: BaseException, url: str) -> DatabaseUnavailable | None:
    """``exc`` (or an error it wraps) as a missing PostgreSQL database, a refused login or
    an unreachable server; None when it is anything else."""
    from asyncpg import exceptions as pg

    u = make_url(url)
    if u.get_backend_name() != "postgresql":
        return None
    host = f"{u.host or 'localhost'}:{u.port or 5432}"
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, pg.InvalidCatalogNameError):
            return DatabaseUnavailable("database_error.missing", database=u.database or "")
        if isinstance(e, (pg.InvalidPasswordError, pg.InvalidAuthorizationSpecificationError)):
            return DatabaseUnavailable("database_error.login", host=host, user=u.username or "")
        if isinstance(e, OSError):  # refused, unknown host, timed out
            return DatabaseUnavailable("database_error.refused", host=host,
                                       reason=e.strerror or str(e) or type(e).__name__)
        orig = getattr(e, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
        todo += [e.__cause__, e.__context__, orig if isinstance(orig, BaseException) else None]
    return None


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite database file (``var/`` on a fresh clone), so the
    first connection can create the file. Anything but a SQLite file: nothing to do.

    Every path that opens a database calls this: make_engine, the Alembic environment
    (which makes its own engine) and the command line before any command.
    """
    file = _sqlite_file(url)
    if file is None:
        return
    folder = file.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise DatabaseFolderError(folder.absolute(), "a file is in the way") from None
    except OSError as exc:
        raise DatabaseFolderError(folder.absolute(), exc.strerror or type(exc).__name__) from None


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for anything else (another database, memory,
    a ``file:`` URI)."""
    u = make_url(url)
    db = u.database
    if u.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def sqlite_file_missing(url: str) -> bool:
    """A SQLite URL whose file does not exist yet: connecting would create an empty one."""
    file = _sqlite_file(url)
    return file is not None and not file.exists()


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine. SQLite gets WAL (readers never block the writer)."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        ensure_sqlite_folder(url)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30},
                                     module=_aiosqlite_module())

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode is durable against a process crash (kill -9); only an OS
            # crash or power loss can lose the last commits.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            # Deleted content is overwritten, not left in free pages: a survey draft (a
            # person with their answers) must not outlive its deletion in the file
            # (docs/decisions/0020); not every SQLite build defaults to it.
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        return engine
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True)


def make_null_pool_engine(url: str) -> AsyncEngine:
    """For one-shot CLI commands and migrations."""
    ensure_sqlite_folder(url)
    return create_async_engine(url, poolclass=NullPool)


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def shown_url(url: str) -> str:
    """A database URL as the operator may read it: any password masked."""
    return make_url(url).render_as_string(hide_password=True)
