"""Run Alembic migrations programmatically, so no alembic.ini is needed at run time."""
from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from storage.db import unavailable

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def revisions(url: str = "sqlite+aiosqlite://") -> list[str]:
    """All revision ids, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(url))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _in_thread(fn, *args) -> None:  # noqa: ANN001
    # env.py calls asyncio.run(); inside a running loop that must happen on another thread.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        fn(*args)
        return
    import threading

    errors: list[BaseException] = []

    def target() -> None:
        try:
            fn(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised below in the caller
            errors.append(exc)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if errors:
        raise errors[0]


def upgrade(url: str, revision: str = "head") -> None:
    _in_thread(command.upgrade, alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    _in_thread(command.downgrade, alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    """Upgrade; the first connection of every command, so a database that cannot be used
    raises storage.db.DatabaseUnavailable (one sentence for the operator)."""
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(url), revision)
    except Exception as exc:
        problem = unavailable(exc, url)
        if problem is None:
            raise
        raise problem from exc


async def downgrade_async(url: str, revision: str) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(url), revision)
