"""The inbox worker: one pending row per chat at a time, chats in parallel.

A handled row and all its effects (domain rows, audit rows, outbox rows) commit in one
transaction; so does its redaction, when its flow asked for one. A failing row is
retried with backoff, then parked as dead with an admin alert, so it never blocks the
rest of that chat's queue.

Rows are handled in batches: the head rows of up to ``batch_size`` chats share one
transaction (their reads prefetched in a few statements, their writes flushed together,
one commit), so each row still commits atomically with all of its effects, and a crash
before the commit redoes every row of the batch, never part of one. A row that raises
rolls the batch back: the rows before it are handled again without it, the failing row
then leads its own attempt, so its failure is recorded (retry with backoff, then dead)
exactly as if it had been handled alone. A batch whose commit fails is handled again one
row per transaction.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.crashpoints import crash_point
from core.clock import Clock
from core.notify import alert_admins
from core.replies import Reply
from handlers.inbound import Inbound
from storage.inbox import (
    InboxHead,
    lock_pending,
    lock_pending_row,
    mark_done,
    pending_heads,
    record_failure,
)
from storage.store import SqlStore
from storage.tables import InboxRow
from storage.uow import Sessions, unit_of_work

log = logging.getLogger(__name__)

Converter = Callable[[InboxRow], Inbound]


class InboxHandler(Protocol):
    """What the worker does with one inbound message.

    ``store`` works inside the row's transaction: whatever the handler writes commits
    with the row marked done, or not at all. It may be shared by the other rows of a batch.
    True: the row's payload is redacted as it is marked done (``FlowContext.redact_inbound``).
    """

    async def handle(self, inbound: Inbound, store: SqlStore, now: datetime) -> bool | None: ...


#: Chats whose head rows share one handling transaction.
BATCH_SIZE = 64
#: Handling transactions at a time. One: the bot is CPU-bound on one core, and on SQLite
#: concurrent write transactions only wait for each other's lock; with one at a time
#: batches grow larger (measured: 1.3-1.4 ms CPU per update against 1.5-1.7 with two).
TRANSACTIONS = 1


class InboxWorker:
    def __init__(self, sf: Sessions, clock: Clock, converters: dict[str, Converter],
                 handler: InboxHandler, *, workers: int, max_attempts: int, retry_base: float,
                 default_locale: str, on_committed: Callable[[], None] = lambda: None,
                 batch_size: int = BATCH_SIZE, transactions: int | None = None) -> None:
        self.sf, self.clock, self.converters, self.handler = sf, clock, converters, handler
        self.workers, self.max_attempts, self.retry_base = workers, max_attempts, retry_base
        self.batch_size = max(1, batch_size)
        # Handling transactions in parallel, each a batch of up to batch_size chats;
        # ``workers`` only caps it (it was the number of one-row transactions).
        self.transactions = transactions or max(1, min(workers, TRANSACTIONS))
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
        """Return at a wake-up that finds a handling transaction free.

        Under load every finished batch and every stored getUpdates batch wakes us; the
        caller's timeout bounds the wait.
        """
        while True:
            await self.wake.wait()
            if len(self._tasks) < self.transactions:
                return
            self.wake.clear()

    async def step(self) -> int:
        """Start handling every chat whose head row is due; return how many started."""
        free = self.transactions - len(self._tasks)
        if free <= 0:
            return 0
        now = self.clock.now()
        # A chat busy when the query starts may finish while it runs; the query may then
        # still show that finished row as the chat's head. Skip such chats this round
        # (their task's wake-up brings us back) instead of starting the done row again.
        busy_before = set(self._busy)
        due: list[InboxHead] = []
        for head in await pending_heads(
                self.sf, limit=free * self.batch_size + len(busy_before)):
            if len(due) >= free * self.batch_size:
                break
            if head.chat_key in self._busy or head.chat_key in busy_before:
                continue
            if head.next_attempt_at and head.next_attempt_at > now:
                continue
            due.append(head)
        # Spread the due chats over the free transactions (no tiny trailing batch).
        n = min(free, -(-len(due) // self.batch_size))
        for k in range(n):
            batch = due[k::n]
            self._busy.update(h.chat_key for h in batch)
            task = asyncio.create_task(self._handle_batch(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(due)

    async def drain(self) -> None:
        """Handle until nothing is due (tests and one-shot runs)."""
        while await self.step() or self._tasks:
            if self._tasks:
                await asyncio.wait(set(self._tasks), return_when=asyncio.FIRST_COMPLETED)

    async def _handle_batch(self, heads: list[InboxHead]) -> None:
        try:
            todo = [sorted(h.id for h in heads)]
            while todo:
                ids = todo.pop(0)
                todo[:0] = await self._batch_once(ids)
        finally:
            self._busy.difference_update(h.chat_key for h in heads)
            # Out of the running set before the wake-up, not after (the done callback
            # runs only after the woken loop has looked): else the loop wakes to find no
            # transaction free, drops the wake-up and looks again only after the idle wait.
            self._tasks.discard(asyncio.current_task())
            self.wake.set()

    async def _batch_once(self, ids: list[int]) -> list[list[int]]:
        """Handle these rows in one transaction; return the id lists still to handle."""
        if len(ids) == 1:
            await self._handle(ids[0])
            return []
        at = -1  # the row being converted or handled; -1: not a row's doing
        try:
            async with unit_of_work(self.sf) as uow:
                rows = await lock_pending(uow, ids)
                ids = [r.id for r in rows]
                inbounds = []
                for at, row in enumerate(rows):
                    inbounds.append(self._convert(row))
                at = -1
                store = uow.store
                await store.prefetch(
                    conversations=[(i.channel, i.chat_id) for i in inbounds],
                    identities=[(i.channel, i.user_id) for i in inbounds if i.user_id],
                    recent_chat_keys=[i.chat_key for i in inbounds])
                now = self.clock.now()
                for at, (row, inbound) in enumerate(zip(rows, inbounds)):
                    redact = await self.handler.handle(inbound, store, now)
                    mark_done(row, now, redact=bool(redact))
                    crash_point("mid_handling")
                at = -1
        except Exception as exc:  # noqa: BLE001 - isolated below, recorded on the row
            if at < 0:  # reading, prefetching or committing: no row to blame
                log.warning("a batch of %d inbox rows failed (%s: %s); handling them one by "
                            "one", len(ids), type(exc).__name__, exc)
                return [[i] for i in ids]
            if at == 0:  # the batch's first row: nothing else was handled before it
                log.exception("inbox row %s failed", ids[0])
                await self._record_failure(ids[0], exc)
                return [ids[1:]] if len(ids) > 1 else []
            # The rows before it again, without it; then it leads its own attempt.
            return [ids[:at], ids[at:]]
        self.handled += len(rows)
        self.on_committed()
        return []

    def _convert(self, row: InboxRow) -> Inbound:
        convert = self.converters.get(row.channel)
        if convert is None:
            raise RuntimeError(f"no converter for channel {row.channel!r}")
        return convert(row)

    async def _handle(self, row_id: int) -> None:
        """One row in its own transaction; a failure is recorded on the row."""
        try:
            await self._handle_once(row_id)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row
            log.exception("inbox row %s failed", row_id)
            await self._record_failure(row_id, exc)

    async def _handle_once(self, row_id: int) -> None:
        async with unit_of_work(self.sf) as uow:
            row = await lock_pending_row(uow, row_id)
            if row is None:
                return
            now = self.clock.now()
            inbound = self._convert(row)
            redact = await self.handler.handle(inbound, uow.store, now)
            mark_done(row, now, redact=bool(redact))
            crash_point("mid_handling")
        self.handled += 1
        self.on_committed()

    async def _record_failure(self, row_id: int, exc: Exception) -> None:
        now = self.clock.now()
        async with unit_of_work(self.sf) as uow:
            outcome = await record_failure(uow, row_id, f"{type(exc).__name__}: {exc}", now,
                                           max_attempts=self.max_attempts,
                                           retry_base=self.retry_base)
            if outcome is None:
                return
            if outcome == "dead":
                # A sentence, never the exception (it stays on the row for `bot status`).
                await alert_admins(uow.store, Reply("admin.dead_inbox", {
                    "id": row_id}), now=now, default_locale=self.default_locale)
        self.on_committed()
