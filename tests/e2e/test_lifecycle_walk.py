"""The whole 接诉即办 loop through the real bot: every step's messages and audit rows."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from storage.tables import Concern, ConcernEvent, Person, RelayMessage
from tests.support.chat import ChatUser
from tests.support.db import query, sweep_followups
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, bot_settings, seed_roster

STUDENT, MEMBER_A, MEMBER_B = "2023010103", "2022010202", "2022010201"
SECRETARY, COLLEGE = "9001000003", "9001000001"  # ACC-S1 secretary; ACC committee



async def _events(db_url: str) -> list[tuple[str, str | None]]:
    return [(k, to) for k, to in await query(
        db_url, select(ConcernEvent.kind, ConcernEvent.to_status).order_by(ConcernEvent.id))]


class Ledger:
    """Checks, step by step, exactly which audit rows each step added."""

    def __init__(self, db_url: str) -> None:
        self.db_url, self.seen = db_url, 0

    async def step(self, *expected: tuple[str, str | None]) -> None:
        for _ in range(200):
            events = await _events(self.db_url)
            if len(events) >= self.seen + len(expected):
                break
            await asyncio.sleep(0.02)
        assert events[self.seen:] == list(expected)
        self.seen = len(events)



async def test_full_lifecycle(db_url: str) -> None:
    await seed_roster(db_url)
    name_b = (await query(db_url, select(Person.name).where(Person.number == MEMBER_B)))[0][0]
    async with FakeBotAPI(token=TOKEN) as api:
        people = {}
        for uid, number in ((5001, STUDENT), (6001, MEMBER_A), (6002, MEMBER_B),
                            (6003, SECRETARY), (6004, COLLEGE)):
            people[number] = ChatUser(api, uid)
        stu, a, b = people[STUDENT], people[MEMBER_A], people[MEMBER_B]
        sec, col = people[SECRETARY], people[COLLEGE]
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            for number, user in people.items():
                user.say(f"/start {await binding_code(db_url, number)}")
                await user.expect("绑定成功")
            # 1-2. submit, dispatch to the 3号楼 logistics member
            stu.say("3号楼水房没有热水")
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            await stu.press(await stu.expect("请选择诉求性质"), "求助")
            await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
            await stu.expect("诉求已提交")
            card_a = await a.expect("新诉求")
            ledger = Ledger(db_url)
            await ledger.step(("received", "received"), ("dispatched", "dispatched"))
            # 3. return with a reason
            await a.press(card_a, "↩️ 退单")
            await a.expect("请输入退单理由")
            a.say("这栋楼不归我负责")
            await a.expect("已退单")
            await stu.expect("正在重新安排")
            returned = await sec.expect("被退单")
            assert "这栋楼不归我负责" in sec.text_of(returned)
            await ledger.step(("returned", "returned"))
            # 4. the secretary re-dispatches to member B
            await sec.press(returned, name_b)
            await sec.expect("已重新分派")
            card_b = await b.expect("新诉求")
            await stu.expect("已重新分派给其他党员")
            await ledger.step(("redispatched", "dispatched"))
            # 5. accept: the card updates in place, the student is told
            await b.press(card_b, "✅ 签收")
            edited = await b.expect("已签收")
            assert edited.method == "editMessageText"
            accepted = await stu.expect("已由负责的党员签收")
            await ledger.step(("accepted", "accepted"))
            # The requester adds a photo to the open concern; it reaches the handler.
            await stu.press(accepted, "💬 回复")
            await stu.expect("请输入要回复处理人的内容")
            api.push_photo(5001, "photo-boiler", caption="这是水房的照片")
            await stu.expect("已转达")
            added = await b.expect("这是水房的照片")
            assert added.method == "sendPhoto" and added.params["photo"] == "photo-boiler"
            # 6. relay both ways; the first message is first contact
            await b.press(edited, "💬 联系诉求人")
            await b.expect("请输入要发给诉求人的消息")
            b.say("我明天上午来水房看看")
            await b.expect("已转达")
            relayed = await stu.expect("处理人的消息")
            assert "我明天上午来水房看看" in stu.text_of(relayed)
            await stu.press(relayed, "💬 回复")
            await stu.expect("请输入要回复处理人的内容")
            stu.say("好的，谢谢")
            await stu.expect("已转达")
            back = await b.expect("诉求人的回复")
            await ledger.step(("first_contact", "in_progress"))
            # 7. extension, approved by the college
            await b.press(back, "⏳ 申请延期")
            await b.expect("请输入延期截止日期")
            b.say("2026-12-20 需要等锅炉配件")
            await b.expect("已提交延期申请")
            await stu.expect("已申请延期至 2026-12-20")
            ask = await col.expect("延期申请")
            await col.press(ask, "批准")
            await col.expect("延期申请已批准")
            approved = await b.expect("延期申请已批准")
            await stu.expect("学院党委已批准诉求")
            await ledger.step(("extension_requested", "extension_requested"),
                              ("extension_approved", "in_progress"))
            # 8. reply
            await b.press(approved, "📨 答复办结")
            await b.expect("请输入答复内容")
            b.say("锅炉已修好，热水恢复")
            await b.expect("已答复")
            await stu.expect("锅炉已修好，热水恢复")
            await ledger.step(("replied", "replied"))
            # 9-10. follow-up answered 不满意 reopens it to the same member
            assert await sweep_followups(db_url, 7) == (1, 0)
            q1 = await stu.expect("负责的党员是否与您联系过")
            await stu.press(q1, "联系过")
            await stu.press(await stu.expect("您的问题解决了吗"), "已解决")
            await stu.press(await stu.expect("您对办理情况满意吗"), "不满意")
            await stu.expect("已退回重办")
            reopened = await b.expect("退回重办")
            await ledger.step(("revisit_started", "revisit"), ("reopened", "reopened"),
                              ("redispatched", "dispatched"))
            # 11. accept and reply again
            await b.press(reopened, "✅ 签收")
            again = await b.expect("已签收")
            await stu.expect("已由负责的党员签收")
            await b.press(again, "📨 答复办结")
            await b.expect("请输入答复内容")
            b.say("已更换阀门并复查")
            await b.expect("已答复")
            await stu.expect("已答复：\n已更换阀门并复查")
            await ledger.step(("accepted", "accepted"), ("replied", "replied"))
            # 12-13. 满意 closes it
            assert await sweep_followups(db_url, 14) == (1, 0)
            await stu.press(await stu.expect("负责的党员是否与您联系过"), "联系过")
            await stu.press(await stu.expect("您的问题解决了吗"), "已解决")
            await stu.press(await stu.expect("您对办理情况满意吗"), "满意")
            await stu.expect("已办结")
            stu.say("师傅很负责")  # the optional comment
            await stu.expect("已记录您对诉求")
            await ledger.step(("revisit_started", "revisit"), ("revisit_satisfied", "closed"),
                              ("revisit_comment", None))
            # Every message each person received was one the walk expected, in order
            # (expect fails on any other), and nothing came after the last step.
            await asyncio.sleep(0.3)  # anything unexpected would have arrived by now
            for user in people.values():
                await user.assert_quiet(wait=0)
    assert await _events(db_url) == [
        ("received", "received"), ("dispatched", "dispatched"),
        ("returned", "returned"), ("redispatched", "dispatched"),
        ("accepted", "accepted"), ("first_contact", "in_progress"),
        ("extension_requested", "extension_requested"), ("extension_approved", "in_progress"),
        ("replied", "replied"), ("revisit_started", "revisit"), ("reopened", "reopened"),
        ("redispatched", "dispatched"), ("accepted", "accepted"), ("replied", "replied"),
        ("revisit_started", "revisit"), ("revisit_satisfied", "closed"),
        ("revisit_comment", None)]
    (c,) = [r for (r,) in await query(db_url, select(Concern))]
    assert (c.status, c.reopen_count, c.revisit_rating) == ("closed", 1, "satisfied")
    assert c.revisit_comment == "师傅很负责"
    assert c.first_contact_at is not None and c.closed_at is not None
    relays = await query(db_url, select(RelayMessage.direction, RelayMessage.text))
    assert relays == [("to_handler", "这是水房的照片"), ("to_requester", "我明天上午来水房看看"),
                      ("to_handler", "好的，谢谢")]
    # The original member never saw anything after returning it.
    assert not [m for m in a.messages()[a.seen:] if "诉求人的回复" in a.text_of(m)]
