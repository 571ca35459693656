"""Through the real bot: a concern marked "涉及党员" skips the branch; /branch, /away refusals."""
from __future__ import annotations

from sqlalchemy import select

from storage.db import make_engine, session_factory
from storage.tables import Concern
from tests.support.chat import ChatUser
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, bot_settings, seed_roster

STUDENT, MEMBER = "2023010103", "2022010202"  # 3号楼 student; 3号楼 logistics member
SECRETARY, COMMITTEE_A, COMMITTEE_B = "9001000003", "9001000001", "9001000002"


async def test_concern_about_a_member_goes_to_the_college(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        users = {n: ChatUser(api, 7000 + i) for i, n in enumerate(
            (STUDENT, MEMBER, SECRETARY, COMMITTEE_A, COMMITTEE_B))}
        stu, sec = users[STUDENT], users[SECRETARY]
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            for number, user in users.items():
                user.say(f"/start {await binding_code(db_url, number)}")
                await user.expect("绑定成功")
            stu.say("宿舍楼的党员值班时态度很差")
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            await stu.press(await stu.expect("请选择诉求性质"), "投诉")
            await stu.press(await stu.expect("请确认您的诉求"), "涉及党员")
            await stu.press(await stu.expect("哪位党员所在的党支部"), "会计学院本科生第一党支部")
            await stu.expect("已标记：涉及党员")
            confirm = [m for m in stu.messages() if "请确认您的诉求" in stu.text_of(m)][-1]
            await stu.press(confirm, "确认提交")
            await stu.expect("诉求已提交")
            got = [u for n, u in users.items() if n in (COMMITTEE_A, COMMITTEE_B)]
            await api.wait_for(lambda _: any("新诉求" in u.text_of(m) for u in got
                                             for m in u.messages()))
            sec.say("/branch")
            await sec.expect("没有未办结的诉求")
            stu.say("/branch")
            await stu.expect("只有党支部书记和学院党委")
            stu.say("/away 2030-01-01")
            await stu.expect("只有承担责任区的党员")
            member = users[MEMBER]
            member.say("/away 2030-01-01")
            await member.expect("已登记外出至 2030-01-01")
    engine = make_engine(db_url)
    async with session_factory(engine)() as s:
        (c,) = (await s.execute(select(Concern))).scalars().all()
    await engine.dispose()
    assert (c.about_member, c.about_branch_code) == (True, "ACC-S1")
    assert c.routing_reason == "conflict_of_interest:branch=ACC-S1:college_committee"
    assert not [m for m in users[MEMBER].messages()
                if users[MEMBER].text_of(m).startswith("新诉求")]
