"""The poller confirms a batch to Telegram only after the inbox has committed it."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Update
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


def _text_update(update_id: int, chat: int, text: str, **fields: Any) -> dict[str, Any]:
    user = {"id": chat, "is_bot": False, "first_name": "U"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_764_000_000, "chat": {"id": chat, "type": "private"},
        "from": user, "text": text, **fields}}


class ScriptedBot:
    """``get_updates`` as Telegram answers it (an offset confirms every update below it),
    without HTTP; ``faults`` are raised first, one per call."""

    id = 42

    def __init__(self, updates: Sequence[dict[str, Any]] = (),
                 faults: Sequence[Exception] = ()) -> None:
        self.updates = [Update.model_validate(u) for u in updates]
        self.faults = list(faults)
        self.calls: list[dict[str, Any]] = []

    async def get_updates(self, **kwargs: Any) -> list[Update]:
        self.calls.append(kwargs)
        await asyncio.sleep(0)
        if self.faults:
            raise self.faults.pop(0)
        if kwargs["offset"] is not None:
            self.updates = [u for u in self.updates if u.update_id >= kwargs["offset"]]
        return list(self.updates)


async def test_get_updates_long_polls_with_a_client_timeout_10_s_above_telegrams(
        sf) -> None:  # noqa: ANN001
    """The request waits ``timeout`` s at Telegram; the client gives up 10 s after that,
    never before Telegram answers (or aiohttp's default would cut every long poll)."""
    bot = ScriptedBot([_text_update(500, 7, "a"), _text_update(501, 8, "b")])
    poller = TelegramPoller(bot, sf, SystemClock(), timeout=25)
    assert await poller.poll_once() == 2
    assert await poller.poll_once() == 0
    allowed = ["message", "callback_query", "edited_message", "my_chat_member"]
    assert bot.calls == [
        {"offset": None, "timeout": 25, "allowed_updates": allowed, "request_timeout": 35},
        {"offset": 502, "timeout": 25, "allowed_updates": allowed, "request_timeout": 35}]


async def test_an_update_with_fields_aiogram_defaults_is_stored_exactly_as_sent(
        sf) -> None:  # noqa: ANN001
    """``link_preview_options`` has fields aiogram fills with its ``Default`` markers:
    dumping them (without ``exclude_unset``) fails, and the batch would never be stored."""
    sent = _text_update(600, 7, "see https://example.org",
                        link_preview_options={"is_disabled": True})
    poller = TelegramPoller(ScriptedBot([sent]), sf, SystemClock(), timeout=0)
    assert await poller.poll_once() == 1
    async with sf() as s:
        rows = list((await s.execute(select(InboxRow))).scalars())
    # The bot's id scopes the update ids (another bot on this database has its own).
    assert [(r.channel, r.bot_id, r.update_id, r.chat_key, r.payload) for r in rows] == [
        ("telegram", "42", "600", "telegram:7", sent)]


async def test_a_video_with_a_start_timestamp_is_stored(sf) -> None:  # noqa: ANN001
    """aiogram reads ``Video.start_timestamp`` (seconds) as a plain ``datetime``: only a
    JSON-mode dump makes it storable; otherwise the batch fails to store on every try and
    polling stalls on it for good."""
    video = {"file_id": "v1", "file_unique_id": "u-v1", "width": 640, "height": 360,
             "duration": 30, "start_timestamp": 10}
    sent = _text_update(650, 7, "", video=video)
    del sent["message"]["text"]
    poller = TelegramPoller(ScriptedBot([sent]), sf, SystemClock(), timeout=0)
    assert await poller.poll_once() == 1
    async with sf() as s:
        payload, = (await s.execute(select(InboxRow.payload))).scalars()
    assert payload["message"]["video"] == {**video, "start_timestamp": "1970-01-01T00:00:10Z"}
    assert {**payload["message"], "video": video} == sent["message"]


class Crash(BaseException):
    """kill -9 at a crash point (a BaseException: nothing on the way catches it)."""


async def test_a_crash_after_the_store_leaves_the_batch_stored_and_unconfirmed(
        sf, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """The crash point ``after_store`` is reached after the commit and before the offset
    moves: a restart asks for the same batch again and stores nothing twice."""
    reached = []

    def crash_point(name: str) -> None:
        reached.append(name)
        if name == "after_store":
            raise Crash

    monkeypatch.setattr(poller_module, "crash_point", crash_point)
    bot = ScriptedBot([_text_update(700, 7, "a"), _text_update(701, 7, "b")])
    told = []
    poller = TelegramPoller(bot, sf, SystemClock(), timeout=0,
                            on_stored=lambda: told.append(1))
    with pytest.raises(Crash):
        await poller.poll_once()
    assert reached == ["after_store"]
    assert await _stored_ids(sf) == ["700", "701"]
    assert poller.offset is None and poller.stored == 0 and told == []
    restarted = TelegramPoller(bot, sf, SystemClock(), timeout=0)
    monkeypatch.setattr(poller_module, "crash_point", reached.append)
    assert await restarted.poll_once() == 0
    assert restarted.offset == 702 and reached == ["after_store"] * 2
    assert [c["offset"] for c in bot.calls] == [None, None]


async def test_unexpected_errors_in_a_row_back_off_doubling_to_30_s(
        sf, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
        caplog: pytest.LogCaptureFixture) -> None:
    """Bugs (not network errors) back off as Telegram errors do: 1, 2, 4 ... 30 s, and a
    network error after them goes on from there; a success starts over at 1 s."""
    stop = asyncio.Event()
    bot = ScriptedBot([_text_update(800, 7, "a")],
                      faults=[ValueError(f"bug {i}") for i in range(7)]
                      + [OSError("network down"), ValueError("bug 7")])
    poller = TelegramPoller(bot, sf, SystemClock(), timeout=0)
    pauses: list[float] = []

    async def pause(event: asyncio.Event, seconds: float) -> None:
        assert event is stop
        pauses.append(seconds)
        if len(pauses) == 10:
            stop.set()

    # after the success, one more bug: its pause is the last
    poller.on_stored = lambda: bot.faults.append(ValueError("bug 8"))
    monkeypatch.setattr(poller, "_pause", pause)
    caplog.set_level(logging.WARNING, logger=poller_module.__name__)
    await asyncio.wait_for(poller.run(stop), 10)
    assert pauses == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0, 1.0]
    assert [r.getMessage() for r in caplog.records][4:] == [
        "polling failed; retrying in 16s", "polling failed; retrying in 30s",
        "polling failed; retrying in 30s", "getUpdates failed (network down); retrying in 30s",
        "polling failed; retrying in 30s", "polling failed; retrying in 1s"]
