"""/tasks through the real bot: each entry offers exactly what its status allows, and
every button it offers works (never "当前状态下不能进行此操作")."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.actions import Verb, decode
from storage.tables import Concern
from tests.support.chat import ChatUser
from tests.support.db import query, sweep_followups
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

STUDENT, MEMBER, COLLEGE = "2023010103", "2022010202", "9001000001"  # 3号楼; its member

#: What the assigned member may do in each status (DOMAIN.md's lifecycle), and what a
#: press of each button answers when it works.
EXPECTED = {
    "dispatched": {Verb.ACCEPT, Verb.RETURN},
    "accepted": {Verb.CONTACT, Verb.REPLY, Verb.RETURN},
    "in_progress": {Verb.CONTACT, Verb.REPLY, Verb.EXTEND},
    "extension_requested": {Verb.CONTACT, Verb.REPLY},
}
NUMBER = re.compile(r"DEMO-\d{4}-\d{6}")
WORKS = {Verb.ACCEPT: "已签收", Verb.RETURN: "请输入退单理由",
         Verb.CONTACT: "请输入要发给诉求人的消息", Verb.REPLY: "请输入答复内容",
         Verb.EXTEND: "请输入延期截止日期"}


async def _submit(stu: ChatUser, member: ChatUser, text: str) -> object:
    stu.say(text)
    await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
    await stu.press(await stu.expect("请选择诉求性质"), "求助")
    await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
    await stu.expect("诉求已提交")
    return await member.expect("新诉求")


async def _statuses(db_url: str) -> dict[str, tuple[str, int]]:
    return {n: (s, r) for n, s, r in await query(db_url, select(
        Concern.number, Concern.status, Concern.reopen_count))}


async def test_tasks_entries_offer_exactly_the_allowed_actions(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        # Presses come fast here; the flood notice (tested elsewhere) would interleave.
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0},
                                           flood={"max_messages": 1000})):
            stu = await bound_chat(api, db_url, STUDENT, 5001)
            m = await bound_chat(api, db_url, MEMBER, 6001)
            col = await bound_chat(api, db_url, COLLEGE, 6002)
            # A reopened concern: replied, 不满意 in the 回访, back to the member.
            await m.press(await _submit(stu, m, "一号：水房没热水"), "✅ 签收")
            await stu.expect("已由负责的党员签收")
            await m.press(await m.expect("已签收"), "📨 答复办结")
            await m.expect("请输入答复内容")
            m.say("已修好")
            await m.expect("已答复")
            await stu.expect("已答复：\n已修好")
            assert await sweep_followups(db_url, 7) == (1, 0)
            await stu.press(await stu.expect("是否与您联系过"), "联系过")
            await stu.press(await stu.expect("您的问题解决了吗"), "未解决")
            await stu.press(await stu.expect("您对办理情况满意吗"), "不满意")
            await stu.expect("已退回重办")
            await m.expect("退回重办")
            stu.say("/cancel")
            await stu.expect("已取消")
            # One concern in each status a member's concern can wait in.
            await _submit(stu, m, "二号：新的")                                  # dispatched
            await m.press(await _submit(stu, m, "三号：签收"), "✅ 签收")          # accepted
            await m.expect("已签收")
            await stu.expect("已由负责的党员签收")
            await m.press(await _submit(stu, m, "四号：办理中"), "✅ 签收")
            await stu.expect("已由负责的党员签收")
            await m.press(await m.expect("已签收"), "💬 联系诉求人")
            await m.expect("请输入要发给诉求人的消息")
            m.say("我来看看")
            await m.expect("已转达")                                            # in_progress
            await stu.expect("我来看看")
            await m.press(await _submit(stu, m, "五号：延期"), "✅ 签收")
            await stu.expect("已由负责的党员签收")
            await m.press(await m.expect("已签收"), "💬 联系诉求人")
            await m.expect("请输入要发给诉求人的消息")
            m.say("在等配件")
            await m.expect("已转达")
            await stu.press(await stu.expect("在等配件"), "💬 回复")
            await stu.expect("请输入要回复处理人的内容")
            stu.say("好的")
            await stu.expect("已转达")
            await m.press(await m.expect("诉求人的回复"), "⏳ 申请延期")
            await m.expect("请输入延期截止日期")
            m.say("2030-12-20 等配件")
            await m.expect("已提交延期申请")
            await stu.expect("已申请延期至 2030-12-20")
            await col.expect("申请延至")                                        # extension
            await m.press(await _submit(stu, m, "六号：已答复"), "✅ 签收")       # replied:
            await stu.expect("已由负责的党员签收")                              # nothing
            await m.press(await m.expect("已签收"), "📨 答复办结")                # to do
            await m.expect("请输入答复内容")
            m.say("好了")
            await m.expect("已答复")
            await stu.expect("已答复：\n好了")
            await m.press(await _submit(stu, m, "七号：退单"), "↩️ 退单")          # returned:
            await m.expect("请输入退单理由")                                    # not mine
            m.say("不归我")
            await m.expect("已退单")
            await stu.expect("正在重新安排")

            statuses = await _statuses(db_url)
            m.say("/tasks")
            head = await m.expect("待办诉求")
            # Each entry is a message with its buttons (the outbox may join the heading
            # to the first one: then the entry is the text's last concern number).
            entries, item = {}, head
            while len(entries) < 5:
                if m.buttons(item):
                    entries[NUMBER.findall(m.text_of(item))[-1]] = item
                if len(entries) < 5:
                    item = await m.expect("DEMO-")
            await m.assert_quiet()  # the five entries and nothing else
            assert f"待办诉求 {len(entries)} 件" in m.text_of(head)
            listed = {n: statuses[n] for n in entries}
            assert sorted(s for s, _ in listed.values()) == sorted(
                ["dispatched", "dispatched", "accepted", "in_progress", "extension_requested"])
            assert {r for s, r in listed.values() if s == "dispatched"} == {0, 1}  # reopened
            for number, item in entries.items():
                status = statuses[number][0]
                verbs = {decode(b["callback_data"]).verb for b in m.buttons(item)}
                assert verbs == EXPECTED[status], (number, status, verbs)
                # Every button works; 签收 last, as it changes what the others may do.
                for b in sorted(m.buttons(item), key=lambda b: "签收" in b["text"]):
                    await m.press(item, b["text"])
                    answer = await m.expect(WORKS[decode(b["callback_data"]).verb])
                    assert "不能进行此操作" not in m.text_of(answer)
            await m.assert_quiet()
            # The two 签收 presses told the student (in the order /tasks listed them).
            told = {NUMBER.findall(stu.text_of(await stu.expect("已由负责的党员签收")))[0]
                    for _ in range(2)}
            assert told == {"DEMO-2026-000001", "DEMO-2026-000002"}



async def test_the_overdue_legend_shows_only_when_something_is_overdue(db_url: str) -> None:
    """/tasks and /branch explain ⚠️ only when a listed concern carries it."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    from storage.db import make_engine, session_factory

    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            stu = await bound_chat(api, db_url, STUDENT, 5001)
            m = await bound_chat(api, db_url, MEMBER, 6001)
            sec = await bound_chat(api, db_url, "9001000003", 6003)  # ACC-S1 secretary
            await _submit(stu, m, "水房没热水")
            for user, command, heading in ((m, "/tasks", "待办诉求"), (sec, "/branch", "所辖")):
                user.say(command)
                text = user.text_of(await user.expect(heading))
                assert "⚠️" not in text and "超期" not in text, text
            engine = make_engine(db_url)  # the concern's reply is now a day late
            try:
                async with session_factory(engine)() as s, s.begin():
                    await s.execute(update(Concern).values(
                        due_reply_at=datetime.now(timezone.utc) - timedelta(days=1)))
            finally:
                await engine.dispose()
            for user, command, heading in ((m, "/tasks", "待办诉求"), (sec, "/branch", "所辖")):
                user.say(command)
                text = user.text_of(await user.expect(heading))
                assert "⚠️ 为已超期" in text and "\n⚠️ DEMO-" in text, text
