"""The sender against the fake Bot API: limits, lanes, 429, 403, 5xx, 400, message ids."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from bot.sender import OutboxSender
from bot.telegram.sender import TelegramSender
from core.clock import SystemClock
from core.model import Lane, Role
from core.replies import Reply
from locales import Catalog
from storage.store import SqlStore
from storage.tables import ChannelIdentity, OrgUnit, OutboxRow, Person, RoleAssignment
from tests.support.fake_bot_api import FakeBotAPI

TOKEN = "42:SENDER-test"
ADMIN_CHAT = 9999
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


async def _admin(sf) -> None:  # noqa: ANN001
    async with sf() as s, s.begin():
        unit = OrgUnit(code="ORG", name="组织部", kind="functional", unit_class="admin_logistics")
        s.add(unit)
        await s.flush()
        p = Person(number="A1", name="管理员", kind="staff", unit_id=unit.id, created_at=NOW,
                   updated_at=NOW)
        s.add(p)
        await s.flush()
        s.add(RoleAssignment(person_id=p.id, role=Role.ADMIN.value, unit_id=unit.id))
        s.add(ChannelIdentity(channel="telegram", external_id=str(ADMIN_CHAT),
                              chat_id=str(ADMIN_CHAT), person_id=p.id, created_at=NOW))


async def _enqueue(sf, chat: int, key: str, lane: Lane = Lane.INTERACTIVE,  # noqa: ANN001
                   **params) -> None:
    async with sf() as s, s.begin():
        await SqlStore(s).enqueue("telegram", str(chat), Reply(key, params), lane=lane,
                                  locale="zh_CN", person_id=None, now=NOW)


async def _rows(sf) -> list[OutboxRow]:  # noqa: ANN001
    async with sf() as s:
        return list((await s.execute(select(OutboxRow).order_by(OutboxRow.id))).scalars())


@pytest.fixture
async def rig(sf):  # noqa: ANN001, ANN201
    await _admin(sf)
    async with FakeBotAPI(token=TOKEN) as api:
        api.add_chat(ADMIN_CHAT, *range(100, 400))  # people who pressed Start before
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
        sender = OutboxSender(sf, SystemClock(), {"telegram": TelegramSender(bot, Catalog.load())},
                              global_rate=1000, per_chat_rate=1000, concurrency=8,
                              max_attempts=3, default_locale="zh_CN")
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run(stop))
        try:
            yield api, sender
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
            await bot.session.close()


async def _until(sf, pred, timeout: float = 10.0) -> list[OutboxRow]:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = await _rows(sf)
        if pred(rows):
            return rows
        await asyncio.sleep(0.02)
    raise AssertionError([(r.id, r.status, r.last_error) for r in await _rows(sf)])


async def test_sends_records_message_id_and_escapes(rig, sf) -> None:  # noqa: ANN001
    api, sender = rig
    await _enqueue(sf, 101, "error.unknown_command", command="<script>")
    sender.wake.set()
    rows = await _until(sf, lambda rs: rs and rs[0].status == "sent")
    call = api.sent(101)[0]
    assert rows[0].message_id == str(call.result["message_id"])
    assert "/&lt;script&gt;" in call.params["text"]


async def test_crisis_lane_goes_first(rig, sf) -> None:  # noqa: ANN001
    api, sender = rig
    api.slow("sendMessage", 0.05)
    for chat in range(200, 230):
        await _enqueue(sf, chat, "help.text", Lane.BULK)
    await _enqueue(sf, 300, "flood.notice", Lane.CRISIS)
    sender.wake.set()
    await _until(sf, lambda rs: all(r.status == "sent" for r in rs))
    order = [c.chat_id for c in api.sent(method="sendMessage")]
    assert order.index(300) < 8, "the crisis row must not wait behind the bulk backlog"


async def test_429_waits_retry_after_then_sends_once(rig, sf) -> None:  # noqa: ANN001
    api, sender = rig
    api.inject("sendMessage", 429, retry_after=1, chat_id=102)
    await _enqueue(sf, 102, "help.text")
    sender.wake.set()
    rows = await _until(sf, lambda rs: rs[0].status == "sent")
    calls = api.sent(102, include_failed=True)
    assert [c.response_status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 0.95
    assert rows[0].attempts == 0  # being told to wait is not a failure


async def test_403_marks_unreachable_without_retrying(rig, sf) -> None:  # noqa: ANN001
    api, sender = rig
    async with sf() as s, s.begin():
        s.add(ChannelIdentity(channel="telegram", external_id="103", chat_id="103",
                              created_at=NOW))
    api.block(103)
    await _enqueue(sf, 103, "help.text")
    sender.wake.set()
    rows = await _until(sf, lambda rs: rs[0].status == "unreachable")
    await asyncio.sleep(0.2)
    assert len(api.sent(103, include_failed=True)) == 1
    async with sf() as s:
        ident = (await s.execute(select(ChannelIdentity).where(
            ChannelIdentity.chat_id == "103"))).scalar_one()
    assert ident.unreachable_at is not None
    assert "blocked" in rows[0].last_error


async def test_5xx_is_retried_with_backoff(rig, sf) -> None:  # noqa: ANN001
    api, sender = rig
    api.inject("sendMessage", 502, count=1, chat_id=104)
    await _enqueue(sf, 104, "help.text")
    sender.wake.set()
    rows = await _until(sf, lambda rs: rs[0].status == "sent", timeout=15)
    assert [c.response_status for c in api.sent(104, include_failed=True)] == [502, 200]
    assert rows[0].attempts == 1


async def test_400_is_parked_dead_and_admins_alerted(rig, sf) -> None:  # noqa: ANN001
    api, sender = rig
    api.inject("sendMessage", 400, chat_id=105, description="Bad Request: chat not found")
    await _enqueue(sf, 105, "help.text")
    sender.wake.set()
    await _until(sf, lambda rs: rs[0].status == "dead" and len(rs) == 2
                 and rs[1].status == "sent")
    alert = api.texts(ADMIN_CHAT)
    # Said in a sentence; Telegram's own words stay on the row for `bot status`.
    assert len(alert) == 1 and "无法发送" in alert[0] and "找不到这个会话" in alert[0]
    assert "chat not found" not in alert[0] and "Telegram" not in alert[0]
    assert "chat not found" in (await _rows(sf))[0].last_error
    assert len(api.sent(105, include_failed=True)) == 1


class _Recorder:
    """A channel that records what it was given; ``rate_limited`` as the web chat's."""

    def __init__(self, rate_limited: bool) -> None:
        self.rate_limited = rate_limited
        self.delivered: list[list[int]] = []  # one list of row ids per delivery

    def render_text(self, row) -> str:  # noqa: ANN001
        return row.reply["key"]

    async def deliver(self, rows, merged_text):  # noqa: ANN001, ANN201
        self.delivered.append([r.id for r in rows])
        return str(rows[-1].id)


async def test_rows_of_a_channel_that_is_not_running_stay_pending(sf) -> None:  # noqa: ANN001
    """Web-only mode: Telegram's rows wait for Telegram; they are not parked as dead."""
    async with sf() as s, s.begin():
        store = SqlStore(s)
        for i in range(3):
            await store.enqueue("telegram", "5", Reply("help.text"), lane=Lane.INTERACTIVE,
                                locale="zh_CN", person_id=None, now=NOW)
            # Edits are never merged: each is its own delivery.
            await store.enqueue("web", "web:1", Reply("help.text", edit_of=str(i + 1)),
                                lane=Lane.INTERACTIVE,
                locale="zh_CN", person_id=None, now=NOW)
    web = _Recorder(rate_limited=False)
    # One message per chat per 100 s: only an unlimited channel sends all three now.
    sender = OutboxSender(sf, SystemClock(), {"web": web}, global_rate=1000, per_chat_rate=0.01,
                          concurrency=8, max_attempts=3, default_locale="zh_CN")
    for _ in range(20):
        await sender.step()
        await asyncio.sleep(0.01)
        await sender._flush()
    rows = await _rows(sf)
    assert [r.status for r in rows if r.channel == "web"] == ["sent"] * 3
    assert len(web.delivered) == 3 and all(len(d) == 1 for d in web.delivered)
    assert [(r.status, r.attempts) for r in rows if r.channel == "telegram"] == [("pending", 0)] * 3

    limited = _Recorder(rate_limited=True)
    async with sf() as s, s.begin():
        for i in range(3):
            await SqlStore(s).enqueue("web", "web:2", Reply("help.text", edit_of=str(i + 1)),
                                      lane=Lane.INTERACTIVE,
                locale="zh_CN", person_id=None, now=NOW)
    sender = OutboxSender(sf, SystemClock(), {"web": limited}, global_rate=1000,
                          per_chat_rate=0.01, concurrency=8, max_attempts=3,
                          default_locale="zh_CN")
    for _ in range(20):
        await sender.step()
        await asyncio.sleep(0.01)
        await sender._flush()
    assert len(limited.delivered) == 1  # control: the per-chat interval holds the rest back


async def test_a_channel_s_own_per_chat_limits_pace_it(sf) -> None:  # noqa: ANN001
    """A channel with ``chat_limits`` (WeCom: 30 a minute, 1,000 an hour to one person)
    is paced by them instead of the one-per-interval default: here 2 in any 100 s, so
    two of one person's four messages go now and the others wait; another person's goes."""
    wecom_like = _Recorder(rate_limited=True)
    wecom_like.chat_limits = ((2, 100.0),)  # type: ignore[attr-defined]
    async with sf() as s, s.begin():
        for chat, n in (("zhang", 4), ("li", 1)):
            for i in range(n):  # edits: never merged, each its own delivery
                await SqlStore(s).enqueue("wecom", chat, Reply("help.text", edit_of=str(i + 1)),
                                          lane=Lane.INTERACTIVE, locale="zh_CN",
                                          person_id=None, now=NOW)
    sender = OutboxSender(sf, SystemClock(), {"wecom": wecom_like}, global_rate=1000,
                          per_chat_rate=1000, concurrency=8, max_attempts=3,
                          default_locale="zh_CN")
    for _ in range(30):
        await sender.step()
        await asyncio.sleep(0.01)
        await sender._flush()
    rows = await _rows(sf)
    assert [r.status for r in rows if r.chat_id == "zhang"] == ["sent", "sent", "pending",
                                                                "pending"]
    assert [r.status for r in rows if r.chat_id == "li"] == ["sent"]
    assert len(wecom_like.delivered) == 3
