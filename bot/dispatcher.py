"""The inbox worker: one pending row per chat at a time, chats in parallel.

A handled row and all its effects (domain rows, audit rows, outbox rows) commit in one
transaction. A failing row is retried with backoff, then parked as dead with an admin
alert, so it never blocks the rest of that chat's queue.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.crashpoints import crash_point
from core.clock import Clock
from core.notify import alert_admins
from core.replies import Reply
from handlers.inbound import Inbound
from storage.inbox import pending_heads
from storage.store import SqlStore
from storage.tables import InboxRow

log = logging.getLogger(__name__)

Converter = Callable[[InboxRow], Inbound]
Handler = Callable[[Inbound, SqlStore, datetime], Awaitable[None]]


class InboxDispatcher:
    def __init__(self, sf: async_sessionmaker, clock: Clock, converters: dict[str, Converter],
                 handler: Handler, *, workers: int, max_attempts: int, retry_base: float,
                 default_locale: str, on_committed: Callable[[], None] = lambda: None) -> None:
        self.sf, self.clock, self.converters, self.handler = sf, clock, converters, handler
        self.workers, self.max_attempts, self.retry_base = workers, max_attempts, retry_base
        self.default_locale = default_locale
        self.on_committed = on_committed
        self.wake = asyncio.Event()
        self._busy: set[str] = set()
        self._tasks: set[asyncio.Task] = set()
        self.handled = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            # Cleared before looking, not after: a wake-up that arrives while step() waits
            # for the database must not be lost.
            self.wake.clear()
            await self.step()
            # Whether or not it started anything, the next look waits for a wake-up (new
            # rows stored, a chat finished): looking again at once finds nothing new.
            try:
                await asyncio.wait_for(self._worth_a_look(), timeout=self._idle_wait())
            except TimeoutError:
                pass
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _idle_wait(self) -> float:
        return 0.05 if self._tasks else 0.5

    async def _worth_a_look(self) -> None:
        """Return at a wake-up that finds at least a quarter of the workers free.

        Under load every finished row wakes us, and one look (pending_heads) per finished
        row was one of the main costs per update; letting a few workers free up first lets
        one look start several rows. An idle dispatcher looks at the first wake-up, and
        the caller's timeout bounds the wait when few workers free up.
        """
        room = max(1, self.workers // 4)
        while True:
            await self.wake.wait()
            if self.workers - len(self._busy) >= room:
                return
            self.wake.clear()

    async def step(self) -> int:
        """Start handling every chat whose head row is due; return how many started."""
        free = self.workers - len(self._tasks)
        if free <= 0:
            return 0
        now = self.clock.now()
        started = 0
        # A chat busy when the query starts may finish while it runs; the query may then
        # still show that finished row as the chat's head. Skip such chats this round
        # (their task's wake-up brings us back) instead of starting the done row again.
        busy_before = set(self._busy)
        for head in await pending_heads(self.sf, limit=self.workers * 4):
            if started >= free:
                break
            if head.chat_key in self._busy or head.chat_key in busy_before:
                continue
            if head.next_attempt_at and head.next_attempt_at > now:
                continue
            self._busy.add(head.chat_key)
            task = asyncio.create_task(self._handle(head.id, head.chat_key))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            started += 1
        return started

    async def drain(self) -> None:
        """Handle until nothing is due (tests and one-shot runs)."""
        while await self.step() or self._tasks:
            if self._tasks:
                await asyncio.wait(set(self._tasks), return_when=asyncio.FIRST_COMPLETED)

    async def _handle(self, row_id: int, chat_key: str) -> None:
        try:
            await self._handle_once(row_id)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row
            log.exception("inbox row %s failed", row_id)
            await self._record_failure(row_id, exc)
        finally:
            self._busy.discard(chat_key)
            self.wake.set()

    async def _handle_once(self, row_id: int) -> None:
        async with self.sf() as session, session.begin():
            row = (await session.execute(select(InboxRow).where(InboxRow.id == row_id)
                                         .with_for_update())).scalar_one_or_none()
            if row is None or row.status != "pending":
                return
            convert = self.converters.get(row.channel)
            if convert is None:
                raise RuntimeError(f"no converter for channel {row.channel!r}")
            now = self.clock.now()
            await self.handler(convert(row), SqlStore(session), now)
            row.status, row.handled_at = "done", now
            crash_point("mid_handling")
        self.handled += 1
        self.on_committed()

    async def _record_failure(self, row_id: int, exc: Exception) -> None:
        now = self.clock.now()
        async with self.sf() as session, session.begin():
            row = await session.get(InboxRow, row_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if row.attempts >= self.max_attempts:
                row.status = "dead"
                await alert_admins(SqlStore(session), Reply("admin.dead_inbox", {
                    "id": row.id, "error": row.last_error[:300]}), now=now,
                    default_locale=self.default_locale)
            else:
                row.next_attempt_at = now + timedelta(
                    seconds=self.retry_base * 2 ** (row.attempts - 1))
        self.on_committed()
