"""Flooding, restarts mid-conversation, and binding rules, through the real bot."""
from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from storage.tables import ChannelIdentity, InboxRow, OutboxRow
from tests.support.chat import ChatUser
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, bot_settings, seed_roster



async def _settled(api: FakeBotAPI, db_url: str) -> None:
    async def idle() -> bool:
        ib = dict(await query(db_url, select(InboxRow.status, func.count())
                               .group_by(InboxRow.status)))
        ob = dict(await query(db_url, select(OutboxRow.status, func.count())
                               .group_by(OutboxRow.status)))
        # Everything pushed was fetched and confirmed, and nothing is left to handle or send.
        return (not api.pending_updates() and not ib.get("pending")
                and not ob.get("pending"))

    # Idle for a while, not once: an update between its fetch and its inbox row (the
    # poller stores, then confirms) looks idle for an instant under load.
    quiet = 0
    for _ in range(600):
        quiet = quiet + 1 if await idle() else 0
        if quiet >= 6:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot never settled")


async def test_flood_is_merged_with_one_notice_and_nothing_dropped(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        settings = bot_settings(db_url, api.base_url,
                                flood={"max_messages": 5, "window_seconds": 60},
                                outbox={"per_chat_per_second": 1.0})
        u = ChatUser(api, 8001)
        async with RunningBot(settings):
            u.say(f"/start {await binding_code(db_url, '2023010101')}")
            await u.expect("绑定成功")
            u.say("/new")
            menu = await u.expect("请选择诉求类别")
            await u.press(menu, "后勤生活")
            kinds = await u.expect("请选择诉求性质")
            await u.press(kinds, "求助")
            await u.expect("请描述您的诉求")
            for i in range(30):
                u.say(f"第{i}段")
            await _settled(api, db_url)
    # Every one of the 30 parts was handled and acknowledged once, in order, with one
    # flood notice among them, and nothing else: replies are merged, never dropped.
    parts = [p for m in u.read_rest() for p in u.text_of(m).split("\n\n")]
    notice = "您的消息发送得太快了。别担心，每条消息都会处理，回复可能会稍有延迟或合并。"
    acks = [f"已收到（文字 {i} 段，附件 0 个）。还可以继续补充，写好后点击「写好了」。"
            for i in range(1, 31)]
    # What the queues say, for a failure report (a flaky run once got none of the replies).
    state = {"inbox": await query(db_url, select(InboxRow.status, func.count())
                                  .group_by(InboxRow.status)),
             "outbox": await query(db_url, select(OutboxRow.status, OutboxRow.chat_id,
                                                  OutboxRow.last_error)
                                   .where(OutboxRow.status != "sent")),
             "failed calls": [(c.method, c.response_status)
                              for c in api.sent(8001, include_failed=True) if not c.ok]}
    assert parts.count(notice) == 1, state
    assert [p for p in parts if p != notice] == acks, state
    sends = [m for m in u.messages() if m.method == "sendMessage"]
    assert len(sends) < 30, "replies under a flood should be merged"
    merged = await query(db_url, select(func.count()).select_from(OutboxRow)
                          .where(OutboxRow.merged_into.is_not(None)))
    assert merged[0][0] > 0
    assert all(s == "done" for (s,) in await query(db_url, select(InboxRow.status)))


async def test_restart_mid_conversation_continues(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        u = ChatUser(api, 8002)
        settings = bot_settings(db_url, api.base_url, outbox={"per_chat_per_second": 50.0})
        async with RunningBot(settings):
            # A student with no zone of their own (2023020101, the 3号楼 deputy, would be
            # handed their own concern: see test_lifecycle_routing).
            u.say(f"/start {await binding_code(db_url, '2023010103')}")
            await u.expect("绑定成功")
            u.say("图书馆空调不制冷")
            menu = await u.expect("请选择诉求类别")
            await u.press(menu, "后勤生活")
            kinds = await u.expect("请选择诉求性质")
        # A new process: nothing in memory survives, the conversation row does.
        async with RunningBot(settings):
            await u.press(kinds, "投诉")
            confirm = await u.expect("请确认您的诉求")
            assert "图书馆空调不制冷" in u.text_of(confirm)
            await u.press(confirm, "确认提交")
            await u.expect("诉求已提交，编号 <b>DEMO-")


async def test_binding_rules(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        a, b = ChatUser(api, 8003), ChatUser(api, 8004)
        settings = bot_settings(db_url, api.base_url, outbox={"per_chat_per_second": 50.0},
                                binding={"max_failed_attempts": 3})
        async with RunningBot(settings):
            old = await binding_code(db_url, "2023010102")
            new = await binding_code(db_url, "2023010102")  # re-issue revokes the old one
            a.say(f"/start {old}")
            await a.expect("该绑定码已作废")
            a.say(f"/start {new.lower()}")  # codes are case-insensitive
            await a.expect("绑定成功，黄子涵")
            b.say(f"/start {new}")
            await b.expect("该绑定码已被使用")
            for _ in range(2):
                b.say("/start WRONGCODE99")
                await b.expect("绑定码无效")
            b.say("/start WRONGCODE99")
            await b.expect("尝试次数过多")
            # An admin re-issues the code to move the account to a new phone.
            b_code = await binding_code(db_url, "2023010102")
            b.say(f"/start {b_code}")
            await b.expect("尝试次数过多")  # still locked out: the limit holds for real codes
            c = ChatUser(api, 8005)
            c.say(f"/start {b_code}")
            await c.expect("绑定成功")
    bound = await query(db_url, select(ChannelIdentity.external_id, ChannelIdentity.person_id)
                         .where(ChannelIdentity.person_id.is_not(None)))
    assert [e for e, _ in bound] == ["8005"], "rebinding moves the person to the new account"
