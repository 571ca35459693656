"""A person's rights in chat (docs/decisions/0027), through the real bot.

- /mydata: two documents, a readable summary and the complete JSON, of the asker's own
  data only (an argument is refused; an unbound account holds nothing); an anonymous
  survey taken part in is said, its answers not given; the export is audited. In the web
  chat the files come as links only their owner can open.
- Erasure: /erase shows what would go and what must stay (a concern still being
  handled), a confirmed request reaches the admin; only an admin may decide (a forged
  press is refused and audited); 拒绝 asks for the reason, which the person is told; a
  second request approved erases what may go and keeps the open concern and the account
  that must still reach the person; a press on a decided request is told so.
"""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import insert, select

from core.clock import SystemClock
from core.surveys.admin import create_survey
from storage.db import make_engine, session_factory
from storage.tables import AuditLog, ChannelIdentity, Concern, Person, Survey, \
    SurveyParticipation
from storage.uow import unit_of_work
from tests.integration.test_survey_answering import SURVEY
from tests.support.chat import ChatUser
from tests.support.db import execute, query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster
from tests.support.web import WebBot, WebUser, _token

STUDENT, OTHER, MEMBER, ADMIN = "2023010103", "2023010101", "2022010202", "9104000001"


async def _took_part_anonymously(db_url: str, number: str) -> None:
    """An anonymous survey the student answered: only that they took part is theirs."""
    engine = make_engine(db_url)
    try:
        async with unit_of_work(session_factory(engine)) as uow:
            await create_survey(uow.store, text=SURVEY.format(anonymous="true"),
                                list_files=None, person_id=None, now=SystemClock().now(),
                                max_reminders=3)
    finally:
        await engine.dispose()
    (survey,), = await query(db_url, select(Survey.id))
    (person,), = await query(db_url, select(Person.id).where(Person.number == number))
    await execute(db_url, insert(SurveyParticipation).values(
        survey_id=survey, person_id=person, day=SystemClock().now().date()))


async def _submit(user: ChatUser, text: str) -> None:
    user.say(text)
    await user.press(await user.expect("请选择诉求类别"), "后勤生活")
    await user.press(await user.expect("请选择诉求性质"), "求助")
    await user.press(await user.expect("请确认您的诉求"), "确认提交")
    await user.expect("诉求已提交")


async def test_mydata_gives_a_person_their_own_data(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    await _took_part_anonymously(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        stu = (await bound_chat(api, db_url, STUDENT, 5001)).ignore("隐私说明")
        member = (await bound_chat(api, db_url, MEMBER, 6001)).ignore("隐私说明")
        await _submit(stu, "3号楼水房没有热水")
        await member.expect("新诉求")
        stu.say(f"/mydata {OTHER}")
        await stu.expect("只能导出您本人的数据")
        stu.say("/mydata")
        summary = await stu.expect("全部数据的摘要")
        complete = await stu.expect("您的完整数据")
        stranger = ChatUser(api, 5999).ignore("隐私说明")
        stranger.say("/mydata")
        await stranger.expect("还没有绑定花名册身份")
        # The web chat: the same files as links the owner alone can open.
        user = WebUser(web, await _token(db_url, STUDENT))
        other = WebUser(web, await _token(db_url, OTHER))
        await user.say("/mydata")
        event = await user.expect("全部数据的摘要")
        [link] = event["attachments"]
        assert link["kind"] == "document" and link["name"].endswith(".txt")
        async with web.http.get(web.base + link["url"], headers=user._headers()) as r:
            assert r.status == 200 and "3号楼水房没有热水" in await r.text()
        async with web.http.get(web.base + link["url"], headers=other._headers()) as r:
            assert r.status == 404
    assert summary.method == complete.method == "sendDocument"
    text = summary.params["document"].data.decode()
    data = json.loads(complete.params["document"].data)
    assert summary.params["document"].filename.endswith(".txt")
    (name,), = await query(db_url, select(Person.name).where(Person.number == STUDENT))
    assert name in text and "3号楼水房没有热水" in text and "后勤生活" in text
    assert "您参加过 1 份匿名问卷：匿名答案不与任何人关联，因此不包含在内。" in text
    assert data["person"]["number"] == STUDENT and data["anonymous_surveys"] == 1
    assert data["not_included"] == [{  # a code, and its words in the person's language
        "code": "anonymous_survey_answers", "count": 1,
        "text": "匿名问卷的答案（参加过 1 份）：匿名答案不与任何人关联，因此不包含在内。"}]
    assert [c["text"] for c in data["concerns"]] == ["3号楼水房没有热水"]
    assert data["surveys"]["took_part"][0]["anonymous"] is True
    assert data["surveys"]["named_answers"] == []
    assert OTHER not in json.dumps(data)  # nobody else's data
    exports = [d for (d,) in await query(db_url, select(AuditLog.detail).where(
        AuditLog.kind == "privacy_export"))]
    assert len(exports) == 2 and {e["via"] for e in exports} == {"chat"}


async def test_erasure_asks_an_admin_who_refuses_or_approves(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            stu = (await bound_chat(api, db_url, STUDENT, 5001)).ignore("隐私说明")
            member = (await bound_chat(api, db_url, MEMBER, 6001)).ignore("隐私说明")
            admin = (await bound_chat(api, db_url, ADMIN, 6100)).ignore("隐私说明")
            await _submit(stu, "3号楼水房没有热水")
            await member.expect("新诉求")
            (number,), = await query(db_url, select(Concern.number))
            stu.say("/erase")
            preview = await stu.expect("申请删除个人信息")
            assert f"诉求 {number}：仍在办理中" in stu.text_of(preview)
            await stu.press(preview, "确认申请删除")
            await stu.expect("删除申请已提交")
            stu.say("/erase")
            await stu.expect("已有一份删除申请正在审核")
            alert = await admin.expect("个人信息删除申请")
            # A member pressing the admin's button (forged) is refused and audited.
            approve = next(b for b in admin.buttons(alert) if b["text"] == "同意删除")
            member.api.push_callback(6001, approve["callback_data"],
                                     int(member.messages()[-1].result["message_id"]))
            await member.expect("只有组织部管理员可以审核删除申请")
            await admin.press(alert, "拒绝")
            await admin.expect("请输入拒绝的理由")
            admin.say("诉求仍在办理，办结后再申请")
            await admin.expect("已拒绝该删除申请")
            refused = await stu.expect("您的删除申请未获同意")
            assert "诉求仍在办理，办结后再申请" in stu.text_of(refused)
            await admin.press(alert, "同意删除")  # decided already
            await admin.expect("已由管理员处理过了")
            # Asked again and approved: the open concern and the account stay.
            stu.say("/erase")
            await stu.press(await stu.expect("申请删除个人信息"), "确认申请删除")
            await stu.expect("删除申请已提交")
            await admin.press(await admin.expect("个人信息删除申请"), "同意删除")
            await admin.expect("已同意并执行该删除申请：0 件诉求已匿名化")
            done = await stu.expect("您的删除申请已获同意")
            assert f"诉求 {number}：仍在办理中" in stu.text_of(done)
            stu.say("/my")
            await stu.expect(number)  # still bound, still theirs
    (text,), = await query(db_url, select(Concern.text))
    assert text == "3号楼水房没有热水"
    assert await query(db_url, select(ChannelIdentity.id).where(
        ChannelIdentity.external_id == "5001"))
    decided = [d for (d,) in await query(db_url, select(AuditLog.detail).where(
        AuditLog.kind == "privacy_erasure_decided").order_by(AuditLog.id))]
    assert [(d["approved"], d["reason"]) for d in decided] == [
        (False, "诉求仍在办理，办结后再申请"), (True, "")]
    assert decided[1]["kept"] == ["open"]
    refusals = [d for (d,) in await query(db_url, select(AuditLog.detail).where(
        AuditLog.kind == "refused"))]
    assert {"action": "privacy_erasure", "why": "not_admin"} in refusals
