"""/survey in chat for admins, through the real bot in the Telegram fake: refused to a
student; preview; push asks for a confirmation, then the progress message is edited in
place by the push sweep until the push is done (sent and unreachable counted); pause and
close. Every pressed button is answered exactly once."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from core.clock import SystemClock
from core.surveys.admin import create_survey
from scheduler.survey_push import push_sweep
from storage.db import make_engine, session_factory
from storage.tables import Survey
from storage.uow import unit_of_work
from tests.e2e.test_survey_chat import _now_survey
from tests.support.chat import unanswered_or_twice
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

ADMIN, STUDENT = "9104000001", "2023010101"


async def test_an_admin_pushes_and_watches_a_survey_from_chat(db_url: str) -> None:
    await seed_roster(db_url)
    engine = make_engine(db_url)
    sf = session_factory(engine)
    async with unit_of_work(sf) as uow:
        await create_survey(uow.store, text=_now_survey(), list_files=None, person_id=None,
                            now=SystemClock().now(), max_reminders=3)

    async def sweep() -> None:
        await push_sweep(sf, SystemClock(), window=100, timezone="Asia/Shanghai",
                         default_locale="zh_CN")

    try:
        async with FakeBotAPI(token=TOKEN) as api:
            async with RunningBot(bot_settings(db_url, api.base_url)):
                admin = await bound_chat(api, db_url, ADMIN, 7701)
                stu = await bound_chat(api, db_url, STUDENT, 7702)
                stu.say("/survey push canteen-2026")
                await stu.expect("只有组织部管理员可以管理问卷")
                admin.say("/survey preview canteen-2026")
                # 会计学院's four grade-2023 students; only this one is bound
                await admin.expect("对象共 4 人：可送达 1 人；无法送达：从未绑定 3 人")
                admin.say("/survey push canteen-2026")
                ask = await admin.expect("确定推送问卷 canteen-2026")
                await admin.press(ask, "确认")
                first = await admin.expect("📤 问卷 canteen-2026")
                assert "待发" in admin.text_of(first)
                for _ in range(20):  # the bot's push sweep, a second at a time
                    await sweep()
                    await asyncio.sleep(0.2)
                    edits = [c for c in api.calls if c.method == "editMessageText"
                             and c.params.get("chat_id") == admin.user_id]
                    if edits and "待发 0" in str(edits[-1].params.get("text")):
                        break
                assert edits and "已送达 1" in str(edits[-1].params["text"])
                await stu.expect("食堂满意度调查")
                admin.read_rest()  # the progress message's edits
                admin.say("/survey close canteen-2026")
                await admin.press(await admin.expect("确定结束问卷"), "确认")
                await admin.expect("状态：closed")
                assert unanswered_or_twice([admin, stu]) == {}
    finally:
        await engine.dispose()
    assert await query(db_url, select(Survey.status)) == [("closed",)]
