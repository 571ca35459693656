"""Long polling into the inbox: store the batch, commit, and only then confirm it.

Telegram confirms an update when the next getUpdates asks for a higher offset. We ask for
that offset only after the batch is committed, so a crash before the commit means Telegram
sends the batch again; the inbox's unique key drops what was already stored. The next
offset comes from the batch just fetched, never from the largest stored id: Telegram
restarts ids at random after a week without updates.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramServerError

from bot.crashpoints import crash_point
from bot.telegram.convert import CHANNEL, chat_key_of
from core.clock import Clock
from storage.inbox import NewUpdate, store_updates
from storage.uow import Sessions

log = logging.getLogger(__name__)
ALLOWED = ["message", "callback_query", "edited_message", "my_chat_member"]


class TelegramPoller:
    def __init__(self, bot: Bot, sf: Sessions, clock: Clock, *, timeout: int,
                 on_stored: Callable[[], None] = lambda: None) -> None:
        self.bot, self.sf, self.clock, self.timeout = bot, sf, clock, timeout
        self.on_stored = on_stored
        self.offset: int | None = None
        self.stored = 0

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                await self.poll_once()
                backoff = 1.0
            except (TelegramNetworkError, TelegramServerError, OSError) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0fs", exc, backoff)
                await self._pause(stop, backoff)
                backoff = min(backoff * 2, 30.0)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a bug must not stop polling for good
                log.exception("polling failed; retrying in %.0fs", backoff)
                await self._pause(stop, backoff)
                backoff = min(backoff * 2, 30.0)

    @staticmethod
    async def _pause(stop: asyncio.Event, seconds: float) -> None:
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def poll_once(self) -> int:
        updates = await self.bot.get_updates(offset=self.offset, timeout=self.timeout,
                                             allowed_updates=ALLOWED,
                                             request_timeout=self.timeout + 10)
        if not updates:
            return 0
        batch = []
        for u in updates:
            payload = u.model_dump(mode="json", by_alias=True, exclude_none=True,
                                   exclude_unset=True)
            batch.append(NewUpdate(str(u.update_id), chat_key_of(payload), payload))
        new = await store_updates(self.sf, CHANNEL, str(self.bot.id), batch, self.clock.now())
        crash_point("after_store")
        self.stored += new
        self.offset = updates[-1].update_id + 1
        self.on_stored()
        return new
