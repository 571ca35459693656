"""Shared fixtures: a migrated database on SQLite and on PostgreSQL for each test.

PostgreSQL comes from XQ_TEST_DATABASE_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1/test).
Each test run creates its own database on that server and drops it at the end, so runs
never see each other's rows. Under CI=true a missing server fails the run; elsewhere the
PostgreSQL tests skip and say why.
"""
from __future__ import annotations

import asyncio
import contextlib
import concurrent.futures
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.tables import Base

PG_ENV = "XQ_TEST_DATABASE_URL"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _admin_dsn(url: str) -> str:
    u = make_url(url)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


async def _pg_exec(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_admin_dsn(url), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _blocking(coro_fn, *args):  # noqa: ANN001, ANN202
    """Run a coroutine to completion on its own loop in a thread (fixtures may be in a loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn(*args))).result()


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required in CI but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason} "
                f"(set {PG_ENV}=postgresql+asyncpg://user@host:5432/db to run them)")


@contextlib.contextmanager
def fresh_pg_database(prefix: str) -> Iterator[str]:
    """An empty database of its own on the PostgreSQL server, dropped afterwards.

    Fails under CI and skips elsewhere (saying why) when the server is not available.
    """
    base = os.environ.get(PG_ENV)
    if not base:
        _unavailable(f"{PG_ENV} is not set")
    try:
        _blocking(_pg_exec, base, "SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any connection problem means "not available"
        _unavailable(f"the server at {make_url(base).host}:{make_url(base).port} "
                     f"is not reachable ({type(exc).__name__}: {exc})")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _blocking(_pg_exec, base, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        _blocking(_pg_exec, base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh, migrated database on the PostgreSQL server, dropped after the run."""
    with fresh_pg_database("xq_test") as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (much faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


async def _truncate(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path,
                 sqlite_template: Path) -> AsyncIterator[str]:
    """A migrated, empty database: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "xq.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_url")
        await _truncate(url)
        yield url


@pytest.fixture
async def sf(db_url: str) -> AsyncIterator:
    engine = make_engine(db_url)
    yield session_factory(engine)
    await engine.dispose()
