"""Anonymity, attacked: a full anonymous lifecycle must not leak the requester to handlers.

The requester gets a distinctive value in every identifying field (roster name, student
number, dorm building and room, phone; Telegram id, username, first and last name). The
whole 接诉即办 loop then runs through the real bot, and every call the fake Bot API logged
towards the handlers' chats (all parameters: text, captions, edits, reply_markup and
callback_data) is searched for each value. A control run of the same flow without
anonymity must find them, which shows the search can see a leak. Finally the identity
escrow: /reveal by the identity supervisor (audited, requester told), by anyone else
(refused, audited).
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from core.clock import SystemClock
from storage.db import make_engine, session_factory
from storage.tables import AuditLog, Concern, OrgUnit, Person, ResponsibilityZone
from tests.support.chat import ChatUser
from tests.support.db import query, sweep_followups
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, bot_settings, seed_roster

MEMBER_A, MEMBER_B = "2022010202", "2022010201"      # ACC-S1 party members
SECRETARY, SUPERVISOR = "9001000003", "9104000002"   # ACC-S1 secretary; identity supervisor

# The requester: a distinctive value in every field that could identify them.
NAME, NUMBER, BUILDING, ROOM, PHONE = "欧阳砚秋", "S2077991357", "梧桐苑Q7栋", "Q7-4821", "13957246810"
TG_ID, TG_USERNAME, FIRST, LAST = 7300419921, "zq_secret_handle", "Zephyrine", "Quillfeather"
DOC_NAME, RELAY_DOC_NAME = "砚秋的报修单.pdf", "砚秋补充照片说明.docx"  # file names name them too
SECRETS = {"name": NAME, "number": NUMBER, "building": BUILDING, "room": ROOM, "phone": PHONE,
           "telegram id": str(TG_ID), "username": TG_USERNAME, "first name": FIRST,
           "last name": LAST, "file name": "砚秋"}
USER = {"id": TG_ID, "is_bot": False, "first_name": FIRST, "last_name": LAST,
        "username": TG_USERNAME, "language_code": "zh-hans"}


class Requester(ChatUser):
    """Sends with the full Telegram profile (last name too), as a real client does."""

    def say(self, text: str) -> int:
        return self.api.push_text(self.user_id, text, first_name=FIRST, username=TG_USERNAME,
                                  **{"from": USER})

    def send_document(self, file_id: str, file_name: str, caption: str) -> int:
        return self.api.push_document(self.user_id, file_id, file_name, "application/pdf",
                                      caption, content=b"%PDF-1.4 " + file_name.encode(),
                                      first_name=FIRST, username=TG_USERNAME, **{"from": USER})

    async def press(self, call: Any, label: str) -> str:
        for b in self.buttons(call):
            if label in b["text"]:
                msg_id = call.params.get("message_id") or call.result["message_id"]
                self.api.push_callback(self.user_id, b["callback_data"], int(msg_id),
                                       first_name=FIRST, username=TG_USERNAME)
                return b["callback_data"]
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in self.buttons(call)]}")



async def _add_requester(db_url: str) -> None:
    """The requester lives in a building of their own, with a logistics zone for member A."""
    engine = make_engine(db_url)
    now = SystemClock().now()
    async with session_factory(engine)() as s, s.begin():
        branch = await s.scalar(select(OrgUnit.id).where(OrgUnit.code == "ACC-S1"))
        member_a = await s.scalar(select(Person.id).where(Person.number == MEMBER_A))
        member_b = await s.scalar(select(Person.id).where(Person.number == MEMBER_B))
        s.add(Person(number=NUMBER, name=NAME, kind="student", unit_id=branch, grade="2023",
                     class_name="会计2301", dorm_building=BUILDING, dorm_room=ROOM, phone=PHONE,
                     verified=True, active=True, created_at=now, updated_at=now))
        s.add(ResponsibilityZone(code="Z-WT-LOG", name="梧桐苑后勤责任区", category="logistics",
                                 scope="dorm_building", value=BUILDING, member_id=member_a,
                                 deputy_id=member_b, active=True))
    await engine.dispose()



def _leaks(api: FakeBotAPI, chats: set[int]) -> dict[str, list[str]]:
    """Which secrets appear in any call towards ``chats`` (or with no chat, e.g. toasts)."""
    found: dict[str, list[str]] = {}
    for call in api.calls:
        chat = call.params.get("chat_id")
        if chat is not None and chat not in chats:
            continue
        if call.method == "getUpdates":
            continue
        blob = json.dumps(call.params, ensure_ascii=False, default=str)
        for key in ("document", "photo"):  # sent by file_id: the member sees its file name
            ref = call.params.get(key)
            if isinstance(ref, str) and ref in api._files:
                blob += api._files[ref][1]
        for what, value in SECRETS.items():
            if value in blob:
                found.setdefault(what, []).append(f"{call.method}: {blob[:200]}")
    return found


async def _lifecycle(db_url: str, api: FakeBotAPI, *, anonymous: bool) -> dict[str, ChatUser]:
    """Submit, return, re-dispatch, accept, relay both ways, reply, 回访 (reopen), close."""
    name_b = (await query(db_url, select(Person.name).where(Person.number == MEMBER_B)))[0][0]
    stu = Requester(api, TG_ID)
    a, b, sec = ChatUser(api, 6001), ChatUser(api, 6002), ChatUser(api, 6003)
    users = {NUMBER: stu, MEMBER_A: a, MEMBER_B: b, SECRETARY: sec}
    for number, user in users.items():
        user.say(f"/start {await binding_code(db_url, number)}")
        await user.expect("绑定成功")
    stu.send_document("doc-intake", DOC_NAME, "宿舍热水器坏了，洗不了澡")
    await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
    await stu.press(await stu.expect("请选择诉求性质"), "求助")
    await stu.press(await stu.expect("请确认您的诉求"), "🙈 匿名提交" if anonymous else "确认提交")
    await stu.expect("诉求已提交")
    card_a = await a.expect("新诉求")
    await a.expect("附件")
    await a.press(card_a, "↩️ 退单")
    await a.expect("请输入退单理由")
    a.say("不归我管")
    await a.expect("已退单")
    await sec.press(await sec.expect("被退单"), name_b)
    await sec.expect("已重新分派")
    card_b = await b.expect("新诉求")
    await b.expect("附件")
    await stu.expect("正在重新安排")
    await stu.expect("已重新分派")
    await b.press(card_b, "✅ 签收")
    accepted = await b.expect("已签收")
    await stu.expect("已由负责的党员签收")
    await b.press(accepted, "💬 联系诉求人")
    await b.expect("请输入要发给诉求人的消息")
    b.say("我下午来看看热水器")
    await b.expect("已转达")
    relayed = await stu.expect("处理人的消息")
    await stu.press(relayed, "💬 回复")
    await stu.expect("请输入要回复处理人的内容")
    stu.send_document("doc-relay", RELAY_DOC_NAME, "好的，我下午在")
    await stu.expect("已转达")
    back = await b.expect("诉求人的回复")
    await b.press(back, "📨 答复办结")
    await b.expect("请输入答复内容")
    b.say("已更换热水器")
    await b.expect("已答复")
    await stu.expect("已更换热水器")
    assert await sweep_followups(db_url, 7) == (1, 0)
    await stu.press(await stu.expect("负责的党员是否与您联系过"), "联系过")
    await stu.press(await stu.expect("您的问题解决了吗"), "未解决")
    await stu.press(await stu.expect("您对办理情况满意吗"), "不满意")
    await stu.expect("已退回重办")
    reopened = await b.expect("退回重办")
    await b.press(reopened, "✅ 签收")
    again = await b.expect("已签收")
    await stu.expect("已由负责的党员签收")
    await b.press(again, "📨 答复办结")
    await b.expect("请输入答复内容")
    b.say("已更换阀门")
    await b.expect("已答复")
    await stu.expect("已更换阀门")
    assert await sweep_followups(db_url, 14) == (1, 0)
    await stu.press(await stu.expect("负责的党员是否与您联系过"), "联系过")
    await stu.press(await stu.expect("您的问题解决了吗"), "已解决")
    await stu.press(await stu.expect("您对办理情况满意吗"), "满意")
    await stu.expect("已办结")
    return users


@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymous", "control"])
async def test_handlers_never_see_an_anonymous_requester(db_url: str, anonymous: bool) -> None:
    await seed_roster(db_url)
    await _add_requester(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            await _lifecycle(db_url, api, anonymous=anonymous)
        leaks = _leaks(api, {6001, 6002, 6003})
        docs = [str(c.params.get("chat_id")) for c in api.calls if c.method == "sendDocument"]
    # Both files reached their handler (the card's to A, the relay's to B), so the scan
    # above looked at them.
    # B got the card's file on the re-dispatch as well as the relay's.
    assert docs.count("6001") == 1 and docs.count("6002") == 2, docs
    (c,) = [r for (r,) in await query(db_url, select(Concern))]
    assert (c.anonymous, c.status) == (anonymous, "closed")
    if anonymous:
        assert leaks == {}, leaks
    else:  # the control: the same scan sees the requester when they are not anonymous
        assert {"name", "room", "building", "file name"} <= set(leaks), leaks


async def test_identity_escrow_reveal(db_url: str) -> None:
    await seed_roster(db_url)
    await _add_requester(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        stu, a = Requester(api, TG_ID), ChatUser(api, 6001)
        sup, sec = ChatUser(api, 6100), ChatUser(api, 6003)
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            for number, user in ((NUMBER, stu), (MEMBER_A, a), (SUPERVISOR, sup),
                                 (SECRETARY, sec)):
                user.say(f"/start {await binding_code(db_url, number)}")
                await user.expect("绑定成功")
            stu.say("宿舍热水器坏了")
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            await stu.press(await stu.expect("请选择诉求性质"), "求助")
            await stu.press(await stu.expect("请确认您的诉求"), "🙈 匿名提交")
            await stu.expect("诉求已提交")
            await a.expect("新诉求")
            (number,) = [n for (n,) in await query(db_url, select(Concern.number))]
            # The handler and a secretary are refused; nothing about the requester leaks.
            a.say(f"/reveal {number} 想知道是谁")
            await a.expect("只有身份监督人")
            sec.say(f"/reveal {number} 核实")
            await sec.expect("只有身份监督人")
            # The supervisor must give a reason.
            sup.say(f"/reveal {number}")
            await sup.expect("用法：/reveal")
            sup.say(f"/reveal {number} 诉求涉及人身安全，需核实身份")
            shown = await sup.expect("匿名诉求")
            for value in (NAME, NUMBER, BUILDING, ROOM):
                assert value in sup.text_of(shown)
            told = await stu.expect("身份信息已由身份监督人依规查看")
            assert "诉求涉及人身安全" in stu.text_of(told)
        leaks = _leaks(api, {6001, 6003})
    assert leaks == {}, leaks
    ids = dict(await query(db_url, select(Person.number, Person.id).where(
        Person.number.in_([NUMBER, MEMBER_A, SUPERVISOR, SECRETARY]))))
    audits = await query(db_url, select(AuditLog.kind, AuditLog.actor_id, AuditLog.detail)
                          .where(AuditLog.kind.in_(["identity_revealed", "refused"])))
    revealed = [(actor, d) for kind, actor, d in audits if kind == "identity_revealed"]
    assert len(revealed) == 1
    actor, detail = revealed[0]
    assert actor == ids[SUPERVISOR]
    assert detail["subject"] == ids[NUMBER] and detail["reason"] == "诉求涉及人身安全，需核实身份"
    refused = {(actor, d["why"]) for kind, actor, d in audits
               if kind == "refused" and d.get("action") == "reveal"}
    assert refused == {(ids[MEMBER_A], "not_identity_supervisor"),
                       (ids[SECRETARY], "not_identity_supervisor")}
