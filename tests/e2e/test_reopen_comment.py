"""The comment after an unsatisfied 回访 reaches the member handling the reopened concern:
escaped, and without anything that names an anonymous requester."""
from __future__ import annotations

from sqlalchemy import select

from storage.tables import Concern, Person
from tests.support.db import query, sweep_followups
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

STUDENT, MEMBER = "2023010103", "2022010202"  # 3号楼 student; 3号楼 logistics member


async def test_reopen_comment_is_forwarded_to_the_handler(db_url: str) -> None:
    await seed_roster(db_url)
    (name, phone), = await query(db_url, select(Person.name, Person.phone).where(
        Person.number == STUDENT))
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            stu = await bound_chat(api, db_url, STUDENT, 5001, name="张三的号")
            m = await bound_chat(api, db_url, MEMBER, 6001)
            stu.say("水房没有热水")
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            await stu.press(await stu.expect("请选择诉求性质"), "求助")
            await stu.press(await stu.expect("请确认您的诉求"), "🙈 匿名提交")
            await stu.expect("诉求已提交")
            await m.press(await m.expect("新诉求"), "✅ 签收")
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
            stu.say("<b>还是</b>没有热水 & 师傅没来")
            await stu.expect("已记录您对诉求")
            got = await m.expect("诉求人对办理结果的意见")
            text = m.text_of(got)
            assert "&lt;b&gt;还是&lt;/b&gt;没有热水 &amp; 师傅没来" in text
            assert name not in text and phone not in text and "张三的号" not in text
            # The member can act on it from there: the reopened concern awaits 签收.
            assert m.labels(got) == ["✅ 签收", "↩️ 退单"]
    (comment,) = await query(db_url, select(Concern.revisit_comment))
    assert comment == ("<b>还是</b>没有热水 & 师傅没来",)
