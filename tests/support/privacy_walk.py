"""A person's whole history through the real bot, for the privacy scans
(tests/e2e/test_privacy_scan.py): bound on Telegram and in the web chat, two concerns (one
from Telegram with a document and two photos, relayed messages both ways, a reply, a 回访
and a comment; one from the web chat with an uploaded photo, rejected by the branch
secretary), a named survey answered with free text, a reception day booked with a topic
(the session then held: moved to an hour ago), and a /mydata export.

The person has a distinctive value in every identifying field, and every text they write
is one nobody else writes, so a scan can look for each anywhere (``Person.values``)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp
from sqlalchemy import select, update

from core.clock import SystemClock
from core.surveys.admin import create_survey
from core.surveys.push import start_push
from scheduler.survey_push import push_sweep
from storage.db import make_engine, session_factory
from storage.tables import (Concern, OrgUnit, Person, ReceptionBooking, ReceptionSession,
                            ResponsibilityZone)
from storage.uow import unit_of_work
from tests.support.chat import ChatUser
from tests.support.db import execute, materialise_reception, query, sweep_followups
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import binding_code
from tests.support.images import jpeg
from tests.support.web import WebBot, WebUser, _token

MEMBER, SECRETARY, ADMIN = "2022010202", "9001000003", "9104000001"  # ACC-S1; 组织部
NAME, NUMBER, BUILDING, ROOM, PHONE = ("钟离望舒", "P2099770417", "银杏苑K3栋", "K3-7719",
                                       "13812770419")
TG_ID, TG_USERNAME, FIRST, LAST = 7300770419, "wangshu_zl_0419", "Wangshu", "Zhongli"
USER = {"id": TG_ID, "is_bot": False, "first_name": FIRST, "last_name": LAST,
        "username": TG_USERNAME, "language_code": "zh-hans"}
# What the person writes and sends; what their handler writes to them.
TEXT_A, PHOTO_CAPTION = "银杏苑热水器漏电冒火花甲七", "热水器照片乙二"
RELAY, COMMENT = "我晚上八点后在宿舍丙九", "师傅态度很好丁三"
TEXT_B, SURVEY_TEXT = "网页上报走廊灯不亮戊四", "希望食堂增加清真窗口己五"
TOPIC = "接待日想反映银杏苑宿舍网络太慢癸七"
CONTACT, REPLY, REJECTED = "我下午来看看热水器庚六", "已更换热水器辛八", "属于物业公司管辖壬一"
DOC_ID, DOC_NAME = "doc-zl-0419", "望舒的报修单.pdf"
PHOTO_ID, RELAY_PHOTO_ID = "photo-zl-0419", "photo-zl-relay-0419"
TG_JPEG = jpeg(pixels=b"zhongli-wangshu-telegram-photo" * 8)
WEB_JPEG = jpeg(pixels=b"zhongli-wangshu-web-photo" * 8)
SURVEY = """
code = "dining-named"
title = "食堂实名意见征集"
anonymous = false
opens = {opens}
closes = {closes}

[audience]
grades = ["2099"]

[[questions]]
id = "overall"
kind = "rating"
text = "您对食堂的总体满意度？"

[[questions]]
id = "say"
kind = "text"
text = "还有什么建议？"
"""


class Requester(ChatUser):
    """Sends with the full Telegram profile (username, first and last name)."""

    def say(self, text: str) -> int:
        return self.api.push_text(self.user_id, text, first_name=FIRST, username=TG_USERNAME,
                                  **{"from": USER})


@dataclass
class History:
    """What the walk made: the people's chats and what the scans look for."""
    person_id: int
    person: Requester
    member: WebUser
    secretary: ChatUser
    admin: ChatUser
    numbers: list[str] = field(default_factory=list)

    def values(self, *, handler_texts: bool) -> dict[str, str]:
        """Every identifying value of the person, labelled; ``handler_texts``: with what
        their handler and secretary wrote to them."""
        out = {"name": NAME, "number": NUMBER, "room": ROOM, "phone": PHONE,
               "telegram id": str(TG_ID), "username": TG_USERNAME, "first name": FIRST,
               "last name": LAST, "concern text": TEXT_A, "photo caption": PHOTO_CAPTION,
               "relay": RELAY, "comment": COMMENT, "web concern": TEXT_B,
               "survey answer": SURVEY_TEXT, "reception topic": TOPIC,
               "document id": DOC_ID, "document name": DOC_NAME,
               "photo id": PHOTO_ID, "relay photo id": RELAY_PHOTO_ID}
        if handler_texts:
            out.update({"handler's message": CONTACT, "reply": REPLY,
                        "reject reason": REJECTED})
        return out


async def add_person(db_url: str) -> int:
    """The person (ACC-S1, grade 2099: a survey's audience of one) and a logistics zone
    of their building for the member."""
    engine = make_engine(db_url)
    now = SystemClock().now()
    try:
        async with session_factory(engine)() as s, s.begin():
            branch = await s.scalar(select(OrgUnit.id).where(OrgUnit.code == "ACC-S1"))
            member = await s.scalar(select(Person.id).where(Person.number == MEMBER))
            person = Person(number=NUMBER, name=NAME, kind="student", unit_id=branch,
                            grade="2099", class_name="会计2399", dorm_building=BUILDING,
                            dorm_room=ROOM, phone=PHONE, verified=True, active=True,
                            created_at=now, updated_at=now)
            s.add(person)
            s.add(ResponsibilityZone(code="Z-YX-LOG", name="银杏苑后勤责任区",
                                     category="logistics", scope="dorm_building",
                                     value=BUILDING, member_id=member, active=True))
            await s.flush()
            return person.id
    finally:
        await engine.dispose()


async def _post_photo(user: WebUser, data: bytes) -> None:
    user.n += 1
    form = aiohttp.FormData()
    form.add_field("client_id", f"m{user.n}")
    form.add_field("photo", data, filename="lamp.jpg", content_type="image/jpeg")
    async with user.web.http.post(user.web.base + "/api/messages", data=form,
                                  headers=user._headers()) as r:
        assert r.status == 202


async def _push_sweep(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        await push_sweep(session_factory(engine), SystemClock(), window=100,
                         timezone="Asia/Shanghai", default_locale="zh_CN")
    finally:
        await engine.dispose()


async def _survey(db_url: str) -> None:
    now = SystemClock().now()
    text = SURVEY.format(opens=(now - timedelta(hours=1)).isoformat(timespec="seconds"),
                         closes=(now + timedelta(days=7)).isoformat(timespec="seconds"))
    engine = make_engine(db_url)
    try:
        sf = session_factory(engine)
        async with unit_of_work(sf) as uow:
            await create_survey(uow.store, text=text, list_files=None, person_id=None,
                                now=now, max_reminders=3)
        async with unit_of_work(sf) as uow:
            await start_push(uow.store, "dining-named", person_id=None, now=now)
        await push_sweep(sf, SystemClock(), window=100, timezone="Asia/Shanghai",
                         default_locale="zh_CN")
    finally:
        await engine.dispose()


async def walk(db_url: str, api: FakeBotAPI, web: WebBot) -> History:
    person_id = await add_person(db_url)
    api.add_file(PHOTO_ID, TG_JPEG, "photos/zl.jpg")  # the web member's copy is made from it
    p = Requester(api, TG_ID).ignore("隐私说明")
    p_web = WebUser(web, await _token(db_url, NUMBER))
    member = WebUser(web, await _token(db_url, MEMBER))
    sec, admin = ChatUser(api, 6003).ignore("隐私说明"), ChatUser(api, 6100).ignore("隐私说明")
    for number, user in ((NUMBER, p), (SECRETARY, sec), (ADMIN, admin)):
        user.say(f"/start {await binding_code(db_url, number)}")
        await user.expect("绑定成功")
    h = History(person_id, p, member, sec, admin)
    await _telegram_concern(db_url, api, h)
    await _web_concern(db_url, h, p_web)
    await _survey(db_url)
    await p.press(await p.expect("食堂实名意见征集"), "📝 开始填写")
    await p.press(await p.expect("1/2"), "4")
    await p.expect("2/2")
    p.say(SURVEY_TEXT)
    await p.press(await p.expect("已回答全部 2 题"), "✅ 提交问卷")
    await p.expect("已提交")
    await _push_sweep(db_url)  # the invitation's delivery settled, as the bot's sweep does
    await _reception(db_url, p)
    p.say("/mydata")
    summary = await p.expect("全部数据的摘要")
    complete = await p.expect("完整数据")
    assert summary.method == complete.method == "sendDocument"
    return h


async def _telegram_concern(db_url: str, api: FakeBotAPI, h: History) -> None:
    p, member = h.person, h.member
    api.push_document(TG_ID, DOC_ID, DOC_NAME, "application/pdf", TEXT_A,
                      content=b"%PDF-1.4 zl", first_name=FIRST, username=TG_USERNAME,
                      **{"from": USER})
    await p.press(await p.expect("请选择诉求类别"), "后勤生活")
    await p.press(await p.expect("请选择诉求性质"), "求助")
    await p.expect("请确认您的诉求")
    api.push_photo(TG_ID, PHOTO_ID, caption=PHOTO_CAPTION, first_name=FIRST,
                   username=TG_USERNAME, **{"from": USER})
    await p.press(await p.expect("附件 2 个"), "✅ 写好了")
    await p.press(await p.expect("请确认您的诉求"), "确认提交")
    await p.expect("诉求已提交")
    h.numbers.append(re.findall(r"[A-Z]+-\d{4}-\d{6}", p.text_of(p.messages()[p.seen - 1]))[0])
    card = await member.expect("新诉求")
    await member.expect("的附件")
    await member.expect("的附件")
    await member.press(card, "签收")
    accepted = await member.expect("已签收")
    await p.expect("已由负责的党员签收")
    await member.press(accepted, "联系诉求人")
    await member.expect("请输入要发给诉求人的消息")
    await member.say(CONTACT)
    await member.expect("已转达")
    await p.press(await p.expect("处理人的消息"), "💬 回复")
    await p.expect("请输入要回复处理人的内容")
    api.push_photo(TG_ID, RELAY_PHOTO_ID, caption=RELAY, first_name=FIRST,
                   username=TG_USERNAME, **{"from": USER})
    await p.expect("已转达")
    back = await member.expect("诉求人的回复")
    await member.press(back, "答复办结")
    await member.expect("请输入答复内容")
    await member.say(REPLY)
    await member.expect("已答复")
    await p.expect(REPLY)
    assert await sweep_followups(db_url, 7) == (1, 0)
    await p.press(await p.expect("负责的党员是否与您联系过"), "联系过")
    await p.press(await p.expect("您的问题解决了吗"), "已解决")
    await p.press(await p.expect("您对办理情况满意吗"), "满意")
    await p.expect("已办结")
    p.say(COMMENT)
    await p.expect("已记录您对诉求")


async def _web_concern(db_url: str, h: History, p_web: WebUser) -> None:
    await p_web.say(TEXT_B)
    await p_web.press(await p_web.expect("请选择诉求类别"), "后勤生活")
    await p_web.press(await p_web.expect("请选择诉求性质"), "求助")
    await p_web.expect("请确认您的诉求")
    await _post_photo(p_web, WEB_JPEG)
    await p_web.press(await p_web.expect("附件 1 个"), "写好了")
    await p_web.press(await p_web.expect("请确认您的诉求"), "确认提交")
    await p_web.expect("诉求已提交")
    (number,), = await query(db_url, select(Concern.number).where(Concern.text == TEXT_B))
    h.numbers.append(number)
    await h.member.expect("新诉求")
    await h.member.expect("的附件")
    h.secretary.say(f"/reject {number} {REJECTED}")
    await h.secretary.expect("不予受理")
    await h.person.expect("未予受理")


async def _reception(db_url: str, p: Requester) -> None:
    """The person books the example leader's reception day with a topic; the session is
    then held (its times moved to the hour before now)."""
    await materialise_reception(db_url)
    p.say("/reception")
    listing = await p.expect("领导接待日（未来四周）")
    await p.press(listing, next(b["text"] for b in p.buttons(listing)
                                if b["text"].startswith("预约 ")))
    await p.expect("不提供匿名预约")
    p.say(TOPIC)
    await p.press(await p.expect("请确认预约"), "确认预约")
    await p.expect("✅ 已预约")
    (session,), = await query(db_url, select(ReceptionBooking.session_id))
    now = SystemClock().now()
    await execute(db_url, update(ReceptionSession).where(ReceptionSession.id == session).values(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1),
        cutoff_at=now - timedelta(days=1)))
