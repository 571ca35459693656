"""Bad input of every kind gets a clear reply through the real bot; nothing half-written."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.tables import AuditLog, ChannelIdentity, Concern, Conversation, InboxRow, OutboxRow
from tests.support.chat import ChatUser
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, bot_settings, seed_roster

FAST = {"outbox": {"per_chat_per_second": 50.0}}



async def _drained(db_url: str) -> bool:
    rows = await query(db_url, select(InboxRow.status, func.count()).group_by(InboxRow.status))
    return dict(rows).get("pending", 0) == 0


@pytest.fixture
async def bot(db_url: str):  # noqa: ANN201
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api, RunningBot(bot_settings(db_url, api.base_url,
                                                                      **FAST)):
        yield api


async def test_empty_long_unsupported_and_unknown(bot: FakeBotAPI, db_url: str) -> None:
    u = ChatUser(bot, 7001)
    u.say("   ")
    await u.expect("消息内容为空")
    u.say("长" * 2500)
    await u.expect("内容过长（2500 字）")
    bot.push_sticker(7001)
    assert "暂不支持贴纸。" in u.text_of(await u.expect("暂不支持"))  # named, not "sticker"
    bot.push_voice(7001)
    assert "暂不支持语音消息。" in u.text_of(await u.expect("暂不支持"))
    u.say("/frobnicate now")
    await u.expect("没有 /frobnicate 这个命令")
    # None of it started a draft or wrote a concern.
    conv = await query(db_url, select(Conversation.flow))
    assert [c for (c,) in conv] == ["idle"]
    assert await query(db_url, select(Concern.id)) == []


STALE = "这个按钮已过期。请使用最新消息中的按钮，或发送 /cancel 重新开始。"
INVALID = "这个按钮无效。请使用最新消息中的按钮。"
FORGED = ("hello", "x1:drop_tables::0", "x1:cat:../../etc:0", "x2:cat:it:1")


async def test_forged_and_stale_buttons(bot: FakeBotAPI, db_url: str) -> None:
    u = ChatUser(bot, 7002)
    u.say(f"/start {await binding_code(db_url, '2023010103')}")
    await u.expect("绑定成功")
    u.say("食堂饭菜太咸")
    menu = await u.expect("请选择诉求类别")
    # Each of the 8 presses: its callback query id and the message it brought.
    presses: list[tuple[str, Any]] = []

    async def push(data: str, reply: str) -> None:
        update = bot.push_callback(7002, data, int(menu.result["message_id"]))
        presses.append((bot.pushed[update]["callback_query"]["id"], await u.expect(reply)))

    async def press(call: Any, label: str, reply: str) -> Any:
        await u.press(call, label)
        presses.append((u.pressed[-1], await u.expect(reply)))
        return presses[-1][1]

    await push("x1:cat:logistics:999", "按钮已过期")  # a button of an older draft
    for forged in FORGED:
        await push(forged, "这个按钮无效")
    kinds = await press(menu, "后勤生活", "请选择诉求性质")
    await press(menu, "教学教务", "按钮已过期")  # the category menu is an older step now
    await press(kinds, "投诉", "请确认您的诉求")
    await bot.wait_for(lambda _: all(u.answers(qid) for qid, _ in presses))
    await u.assert_quiet()  # a second answer or another message would be here by now
    # Every press, forged or not, stops spinning with exactly one answer; a refused one
    # says why once, in the chat (the answer carries no text, so nobody reads it twice),
    # an accepted one moves the draft on.
    got = [(m.method, u.text_of(m), [a.params.get("text") for a in u.answers(qid)])
           for qid, m in presses]
    assert got == [("sendMessage", STALE, [None])] + \
        [("sendMessage", INVALID, [None])] * 4 + [
        ("editMessageText", "类别：后勤生活\n请选择诉求性质：", [None]),
        ("sendMessage", STALE, [None]),
        ("editMessageText", "<b>请确认您的诉求</b>\n类别：后勤生活\n性质：投诉\n"
                            "内容：食堂饭菜太咸\n附件：0 个", [None])]
    audits = await query(db_url, select(AuditLog.detail).where(AuditLog.kind == "forged_button"))
    assert sorted(d["data"] for (d,) in audits) == sorted(FORGED)


async def test_group_chat_gets_one_refusal(bot: FakeBotAPI, db_url: str) -> None:
    for i in range(3):
        bot.push_group_text(-4001, 7003, f"大家好 {i}")
    await bot.wait_for(lambda api: api.texts(-4001))
    await asyncio.sleep(0.1)
    while not await _drained(db_url):
        await asyncio.sleep(0.1)
    texts = bot.texts(-4001)
    assert len(texts) == 1 and "只在私聊中受理诉求" in texts[0]
    assert await query(db_url, select(ChannelIdentity.id)) == []  # nobody registered


async def test_user_who_blocked_the_bot_is_marked_unreachable(bot: FakeBotAPI,
                                                               db_url: str) -> None:
    bot.block(7004)
    bot.push_text(7004, "/help")
    rows = await bot.wait_for(lambda api: api.sent(7004, include_failed=True))
    assert rows[0].response_status == 403
    for _ in range(100):
        gone = await query(db_url, select(ChannelIdentity.unreachable_at))
        if gone and gone[0][0] is not None:
            break
        await asyncio.sleep(0.05)
    assert gone[0][0] is not None
    statuses = await query(db_url, select(OutboxRow.status))
    assert [s for (s,) in statuses] == ["unreachable"] * 2  # the privacy notice, the help
    # Writing to the bot again proves they unblocked it.
    bot.unblock(7004)
    bot.push_text(7004, "/help")
    await ChatUser(bot, 7004).expect("心桥使用帮助")
    gone = await query(db_url, select(ChannelIdentity.unreachable_at))
    assert gone[0][0] is None
