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


async def test_unverified_requester_with_photo_and_document_in_english(db_url: str) -> None:
    """No binding code: asked for college and building, then routed by the building."""
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        guest, member = ChatUser(api, 5101, "Guest"), ChatUser(api, 6101)
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            member.say(f"/start {await binding_code(db_url, '2023010101')}")  # 1号楼 logistics
            await member.expect("绑定成功")
            guest.say("/start")
            await guest.expect("师生诉求平台")
            # Welcome and privacy notice are queued together; the sender may merge them.
            await api.wait_for(lambda _: any("隐私说明" in guest.text_of(m)
                                             for m in guest.messages()))
            guest.say("/lang")
            await guest.press(await guest.expect("Choose a language"), "English")
            await guest.expect("Language set to English")
            guest.say("/new")
            colleges = await guest.expect("choose your college")
            await guest.press(colleges, "会计学院")
            buildings = await guest.expect("Choose your dorm building")
            await guest.press(buildings, "1号楼")
            menu = await guest.expect("Choose a category")
            await guest.press(menu, "Campus life & logistics")
            await guest.press(await guest.expect("What kind of concern"), "Complaint")
            await guest.expect("Describe your concern")
            api.push_photo(5101, "photo-file-1", caption="the broken tap")
            await guest.expect("Received (1 text part, 1 attachment)")
            api.push_document(5101, "doc-file-1", "报修单.pdf", "application/pdf")
            more = await guest.expect("Received (1 text part, 2 attachments)")
            await guest.press(more, "✅ Done")
            confirm = await guest.expect("Please confirm your concern")
            await guest.press(confirm, "Submit")
            done = await guest.expect("Your concern is submitted")
            card = await member.expect("新诉求")
            await member.expect("诉求 DEMO-2026-000001 的附件")
            await member.expect("诉求 DEMO-2026-000001 的附件")
            commands = api.sent(method="setMyCommands")
    assert "DEMO-2026-000001" in guest.text_of(done)
    # The Telegram name of the account (the fake names button presses "User <id>").
    assert "诉求人：User 5101（会计学院，1号楼）" in member.text_of(card)
    media = [(c.method, c.params.get("photo") or c.params.get("document"))
             for c in member.messages() if c.method in ("sendPhoto", "sendDocument")]
    assert media == [("sendPhoto", "photo-file-1"), ("sendDocument", "doc-file-1")]
    assert {c.params.get("language_code") for c in commands} == {None, "en"}
    assert [cmd["command"] for cmd in commands[0].params["commands"]] == [
        "start", "new", "my", "tasks", "reception", "help", "cancel", "lang"]
