"""Migrations on SQLite and PostgreSQL: the "stairway" and the schema-versus-models check.

Stairway: for every revision, upgrade to it, downgrade one step, upgrade again. A downgrade
that leaves a table or an index behind makes the second upgrade fail, and an operator who
rolls back a bad release finds out here rather than in production.

Each test gets its own empty database: a temp SQLite file, or a fresh database on the
PostgreSQL server from XQ_TEST_DATABASE_URL that is dropped afterwards.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storage.migrate import downgrade, revisions, upgrade
from storage.tables import Base
from tests.conftest import fresh_pg_database

REVISIONS = revisions()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database that has never seen a migration."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}"
        return
    with fresh_pg_database("xq_migr") as url:
        yield url


def _on_connection(url: str, fn: Any) -> Any:
    """Run ``fn(sync_connection)`` against ``url`` (the engines are async)."""
    async def go() -> Any:
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()
    return asyncio.run(go())


def _snapshot(conn: Connection) -> dict[str, Any]:
    """Tables with their columns, indexes, unique constraints and foreign keys."""
    insp = inspect(conn)
    out: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        out[table] = {
            "columns": sorted((c["name"], str(c["type"]), c["nullable"])
                              for c in insp.get_columns(table)),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in insp.get_indexes(table)),
            "uniques": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"])
                          for f in insp.get_foreign_keys(table)),
        }
    return out


def _schema(url: str) -> dict[str, Any]:
    return _on_connection(url, _snapshot)


def _current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _diff(conn: Connection) -> list[Any]:
    ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                 "compare_server_default": False})
    return compare_metadata(ctx, Base.metadata)


def test_there_is_at_least_one_revision_and_one_head() -> None:
    assert REVISIONS, "no migrations found"
    assert len(set(REVISIONS)) == len(REVISIONS)


def test_stairway_upgrade_downgrade_upgrade_every_revision(empty_url: str) -> None:
    before: dict[str | None, dict[str, Any]] = {None: _schema(empty_url)}
    previous: str | None = None
    for rev in REVISIONS:
        upgrade(empty_url, rev)
        assert _on_connection(empty_url, _current) == rev
        after = _schema(empty_url)

        downgrade(empty_url, previous or "base")
        assert _on_connection(empty_url, _current) == previous
        # The downgrade restores exactly the schema the previous revision had (the
        # alembic_version bookkeeping table aside).
        restored = {k: v for k, v in _schema(empty_url).items() if k != "alembic_version"}
        expected = {k: v for k, v in before[previous].items() if k != "alembic_version"}
        assert restored == expected, f"downgrade of {rev} left the schema changed"

        upgrade(empty_url, rev)
        assert _on_connection(empty_url, _current) == rev
        assert _schema(empty_url) == after, f"re-upgrade to {rev} differs from the first"
        before[rev] = after
        previous = rev


def test_base_downgrade_removes_every_model_table(empty_url: str) -> None:
    upgrade(empty_url, "head")
    downgrade(empty_url, "base")
    left = set(_schema(empty_url)) & set(Base.metadata.tables)
    assert left == set()


def test_head_schema_matches_the_models(empty_url: str) -> None:
    upgrade(empty_url, "head")
    assert set(Base.metadata.tables) <= set(_schema(empty_url))
    assert _on_connection(empty_url, _diff) == []
