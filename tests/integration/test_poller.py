"""The poller confirms a batch to Telegram only after the inbox has committed it."""
from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

import bot.telegram.poller as poller_module
from bot.telegram.poller import TelegramPoller
from core.clock import SystemClock
from storage.tables import InboxRow
from tests.support.fake_bot_api import FakeBotAPI

TOKEN = "42:POLLER-test"


class StoreDown(Exception):
    pass


async def _stored_ids(sf) -> list[str]:  # noqa: ANN001
    async with sf() as s:
        return sorted((await s.execute(select(InboxRow.update_id))).scalars())


async def test_a_store_failure_between_fetch_and_store_loses_nothing(
        sf, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    real_store = poller_module.store_updates
    failures = []

    async def store_once_failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if not failures:
            failures.append(1)
            raise StoreDown("database unavailable")
        return await real_store(*args, **kwargs)

    monkeypatch.setattr(poller_module, "store_updates", store_once_failing)
    async with FakeBotAPI(token=TOKEN) as api:
        ids = [api.push_text(700 + i, f"消息 {i}") for i in range(3)]
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
        poller = TelegramPoller(bot, sf, SystemClock(), timeout=0)
        try:
            with pytest.raises(StoreDown):
                await poller.poll_once()
            assert await _stored_ids(sf) == []
            # Nothing was confirmed: the next poll gets the same three updates again.
            assert await poller.poll_once() == 3
            assert await _stored_ids(sf) == sorted(str(i) for i in ids)
            assert poller.offset == ids[-1] + 1
            # The offset after the stored batch confirms it: Telegram forgets it only now.
            assert await poller.poll_once() == 0
            assert api.pending_updates() == []
        finally:
            await bot.session.close()
