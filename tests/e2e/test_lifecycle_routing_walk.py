"""Through the real bot: a concern marked "涉及党员" skips the branch and reaches exactly one
college committee member (nobody else hears of it); /branch, /away refusals."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from storage.db import make_engine, session_factory
from storage.tables import Concern, Person
from tests.support.chat import ChatUser
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, bot_settings, seed_roster

STUDENT, MEMBER = "2023010103", "2022010202"  # 3号楼 student; 3号楼 logistics member
SECRETARY, COMMITTEE_A, COMMITTEE_B = "9001000003", "9001000001", "9001000002"
LOGISTICS, ADMIN = "9101000001", "9104000001"  # the logistics office's contact; an admin


async def _concern(db_url: str) -> tuple[Concern, str]:
    """The only concern, and the roster number of the member it was assigned to."""
    engine = make_engine(db_url)
    async with session_factory(engine)() as s:
        (c,) = (await s.execute(select(Concern))).scalars().all()
        assigned = (await s.execute(select(Person.number).where(
            Person.id == c.assigned_member_id))).scalar_one()
    await engine.dispose()
    return c, assigned


async def test_concern_about_a_member_goes_to_the_college(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        users = {n: ChatUser(api, 7000 + i) for i, n in enumerate(
            (STUDENT, MEMBER, SECRETARY, COMMITTEE_A, COMMITTEE_B, LOGISTICS, ADMIN))}
        stu, sec = users[STUDENT], users[SECRETARY]
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            for number, user in users.items():
                user.say(f"/start {await binding_code(db_url, number)}")
                await user.expect("绑定成功")
            stu.say("宿舍楼的党员值班时态度很差")
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            await stu.press(await stu.expect("请选择诉求性质"), "投诉")
            await stu.press(await stu.expect("请确认您的诉求"), "⚖️ 涉及党员")
            await stu.press(await stu.expect("哪位党员所在的党支部"), "会计学院本科生第一党支部")
            confirm = await stu.expect("请确认您的诉求")  # the summary again, in place
            assert confirm.method == "editMessageText"
            assert "已标记：涉及党员（支部：ACC-S1）" in stu.text_of(
                await stu.expect("已标记：涉及党员"))
            await stu.press(confirm, "确认提交")
            await stu.expect("诉求已提交")
            c, assigned = await _concern(db_url)
            assert assigned in (COMMITTEE_A, COMMITTEE_B)
            # Exactly the assigned committee member gets the card; nobody else hears of it:
            # not the zone's member, not the branch's secretary, not the other committee
            # member, not the logistics office, not an admin.
            card = await users[assigned].expect("新诉求")
            assert c.number in users[assigned].text_of(card)
            await asyncio.sleep(0.3)  # another card would have arrived by now
            for user in users.values():
                await user.assert_quiet(wait=0)
            sec.say("/branch")
            await sec.expect("没有未办结的诉求")
            stu.say("/branch")
            await stu.expect("只有党支部书记和学院党委")
            stu.say("/away 2030-01-01")
            await stu.expect("只有承担责任区的党员")
            member = users[MEMBER]
            member.say("/away 2030-01-01")
            await member.expect("已登记外出至 2030-01-01")
            await asyncio.sleep(0.3)
            for user in users.values():
                await user.assert_quiet(wait=0)
    c, _ = await _concern(db_url)
    assert (c.about_member, c.about_branch_code) == (True, "ACC-S1")
    assert c.routing_reason == "conflict_of_interest:branch=ACC-S1:college_committee"
