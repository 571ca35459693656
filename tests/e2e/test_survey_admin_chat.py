"""/survey in chat for admins, through the real bot in the Telegram fake: refused to a
student; preview; push asks for a confirmation, then the progress message is edited in
place by the push sweep until the push is done (sent and unreachable counted); pause and
close. Every pressed button is answered exactly once."""
from __future__ import annotations

import asyncio
from pathlib import Path

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
                await admin.expect("状态：已结束")
                assert unanswered_or_twice([admin, stu]) == {}
    finally:
        await engine.dispose()
    assert await query(db_url, select(Survey.status)) == [("closed",)]


async def test_an_admin_creates_a_survey_from_a_file_of_the_folder(db_url: str,
                                                                    tmp_path: Path) -> None:
    """/survey files and /survey create NAME: problems listed with their lines and nothing
    stored; a name outside the folder refused; the confirmation shows what would be
    created; a file changed between the check and the press is not created; a second
    press of the same button is stale. A student is refused."""
    await seed_roster(db_url)
    folder = tmp_path / "surveys"
    folder.mkdir()
    good = folder / "canteen.toml"
    good.write_text(_now_survey(), encoding="utf-8")
    (folder / "broken.toml").write_text(
        _now_survey().replace('kind = "rating"', 'kind = "stars"', 1), encoding="utf-8")
    (tmp_path / "outside.toml").write_text(_now_survey(), encoding="utf-8")
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           surveys={"folder": str(folder)})):
            admin = await bound_chat(api, db_url, ADMIN, 7711)
            stu = await bound_chat(api, db_url, STUDENT, 7712)
            stu.say("/survey create canteen.toml")
            await stu.expect("只有组织部管理员可以管理问卷")
            admin.say("/survey files")
            listed = admin.text_of(await admin.expect("可用于创建问卷的文件"))
            assert "broken.toml" in listed and "canteen.toml" in listed
            assert "outside.toml" not in listed
            admin.say("/survey create broken.toml")
            shown = admin.text_of(await admin.expect("问卷文件 broken.toml 有 1 处问题"))
            line = next(i for i, text in enumerate(_now_survey().splitlines(), 1)
                        if 'kind = "rating"' in text)
            assert f"broken.toml:{line}：" in shown and "stars" in shown
            admin.say("/survey create ../outside.toml")
            await admin.expect("问卷文件夹里没有文件 ../outside.toml")
            admin.say("/survey create canteen.toml")
            ask = await admin.expect("将从文件 canteen.toml 创建问卷 canteen-2026")
            assert "匿名问卷" in admin.text_of(ask) and "对象 4 人：可送达 1 人" in \
                admin.text_of(ask)
            assert await query(db_url, select(Survey.code)) == []
            good.write_text(_now_survey().replace("食堂", "餐厅", 1), encoding="utf-8")
            await admin.press(ask, "创建问卷")
            await admin.expect("文件 canteen.toml 在检查之后被修改过，未创建问卷")
            assert await query(db_url, select(Survey.code)) == []
            admin.say("/survey create canteen.toml")
            ask = await admin.expect("将从文件 canteen.toml 创建问卷 canteen-2026")
            await admin.press(ask, "创建问卷")
            await admin.expect("已创建问卷 canteen-2026")
            await admin.press(ask, "创建问卷")  # the same button again: stale, nothing made
            await admin.expect("已过期")
            admin.say("/survey")
            await admin.expect("canteen-2026　餐厅")
            assert unanswered_or_twice([admin, stu]) == {}
    assert await query(db_url, select(Survey.code, Survey.status)) == [
        ("canteen-2026", "created")]
