"""Every pressed button gets exactly one answerCallbackQuery, whatever the button was.

Without an answer Telegram keeps a spinner on the button; two answers are an error. The
walk presses every kind of button (each Verb of core.actions, in a state where it works)
plus a forged and a stale one, then counts the answers per callback query id.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from core.clock import SystemClock

from core.actions import Verb, decode
from storage.tables import Person, ReceptionSession
from tests.support.chat import ChatUser
from tests.support.db import execute, query, sweep_followups
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.db import materialise_reception
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster
from tests.support.web import WebBot, WebUser, _token

STUDENT, MEMBER_A, MEMBER_B = "2023010103", "2022010202", "2022010201"
SECRETARY, COLLEGE = "9001000003", "9001000001"  # ACC-S1 secretary (and counsellor); committee


class Presser:
    """Presses buttons and remembers which verbs were pressed."""

    def __init__(self) -> None:
        self.verbs: set[Verb] = set()

    async def press(self, user: ChatUser, call: object, label: str) -> None:
        data = await user.press(call, label)
        self.verbs.add(decode(data).verb)


async def _unbound_walk(api: FakeBotAPI, p: Presser) -> None:
    """An unbound person: the whole intake by buttons, a stale, a forged button, /lang."""
    u = ChatUser(api, 4001, "路人")
    u.say("/start")
    await p.press(u, await u.expect("提交诉求"), "📝 提交诉求")                   # NEW
    await p.press(u, await u.expect("请先选择您所在的学院"), "会计学院")         # COLLEGE
    await p.press(u, await u.expect("请选择您的宿舍楼"), "3号楼")              # BUILDING
    category = await u.expect("请选择诉求类别")
    await p.press(u, category, "后勤生活")                                   # CATEGORY
    await p.press(u, await u.expect("请选择诉求性质"), "求助")                  # TYPE
    await u.expect("请描述您的诉求")
    u.say("水房没有热水")
    await p.press(u, await u.expect("已收到"), "✅ 写好了")                       # DONE
    await p.press(u, await u.expect("请确认您的诉求"), "⚖️ 涉及党员")               # ABOUT
    await p.press(u, await u.expect("哪位党员所在的党支部"), "不确定 / 不说明")     # ABOUT_BRANCH
    confirm = await u.expect("请确认您的诉求")  # the summary again, in place
    await u.expect("已标记：涉及党员（支部：—）")
    await p.press(u, confirm, "确认提交")                                     # CONFIRM
    await u.expect("诉求已提交")
    await u.press(category, "后勤生活")  # a button of a step long gone
    await u.expect("这个按钮已过期")
    api.push_callback(u.user_id, "x1:zz:1:0", 1)  # a payload this bot never drew
    await u.expect("这个按钮无效")
    api.push_callback(u.user_id, "x1:new::0", 1, chat_id=-1001)  # in a group: no flow runs
    await api.wait_for(lambda a: a.sent(-1001))
    u.say("/lang")
    await p.press(u, await u.expect("请选择语言"), "中文")                      # LANG
    await u.expect("已切换为中文")
    u.say("/new")
    await p.press(u, await u.expect("请选择诉求类别"), "取消")                   # CANCEL
    await u.expect("已取消")


async def _submit(stu: ChatUser, text: str) -> None:
    stu.say(text)
    await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
    await stu.press(await stu.expect("请选择诉求性质"), "求助")
    await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
    await stu.expect("诉求已提交")


async def _handling_walk(api: FakeBotAPI, db_url: str, p: Presser) -> None:
    users = {n: await bound_chat(api, db_url, n, uid) for n, uid in (
        (STUDENT, 5001), (MEMBER_A, 6001), (MEMBER_B, 6002), (SECRETARY, 6003),
        (COLLEGE, 6004))}
    stu, a, sec, col = users[STUDENT], users[MEMBER_A], users[SECRETARY], users[COLLEGE]
    await _submit(stu, "3号楼水房没有热水")
    await p.press(a, await a.expect("新诉求"), "✅ 签收")                          # ACCEPT
    card = await a.expect("已签收")
    await stu.expect("已由负责的党员签收")
    await p.press(a, card, "💬 联系诉求人")                                        # CONTACT
    await a.expect("请输入要发给诉求人的消息")
    a.say("我明天来看")
    await a.expect("已转达")
    await p.press(stu, await stu.expect("处理人的消息"), "💬 回复")                 # ANSWER
    await stu.expect("请输入要回复处理人的内容")
    stu.say("好的")
    await stu.expect("已转达")
    await p.press(a, await a.expect("诉求人的回复"), "⏳ 申请延期")                  # EXTEND
    await a.expect("请输入延期截止日期")
    a.say("2030-12-20 等配件")
    await a.expect("已提交延期申请")
    await stu.expect("已申请延期至 2030-12-20")
    await p.press(col, await col.expect("申请延至"), "批准")                     # EXT_OK
    await col.expect("延期申请已批准")
    approved = await a.expect("延期申请已批准")
    await stu.expect("学院党委已批准")
    await p.press(a, approved, "⏳ 申请延期")
    await a.expect("请输入延期截止日期")
    a.say("2030-12-21 还要等")
    await a.expect("已提交延期申请")
    await stu.expect("已申请延期至 2030-12-21")
    await p.press(col, await col.expect("申请延至"), "不批准")                    # EXT_NO
    await col.expect("延期申请未获批准")
    denied = await a.expect("延期申请未获批准")
    await stu.expect("学院党委未批准")
    await p.press(a, denied, "📨 答复办结")                                        # REPLY
    await a.expect("请输入答复内容")
    a.say("已修好")
    await a.expect("已答复")
    await stu.expect("已答复：\n已修好")
    assert await sweep_followups(db_url, 7) == (1, 0)
    await p.press(stu, await stu.expect("是否与您联系过"), "联系过")              # REVISIT
    await p.press(stu, await stu.expect("您的问题解决了吗"), "已解决")
    await p.press(stu, await stu.expect("您对办理情况满意吗"), "满意")
    await stu.expect("已办结")
    stu.say("/cancel")  # no comment on the rating
    await stu.expect("已取消")
    # A second concern: returned, then re-dispatched by the branch secretary.
    await _submit(stu, "3号楼洗衣机坏了")
    await p.press(a, await a.expect("新诉求"), "↩️ 退单")                          # RETURN
    await a.expect("请输入退单理由")
    a.say("不归我管")
    await a.expect("已退单")
    await stu.expect("正在重新安排")
    name_b = (await query(db_url, select(Person.name).where(Person.number == MEMBER_B)))[0][0]
    await p.press(sec, await sec.expect("被退单"), name_b)                      # REDISPATCH
    await sec.expect("已重新分派")
    await users[MEMBER_B].expect("新诉求")
    await stu.expect("已重新分派给其他党员")
    # Crisis wording pages the counsellor, who takes the case and closes it.
    stu.say("我真的不想活了")
    await stu.expect("你并不孤单")  # the caring reply with the hotlines
    await p.press(sec, await sec.expect("心理危机个案"), "🆘 我来处理")             # CRISIS_ACK
    await p.press(sec, await sec.expect("您已接手"), "✅ 结案")                     # CRISIS_CLOSE
    await sec.expect("结案说明")


async def _reception_walk(api: FakeBotAPI, db_url: str, p: Presser) -> None:
    """Book a reception day, see its topics, join one (同问), cancel."""
    stu = await bound_chat(api, db_url, "2023010104", 7301)
    other = await bound_chat(api, db_url, "2023010101", 7302)
    stu.say("/reception")
    listing = await stu.expect("领导接待日（未来四周）")
    book = next(b["text"] for b in stu.buttons(listing) if b["text"].startswith("预约 "))
    day = book.removeprefix("预约 ")
    await p.press(stu, listing, book)                                                 # RC_BOOK
    await stu.expect("不提供匿名预约")
    stu.say("希望延长晚间热水供应时间")
    await p.press(stu, await stu.expect("请确认预约"), "确认预约")                      # RC_CONFIRM
    await stu.expect("✅ 已预约")
    other.say("/reception")
    await p.press(other, await other.expect("领导接待日（未来四周）"), f"议题 {day}")   # RC_TOPICS
    await p.press(other, await other.expect("已预约的议题"), "同问 #1")                 # RC_JOIN
    await other.expect("✅ 已加入")
    stu.say("/reception")
    await p.press(stu, await stu.expect("我的预约"), f"取消 {day} 的预约")             # RC_CANCEL
    await stu.expect(f"已取消 {day}")
    leader = await bound_chat(api, db_url, "9200000001", 7303)
    await _record_walk(api, db_url, p, leader, other, day)
    leader.say("/feed")
    await p.press(leader, await leader.expect("日历订阅链接"), "停止订阅链接")          # RC_FEED_STOP
    await leader.expect("已停用您的接待日日历订阅链接")


async def _record_walk(api: FakeBotAPI, db_url: str, p: Presser, leader: ChatUser,
                       other: ChatUser, day: str) -> None:
    """The leader's agenda before the session, then (the session moved into the past, as
    time would) recording one topic answered and one followed up by a unit."""
    third = await bound_chat(api, db_url, "2023010102", 7304)
    third.say("/reception")
    await p.press(third, await third.expect("领导接待日（未来四周）"), f"预约 {day}")
    await third.expect("不提供匿名预约")
    third.say("图书馆座位不够")
    await p.press(third, await third.expect("请确认预约"), "确认预约")
    await third.expect("✅ 已预约")
    leader.say("/reception")
    await p.press(leader, await leader.expect("领导接待日"), f"📋 {day} 接待议程")      # RC_RECORD
    await leader.expect("领导接待日议程")
    ago = SystemClock().now() - timedelta(hours=2)
    await execute(db_url, update(ReceptionSession).where(
        ReceptionSession.local_date == date.fromisoformat(day)).values(
        starts_at=ago, ends_at=ago + timedelta(hours=1)))
    leader.say("/reception")
    held = ago.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    await p.press(leader, await leader.expect("领导接待日"), f"📝 记录 {held} 接待结果")
    card = await leader.expect("接待结果记录")
    await p.press(leader, card, "#2 当场答复")                                         # RC_ANSWERED
    await leader.expect("尚有 1 个议题待记录")
    await p.press(leader, card, "#1 跟进办理")                                         # RC_FOLLOW
    picker = await leader.expect("请选择负责跟进")
    await p.press(leader, picker, "后勤保障处")                                         # RC_UNIT
    await leader.expect("✅ 已转为诉求")
    await other.expect("已转为诉求")
    await third.expect("已记录为当场答复")


async def _survey_walk(api: FakeBotAPI, db_url: str, p: Presser) -> None:
    """A survey pushed to a student: start, pick, toggle, next, back, text, submit."""
    from tests.e2e.test_survey_chat import _create_and_push

    stu = await bound_chat(api, db_url, "2023020101", 7801)  # 经济学院: nobody else here
    await _create_and_push(db_url, "ECO")
    invite = await stu.expect("食堂满意度调查")
    await p.press(stu, invite, "📝 开始填写")                                          # SV_OPEN
    await p.press(stu, await stu.expect("1/2"), "1")                                   # SV_PICK
    await p.press(stu, await stu.expect("2/3"), "价格")
    await p.press(stu, await stu.expect("2/3"), "下一题 ➡️")                            # SV_NEXT
    await p.press(stu, await stu.expect("3/3"), "⬅️ 上一题")                            # SV_BACK
    await p.press(stu, await stu.expect("2/3"), "下一题 ➡️")
    await stu.expect("3/3")
    stu.say("太贵了")
    await p.press(stu, await stu.expect("已回答全部 3 题"), "✅ 提交问卷")              # SV_SUBMIT
    await stu.expect("✅ 已提交")
    admin = await bound_chat(api, db_url, "9104000001", 7802)
    admin.say("/survey close canteen-2026")
    await p.press(admin, await admin.expect("确定结束问卷"), "确认")                    # SA_CONFIRM
    await admin.expect("状态：已结束")


async def _privacy_walk(api: FakeBotAPI, db_url: str, p: Presser) -> None:
    """Two erasure requests of a person with nothing held: one refused, one approved."""
    stu = await bound_chat(api, db_url, "2023030101", 7803)
    admin = await bound_chat(api, db_url, "9104000001", 7804)
    for decide in ("拒绝", "同意删除"):
        stu.say("/erase")
        await p.press(stu, await stu.expect("申请删除个人信息"), "确认申请删除")     # PV_ERASE
        await stu.expect("删除申请已提交")
        await p.press(admin, await admin.expect("个人信息删除申请"), decide)  # PV_REFUSE, PV_APPROVE
        if decide == "拒绝":
            await admin.expect("请输入拒绝的理由")
            admin.say("测试：请先办结诉求")
            await admin.expect("已拒绝该删除申请")
            await stu.expect("您的删除申请未获同意")
        else:
            await admin.expect("已同意并执行该删除申请")
            await stu.expect("您的删除申请已获同意")


async def _reception_admin_walk(api: FakeBotAPI, db_url: str, p: Presser) -> None:
    """An admin adds a schedule by command and removes it, confirming by button."""
    admin = await bound_chat(api, db_url, "9104000001", 7399)
    admin.say("/receptions add code=R-WALK leader=9200000001 place=测试室 repeat=weekly "
              "weekday=一 start=08:00 end=09:00")
    await admin.expect("已新增接待安排")
    admin.say("/receptions remove R-WALK")
    await p.press(admin, await admin.expect("确定停用吗"), "确认停用")                  # RA_CONFIRM
    await admin.expect("已停用接待安排 R-WALK")


async def test_every_button_press_is_answered_exactly_once(db_url: str) -> None:
    await seed_roster(db_url)
    await materialise_reception(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            p = Presser()
            await _unbound_walk(api, p)
            await _handling_walk(api, db_url, p)
            await _reception_walk(api, db_url, p)
            await _reception_admin_walk(api, db_url, p)
            await _survey_walk(api, db_url, p)
            await _privacy_walk(api, db_url, p)
            assert p.verbs == set(Verb), f"not pressed: {set(Verb) - p.verbs}"
            with contextlib.suppress(TimeoutError):  # the assertion below says which
                await api.wait_for(lambda a: all(a.callback_answers().values()), timeout=10)
            await asyncio.sleep(0.5)  # a second answer would have arrived by now
            answers = api.callback_answers()
    assert len(answers) == len(api.callback_ids) >= len(Verb) + 2
    assert {qid: n for qid, n in answers.items() if n != 1} == {}


STALE, FORGED = "这个按钮已过期", "这个按钮无效"


async def test_a_stale_or_forged_press_is_said_once_on_telegram(db_url: str) -> None:
    """The refusal comes as one message; the press's answer only stops the spinner."""
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            u = ChatUser(api, 4001, "路人")
            u.say("/new")
            college = await u.expect("请先选择您所在的学院")
            await u.press(college, "会计学院")
            await u.expect("请选择您的宿舍楼")
            await u.press(college, "会计学院")  # the step is gone: stale
            await u.expect(STALE)
            api.push_callback(u.user_id, "x1:zz:1:0", 1)  # never drawn: forged
            await u.expect(FORGED)
            await asyncio.sleep(0.5)  # a second copy would have arrived by now
            shown = [u.text_of(m) for m in u.messages()] + [
                str(c.params.get("text") or "") for c in api.calls
                if c.method == "answerCallbackQuery"]
    assert sum(STALE in s for s in shown) == 1
    assert sum(FORGED in s for s in shown) == 1


async def test_a_stale_or_forged_press_is_said_once_on_the_web(db_url: str,
                                                               tmp_path: Path) -> None:
    """The page shows a press's answer as a toast line and the bot's message below it:
    the refusal must be one of them only."""
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        user = WebUser(web, token)
        await user.say("/new")
        category = await user.expect("请选择诉求类别")
        await user.press(category, "后勤生活")
        await user.expect("请选择诉求性质")
        since = (await user.history())["events"][-1]["id"]
        events: list[dict] = []
        async with web.http.get(f"{web.base}/api/events?since={since}",
                                headers=user._headers()) as stream:
            await user.press(category, "后勤生活")  # stale
            status, _ = await user.post({"client_id": "f1", "action": "x1:zz:1:0",
                                         "message_id": category["message_id"]})
            assert status == 202
            async def read() -> None:
                while sum(FORGED in e.get("html", "") for e in events) < 1:
                    line = await stream.content.readline()
                    if line.startswith(b"data: "):
                        events.append(json.loads(line[6:]))
            await asyncio.wait_for(read(), 10)
            with contextlib.suppress(TimeoutError):  # anything more that follows
                await asyncio.wait_for(read_more(stream, events), 0.5)
    shown = [e["html"] for e in events]
    assert sum(STALE in h for h in shown) == 1, shown
    assert sum(FORGED in h for h in shown) == 1, shown


async def read_more(stream: object, events: list[dict]) -> None:
    while True:
        line = await stream.content.readline()  # type: ignore[attr-defined]
        if line.startswith(b"data: "):
            events.append(json.loads(line[6:]))
