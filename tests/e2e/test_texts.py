"""What people read, through the real bot: help per channel, refusals that say why, a text
that is too long named for what it is, and English counts with their plural forms."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from handlers.router import MENU
from storage.tables import Person
from tests.support.chat import ChatUser
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster
from tests.support.telegram_html import problems
from tests.support.web import WebBot, WebUser, _token

STUDENT, MEMBER, SECRETARY = "2023010103", "2022010202", "9001000003"  # 3号楼; its member; ACC-S1
FAST = {"outbox": {"per_chat_per_second": 50.0}}
LONG = "长" * 2500  # over the default limit of 2000


async def test_telegram_help_lists_every_menu_command_and_what_each_role_does(
        db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api, RunningBot(bot_settings(db_url, api.base_url,
                                                                      **FAST)):
        stu = await bound_chat(api, db_url, STUDENT, 7101)
        stu.say("/help")
        text = stu.text_of(await stu.expect("心桥使用帮助"))
        for command, name in (("my", "我的诉求"), ("tasks", "我的待办（党员）"), ("new", "提交诉求"),
                              ("lang", "切换语言"), ("cancel", "取消当前操作")):
            assert f"/{command} {name}" in text, command
        assert all(f"/{c} " in text for c in MENU)
        assert "/start 绑定码" in text  # Telegram people bind with a code
        assert "党员：" in text and "/branch" in text and "/reveal" in text
        stu.say("/lang en")
        await stu.expect("Language set to English")
        stu.say("/help")
        text = stu.text_of(await stu.expect("Xinqiao help"))
        assert "/my My concerns" in text and "/tasks My tasks (Party members)" in text


async def test_web_help_has_no_binding_code_and_only_photos(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        me = WebUser(web, token)
        await me.say("/help")
        html = (await me.expect("心桥使用帮助"))["html"]
        assert "/my 我的诉求" in html and "/tasks 我的待办（党员）" in html
        assert "/start" not in html and "绑定码" not in html
        assert "文件" not in html and "JPEG" in html and "PNG" in html
        await me.say("/lang en")
        await me.expect("Language set to English")
        await me.say("/help")
        html = (await me.expect("Xinqiao help"))["html"]
        assert "/my My concerns" in html and "/start" not in html
        assert "file" not in html.lower() and "JPEG" in html


async def _submitted(api: FakeBotAPI, db_url: str) -> tuple[ChatUser, ChatUser, Any]:
    """The student's concern on the member's screen: (student, member, task card)."""
    stu = await bound_chat(api, db_url, STUDENT, 7201)
    mem = await bound_chat(api, db_url, MEMBER, 7202)
    stu.say("3号楼水房没有热水")
    await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
    await stu.press(await stu.expect("请选择诉求性质"), "求助")
    await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
    await stu.expect("诉求已提交")
    return stu, mem, await mem.expect("新诉求")


async def test_a_second_accept_says_it_was_accepted_and_by_whom(db_url: str) -> None:
    await seed_roster(db_url)
    member_name = (await query(db_url, select(Person.name).where(Person.number == MEMBER)))[0][0]
    async with FakeBotAPI(token=TOKEN) as api, RunningBot(bot_settings(db_url, api.base_url,
                                                                      **FAST)):
        stu, mem, card = await _submitted(api, db_url)
        sec = await bound_chat(api, db_url, SECRETARY, 7203)
        # 签收 twice (a double tap, or the same card on a second device): it says so.
        accept = await mem.press(card, "✅ 签收")
        await mem.expect("已签收")
        await stu.expect("已由负责的党员签收")
        await mem.press(card, "✅ 签收")
        again = mem.text_of(await mem.expect("签收"))
        assert "您已签收过此诉求" in again and "当前状态下不能进行此操作" not in again
        # Anyone else with a say over the concern learns who accepted it.
        api.push_callback(7203, accept, int(card.result["message_id"]))
        assert f"此诉求已由 {member_name} 签收" in sec.text_of(await sec.expect("签收"))


async def test_an_over_long_relay_is_named_for_what_it_is(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api, RunningBot(bot_settings(db_url, api.base_url,
                                                                      **FAST)):
        stu, mem, card = await _submitted(api, db_url)
        await mem.press(card, "✅ 签收")
        accepted = await mem.expect("已签收")
        await stu.expect("已由负责的党员签收")
        # The member's over-long message to the requester is named as such, not as a
        # concern's text; the step waits, and the shortened one goes through.
        await mem.press(accepted, "💬 联系诉求人")
        await mem.expect("请输入要发给诉求人的消息")
        mem.say(LONG)
        too_long = mem.text_of(await mem.expect("过长"))
        assert "发给诉求人的消息过长（2500 字），最多 2000 字" in too_long
        assert "诉求正文" not in too_long
        mem.say("我明天上午来水房看看")
        await mem.expect("已转达")
        relayed = await stu.expect("处理人的消息")
        # The requester's answer has a limit too, named for what it is.
        await stu.press(relayed, "💬 回复")
        await stu.expect("请输入要回复处理人的内容")
        stu.say(LONG)
        assert "回复处理人的内容过长（2500 字）" in stu.text_of(await stu.expect("过长"))
        stu.say("好的，谢谢")
        await stu.expect("已转达")
        await mem.expect("好的，谢谢")


async def test_english_counts_have_plural_forms_and_usage_lines_are_valid(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api, RunningBot(bot_settings(db_url, api.base_url,
                                                                      **FAST)):
        stu, mem, _ = await _submitted(api, db_url)
        for user in (stu, mem):
            user.say("/lang en")
            await user.expect("Language set to English")
        stu.say("/my")
        assert "You have 1 concern:" in stu.text_of(await stu.expect("You have"))
        mem.say("/tasks")
        assert "<b>1 open concern</b>" in mem.text_of(await mem.expect("open concern"))
        api.push_sticker(7201)
        assert "I can't read stickers yet." in stu.text_of(await stu.expect("can't read"))
        for command in ("merge", "reject"):  # /reveal refuses a non-supervisor first
            mem.say(f"/{command}")
            usage = mem.text_of(await mem.expect(f"Usage: /{command}"))
            assert problems(usage) == [], usage  # "<number>" is no tag Telegram knows
