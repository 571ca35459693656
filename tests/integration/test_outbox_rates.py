"""The sender under load: Telegram's global rate holds, and a failed edit becomes a message."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from bot.sender import OutboxSender
from bot.telegram.sender import TelegramSender
from core.clock import SystemClock
from core.model import Lane
from core.replies import Reply
from locales import Catalog
from storage.store import SqlStore
from storage.tables import OutboxRow
from tests.support.fake_bot_api import FakeBotAPI

TOKEN = "42:RATES-test"
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


async def _enqueue(sf, chat: int, reply: Reply) -> None:  # noqa: ANN001
    async with sf() as s, s.begin():
        await SqlStore(s).enqueue("telegram", str(chat), reply, lane=Lane.INTERACTIVE,
                                  locale="zh_CN", person_id=None, now=NOW)


async def _run_until_sent(sf, api: FakeBotAPI, *, global_rate: float,  # noqa: ANN001
                          per_chat_rate: float = 1000, timeout: float = 30) -> list[OutboxRow]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
    sender = OutboxSender(sf, SystemClock(), {"telegram": TelegramSender(bot, Catalog.load())},
                          global_rate=global_rate, per_chat_rate=per_chat_rate, concurrency=64,
                          max_attempts=3, default_locale="zh_CN")
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with sf() as s:
                rows = list((await s.execute(select(OutboxRow).order_by(OutboxRow.id))).scalars())
            if rows and all(r.status != "pending" for r in rows):
                return rows
            await asyncio.sleep(0.05)
        raise AssertionError([(r.id, r.status, r.last_error) for r in rows])
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await bot.session.close()


async def test_the_global_rate_holds_across_many_chats(sf) -> None:  # noqa: ANN001
    """90 chats with one message each, at Telegram's rates (30/s overall, 1/s per chat)
    against a fake that answers 429 above them: none is refused, and the last goes out
    no sooner than the rate allows. Without the global bucket the fake refuses dozens.
    Only a lower bound on time is asserted (a slow machine is never wrong)."""
    rate, chats = 30, 90
    async with FakeBotAPI(token=TOKEN) as api:
        api.add_chat(*range(1000, 1000 + chats))
        api.flood_control(per_chat=1.0, overall=rate)
        for chat in range(1000, 1000 + chats):
            await _enqueue(sf, chat, Reply("help.text"))
        started = time.monotonic()
        rows = await _run_until_sent(sf, api, global_rate=rate, per_chat_rate=1.0)
        assert [r.status for r in rows] == ["sent"] * chats
        refused = [c for c in api.sent(method="sendMessage", include_failed=True)
                   if c.response_status == 429]
        stamps = sorted(c.at for c in api.sent(method="sendMessage"))
    assert refused == []
    assert len(stamps) == chats
    assert stamps[-1] - started >= (chats - rate / 10) / rate


async def test_an_edit_that_fails_is_sent_as_a_new_message(sf) -> None:  # noqa: ANN001
    async with FakeBotAPI(token=TOKEN) as api:
        api.add_chat(2001)  # message 77 was never sent there: the fake refuses the edit
        await _enqueue(sf, 2001, Reply("help.text", edit_of="77"))
        rows = await _run_until_sent(sf, api, global_rate=1000)
        edits = api.sent(2001, method="editMessageText", include_failed=True)
        sends = api.sent(2001, method="sendMessage")
    assert [c.response_status for c in edits] == [400]
    assert len(sends) == 1
    assert sends[0].params["text"] == Catalog.load().render("zh_CN", "help.text")
    assert rows[0].status == "sent"
    assert rows[0].message_id == str(sends[0].result["message_id"])
