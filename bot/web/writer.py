"""Group commit for the web chat's POSTs: messages that arrive together are stored in one
transaction, and each request is answered (202) only once its own row is committed.

Telegram's poller stores a whole getUpdates batch per transaction; without this every web
message paid for a transaction of its own (bench/web.py). While one batch commits, the
next requests queue up and go in the following one, so the batching grows with the load
and costs a lone message nothing but one loop turn.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable

from core.clock import Clock
from storage.inbox import NewUpdate, store_new_updates
from storage.uow import Sessions

MAX_BATCH = 256


class InboxWriter:
    def __init__(self, sf: Sessions, clock: Clock, channel: str, bot_id: str,
                 on_stored: Callable[[], None] = lambda: None) -> None:
        self.sf, self.clock, self.channel, self.bot_id = sf, clock, channel, bot_id
        self.on_stored = on_stored
        self._pending: list[tuple[NewUpdate, asyncio.Future[bool]]] = []
        self._task: asyncio.Task | None = None

    async def store(self, update: NewUpdate) -> bool:
        """Store one message durably; True if new, False for a repeat of a stored one."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((update, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # requests that arrived in this loop turn join the batch
        while self._pending:
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            try:
                new = await store_new_updates(self.sf, self.channel, self.bot_id,
                                              [u for u, _ in batch], self.clock.now())
            except Exception as exc:  # each waiting request fails (500); its client retries
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            seen: set[str] = set()
            for update, future in batch:
                # A retry inside the same batch is the duplicate, not a second new row.
                fresh = update.update_id in new and update.update_id not in seen
                seen.add(update.update_id)
                if not future.done():  # its client may have gone meanwhile
                    future.set_result(fresh)
            if new:
                self.on_stored()
