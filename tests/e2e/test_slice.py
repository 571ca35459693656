"""The foundation slice through the real bot: bind, submit, and the member receives it."""
from __future__ import annotations

from sqlalchemy import select

from storage.db import make_engine, session_factory
from storage.tables import Concern, ConcernEvent, InboxRow
from tests.support.chat import ChatUser
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, seed_roster, bot_settings

STUDENT, MEMBER = "2023010103", "2022010202"  # 3号楼 student; 3号楼 logistics zone member


async def _rows(db_url: str, model):  # noqa: ANN001, ANN202
    engine = make_engine(db_url)
    async with session_factory(engine)() as s:
        rows = (await s.execute(select(model).order_by(model.id))).scalars().all()
    await engine.dispose()
    return rows


async def test_student_binds_submits_and_member_receives(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        student, member = ChatUser(api, 5001, "赵子涵"), ChatUser(api, 6001, "党员")
        async with RunningBot(bot_settings(db_url, api.base_url)):
            member.say(f"/start {await binding_code(db_url, MEMBER)}")
            await member.expect("绑定成功")
            student.say(f"/start {await binding_code(db_url, STUDENT)}")
            await student.expect("绑定成功")

            student.say("3号楼 <b>热水器</b> 坏了三天")
            menu = await student.expect("请选择诉求类别")
            await student.press(menu, "后勤生活")
            kinds = await student.expect("请选择诉求性质")
            await student.press(kinds, "求助")
            confirm = await student.expect("请确认您的诉求")
            assert "3号楼 &lt;b&gt;热水器&lt;/b&gt; 坏了三天" in student.text_of(confirm)
            await student.press(confirm, "确认提交")
            done = await student.expect("诉求已提交")
            task = await member.expect("新诉求")

    number = "DEMO-2026-000001"
    assert number in student.text_of(done)
    assert number in member.text_of(task)
    assert "&lt;b&gt;热水器&lt;/b&gt;" in member.text_of(task)  # user HTML is escaped
    concerns = await _rows(db_url, Concern)
    assert [(c.number, c.category, c.type, c.status) for c in concerns] == [
        (number, "logistics", "help", "dispatched")]
    events = await _rows(db_url, ConcernEvent)
    assert [e.kind for e in events] == ["received", "dispatched"]
    assert all(r.status == "done" for r in await _rows(db_url, InboxRow))
