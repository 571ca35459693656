"""The poller confirms a batch to Telegram only after the inbox has committed it."""
from __future__ import annotations

import asyncio
import logging

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


async def test_polling_backs_off_doubling_to_30_s_and_resets_after_a_success(
        sf, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    """Telegram down (5xx), then a bug (an unexpected exception), then up again: the
    poller waits 1, 2, 4 ... at most 30 s between tries, says why each time, starts over
    at 1 s after a success, and stores what arrives in the end."""
    async with FakeBotAPI(token=TOKEN) as api:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
        poller = TelegramPoller(bot, sf, SystemClock(), timeout=0)
        stop = asyncio.Event()
        pauses: list[float] = []
        real_store = poller_module.store_updates
        broken = {"store": 0}

        async def pause(event: asyncio.Event, seconds: float) -> None:
            assert event is stop
            pauses.append(seconds)
            if len(pauses) == 7:  # Telegram comes back
                api.clear_faults()

        async def store(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if broken["store"]:
                broken["store"] -= 1
                raise RuntimeError("a bug")
            new = await real_store(*args, **kwargs)
            if len(await _stored_ids(sf)) == 1:  # a success; then a bug on the next batch
                broken["store"] = 1
                api.push_text(801, "终于好了")
            else:
                stop.set()
            return new

        monkeypatch.setattr(poller, "_pause", pause)
        monkeypatch.setattr(poller_module, "store_updates", store)
        api.push_text(800, "你好")
        api.inject("getUpdates", 502, count=None)
        caplog.set_level(logging.WARNING, logger=poller_module.__name__)
        try:
            await asyncio.wait_for(poller.run(stop), 30)
        finally:
            await bot.session.close()
    assert pauses == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 1.0]
    assert await _stored_ids(sf) == sorted(str(u) for u in (1000, 1001))
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0].startswith("getUpdates failed (") and messages[0].endswith(
        "); retrying in 1s"), messages[0]
    assert "Bad Gateway" in messages[0] and messages[5].endswith("retrying in 30s")
    assert messages[7] == "polling failed; retrying in 1s"
    assert caplog.records[7].exc_info is not None  # the bug's traceback is logged
    assert [r.levelname for r in caplog.records] == ["WARNING"] * 7 + ["ERROR"]


async def test_a_stop_during_a_pause_ends_polling_at_once() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.call_later(0.05, stop.set)
    started = loop.time()
    await TelegramPoller._pause(stop, 30)
    assert loop.time() - started < 5
    await TelegramPoller._pause(stop, 30)  # already stopped: no wait at all
    started = loop.time()
    await TelegramPoller._pause(asyncio.Event(), 0.05)  # no stop: the full pause
    assert loop.time() - started >= 0.04


async def test_nothing_new_confirms_nothing_and_stores_nothing(sf) -> None:  # noqa: ANN001
    async with FakeBotAPI(token=TOKEN) as api:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
        told = []
        poller = TelegramPoller(bot, sf, SystemClock(), timeout=0, on_stored=lambda: told.append(1))
        try:
            assert poller.offset is None and poller.stored == 0
            assert await poller.poll_once() == 0
            assert poller.offset is None and told == []
            first = api.push_text(802, "一")
            api.push_callback(802, "x1:new::0", 1)
            assert await poller.poll_once() == 2
            assert poller.stored == 2 and told == [1] and poller.offset == first + 2
            call = api.sent(method="getUpdates")[-1]
            assert call.params["allowed_updates"] == [
                "message", "callback_query", "edited_message", "my_chat_member"]
            assert call.params.get("timeout") in (0, None)
            async with sf() as s:
                stored = {r.update_id: r.payload for r in (await s.execute(
                    select(InboxRow))).scalars()}
            # The update exactly as Telegram sent it (JSON types, no nulls added).
            assert stored[str(first)] == api.pushed[first]
            # A re-delivered batch (no new rows) still confirms but counts nothing new.
            poller.offset = first
            assert await poller.poll_once() == 0 and poller.stored == 2
        finally:
            await bot.session.close()
