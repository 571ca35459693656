"""The unit of work: the one place that opens a transaction and commits it.

Everything outside ``storage/`` reaches the database through this module and never
imports SQLAlchemy (``tests/unit/test_architecture.py``)::

    async with unit_of_work(db) as uow:
        await uow.store.audit(...)           # core.ports.Store, over this transaction
        rows = await uow.outbox.due(...)     # the storage area a process needs

Leaving the block commits; an exception rolls everything back. ``Sessions`` is what the
processes hold (built once by ``storage.db.session_factory``), so their signatures name
a storage type, not a SQLAlchemy one.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ports import Store
from storage.store import SqlStore

if TYPE_CHECKING:  # the area stores import this module (Sessions): loaded when first used
    from storage.web_store import WebStore

#: The session factory of one database: what bot/ and scheduler/ pass around.
Sessions: TypeAlias = "async_sessionmaker[AsyncSession]"


class UnitOfWork:
    """One transaction and the stores that work inside it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._store: SqlStore | None = None
        self._web: WebStore | None = None

    @property
    def store(self) -> SqlStore:
        """The use cases' port (core.ports.Store) over this transaction."""
        if self._store is None:
            self._store = SqlStore(self.session)
        return self._store

    @property
    def web(self) -> WebStore:
        """The web chat's tokens, history and people (storage/web_store.py)."""
        if self._web is None:
            from storage.web_store import WebStore

            self._web = WebStore(self.session)
        return self._web


@asynccontextmanager
async def unit_of_work(sessions: Sessions) -> AsyncIterator[UnitOfWork]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    async with sessions() as session, session.begin():
        yield UnitOfWork(session)


@asynccontextmanager
async def read_only(sessions: Sessions) -> AsyncIterator[UnitOfWork]:
    """A session for reads only: nothing is committed (for pages and status reports)."""
    async with sessions() as session:
        yield UnitOfWork(session)


def _conforms(store: SqlStore) -> Store:
    """Never called: mypy checks here that SqlStore implements the port core.ports.Store
    (every method a use case or a flow may call, with the same signature)."""
    return store
