"""The privacy notice (PIPL): every account sees it once, before its first concern,
whatever its first message is and on every channel; the welcome keeps its button."""
from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from storage.tables import ChannelIdentity
from tests.support.chat import ChatUser
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, bot_settings, seed_roster
from tests.support.web import WebBot, WebUser, _token

NOTICE = "隐私说明"
STUDENT = "2023010103"


def _screen(user: ChatUser) -> str:
    """Everything the user was sent, in order, as one text."""
    return "\n".join(user.text_of(m) for m in user.messages())


async def _noticed(db_url: str, external_id: str) -> bool:
    (at,), = await query(db_url, select(ChannelIdentity.privacy_noticed_at).where(
        ChannelIdentity.external_id == external_id))
    return at is not None


async def test_notice_once_on_every_telegram_path(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            # Bare /start: the notice, then the welcome with the button its text names.
            a = ChatUser(api, 5001)
            a.say("/start")
            welcome = await a.expect("师生诉求平台")
            assert NOTICE in _screen(a)
            assert _screen(a).index(NOTICE) < _screen(a).index("师生诉求平台")
            assert any("提交诉求" in b["text"] for b in a.buttons(welcome))
            a.say("/start")
            again = await a.expect("师生诉求平台")
            assert NOTICE not in a.text_of(again)
            assert any("提交诉求" in b["text"] for b in a.buttons(again))
            # /start CODE: the deep link binds and tells about privacy too.
            b = ChatUser(api, 5002)
            b.say(f"/start {await binding_code(db_url, STUDENT)}")
            await b.expect("绑定成功")
            assert NOTICE in _screen(b)
            # An unbound person who just types: the notice comes before the first question.
            c = ChatUser(api, 5003)
            c.say("宿舍的灯坏了")
            await c.expect("请先选择您所在的学院")
            screen = _screen(c)
            assert NOTICE in screen and screen.index(NOTICE) < screen.index("请先选择您所在的学院")
            # Never twice, whatever comes next.
            for user, cancelled in ((a, "当前没有进行中的操作"), (b, "当前没有进行中的操作"),
                                    (c, "已取消")):  # c was asked for a college
                user.say("/cancel")
                user.say("/help")
                await user.expect(cancelled)
                await user.expect("心桥使用帮助")
            b.say("水房没有热水")
            await b.expect("请选择诉求类别")
            await asyncio.sleep(0.3)
            for user in (a, b, c):
                assert _screen(user).count(NOTICE) == 1, user.user_id
    for uid in ("5001", "5002", "5003"):
        assert await _noticed(db_url, uid)


async def test_notice_on_the_web_chats_first_message(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        user = WebUser(web, token)
        await user.say("宿舍的灯坏了")
        await user.expect("请选择诉求类别")
        events = [e["html"] for e in (await user.history())["events"]]
        first_question = next(i for i, h in enumerate(events) if "请选择诉求类别" in h)
        assert any(NOTICE in h for h in events[:first_question + 1])
        await user.say("/cancel")
        await user.say("/start")
        await user.expect("师生诉求平台")
        await asyncio.sleep(0.3)
        events = [e["html"] for e in (await user.history())["events"]]
        assert sum(h.count(NOTICE) for h in events) == 1


async def _notice_after(user: WebUser, answer: str) -> None:
    """The account's first action got ``answer`` first, the notice only after it."""
    await user.expect(answer)
    await user.expect(NOTICE)
    events = [e["html"] for e in (await user.history())["events"]]
    assert sum(h.count(NOTICE) for h in events) == 1
    at = max(i for i, h in enumerate(events) if answer in h)
    assert events.index(next(h for h in events if NOTICE in h)) > at, events


async def test_a_staff_members_first_action_is_answered_before_the_notice(
        db_url: str, tmp_path: Path) -> None:
    """Staff who open the web page for a task card (no /start: the card is there) get
    the answer to their first press or /tasks straight away; the notice follows it."""
    member, counsellor, admin = "2022010202", "9001000003", "9104000001"
    await seed_roster(db_url)
    tokens = {n: await _token(db_url, n) for n in (member, counsellor, admin)}
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        m, c, a = (WebUser(web, tokens[n]) for n in (member, counsellor, admin))
        stu = ChatUser(api, 5001)
        stu.say(f"/start {await binding_code(db_url, STUDENT)}")
        await stu.expect("绑定成功")
        staff = ChatUser(api, 5002)  # 后勤保障处: no zone covers 网络与信息化 for them
        staff.say(f"/start {await binding_code(db_url, '9101000002')}")
        await staff.expect("绑定成功")
        # The member's first message: /tasks, for the card that came in.
        stu.say("3号楼水房没有热水")
        await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
        await stu.press(await stu.expect("请选择诉求性质"), "求助")
        await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
        await stu.expect("诉求已提交")
        await m.expect("新诉求")
        await m.say("/tasks")
        await _notice_after(m, "待办诉求")
        # The counsellor's first message: 我来处理 on a crisis page.
        stu.say("我真的不想活了")
        await stu.expect("12356")  # the caring reply with the hotline, at once
        await c.press(await c.expect("心理危机个案"), "我来处理")
        await _notice_after(c, "您已接手")
        # The admin's first message: a dispatch press on the queue notice.
        staff.say("办公楼的校园网经常断线")
        await staff.press(await staff.expect("请选择诉求类别"), "网络与信息化")
        await staff.press(await staff.expect("请选择诉求性质"), "投诉")
        await staff.press(await staff.expect("请确认您的诉求"), "确认提交")
        await staff.expect("已进入待分派队列")
        queued = await a.expect("待分派诉求")
        name = queued["buttons"][0][0]["label"]
        await a.press(queued, name)
        await _notice_after(a, f"已分派给 {name}")
        await staff.expect("已分派给负责的党员同志办理")
