"""The crisis (P0) path through the real bot: care first, a hidden case, pages, escalation."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

import core.crisis.paging
from bot.crisis_config import crisis_rules
from core.clock import FixedClock, SystemClock
from core.crisis.paging import escalation_candidates
from scheduler.crisis_sweep import crisis_sweep
from storage.db import make_engine, session_factory
from storage.store import SqlStore
from storage.tables import (
    AuditLog,
    ChannelIdentity,
    Concern,
    ConcernEvent,
    CrisisPage,
    OutboxRow,
)
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.crisis import bind_all, pages, person_id
from tests.support.harness import TOKEN, RunningBot, bot_settings, seed_roster

STUDENT, STUDENT_2, MEMBER = "2023010103", "2023010101", "2022010202"  # ACC; 3号楼 logistics
COUNSELLOR, PSY_1 = "9001000003", "9103000001"   # ACC counsellor; psych centre
ECO_COUNSELLOR = "9002000003"                     # crisis team (level 1)







async def _sweep(db_url: str, settings: Any, minutes: float) -> int:
    engine = make_engine(db_url)
    try:
        return await crisis_sweep(session_factory(engine),
                                  FixedClock(SystemClock().now() + timedelta(minutes=minutes)),
                                  rules=crisis_rules(settings))
    finally:
        await engine.dispose()


def _settings(db_url: str, api: FakeBotAPI) -> Any:
    return bot_settings(db_url, api.base_url, outbox={"per_chat_per_second": 50.0},
                        crisis={"school_hotline": "010-6666"})




async def test_crisis_in_a_new_concern_pages_escalates_once_and_stops_at_ack(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        settings = _settings(db_url, api)
        async with RunningBot(settings):
            u = await bind_all(db_url, api, {STUDENT: 5001, MEMBER: 6001, COUNSELLOR: 7001,
                                          PSY_1: 7002, ECO_COUNSELLOR: 7003})
            stu, member, counsellor = u[STUDENT], u[MEMBER], u[COUNSELLOR]
            before = len(stu.messages())
            stu.say("我真的不想活了，活着没意思")
            caring = await stu.expect("12356")
            assert stu.messages()[before] is caring  # before anything else to that user
            assert "010-6666" in stu.text_of(caring)
            page = await counsellor.expect("心理危机个案")
            assert "赵子涵" in counsellor.text_of(page)  # safety overrides anonymity
            assert "13823010103" in counsellor.text_of(page)
            assert [b["text"] for b in counsellor.buttons(page)] == ["🆘 我来处理"]
            await u[PSY_1].expect("心理危机个案")
            # The ordinary member hears nothing and has nothing in /tasks.
            assert member.messages()[member.seen:] == []
            member.say("/tasks")
            await member.expect("没有待办")
            (case,) = [c for (c,) in await query(db_url, select(Concern))]
            assert (case.crisis, case.urgency, case.category, case.assigned_member_id) == \
                (True, "P0", "psych", None)
            lanes = await query(db_url, select(OutboxRow.lane).where(
                OutboxRow.reply["key"].as_string() == "crisis.caring_with_school"))
            assert lanes == [(0,)]
            c_id, p1, eco = (await person_id(db_url, COUNSELLOR), await person_id(db_url, PSY_1),
                             await person_id(db_url, ECO_COUNSELLOR))
            level0 = await pages(db_url)
            assert level0[:2] == [(0, c_id), (0, p1)] and {lv for lv, _ in level0} == {0}
            audits = await query(db_url, select(func.count()).select_from(AuditLog).where(
                AuditLog.kind == "crisis_identity_access"))
            assert audits == [(len(level0),)]

            assert await _sweep(db_url, settings, 14) == 0  # not yet due
            # A crash between the claim and the pages rolls both back ...
            real = core.crisis.paging.page_level

            async def crash(*args: Any, **kwargs: Any) -> list[int]:
                raise RuntimeError("killed mid-escalation")

            monkeypatch.setattr(core.crisis.paging, "page_level", crash)
            assert await _sweep(db_url, settings, 16) == 0
            assert await pages(db_url) == level0
            monkeypatch.setattr(core.crisis.paging, "page_level", real)
            # ... and after the restart two sweeps racing, then a third, escalate once.
            results = await asyncio.gather(_sweep(db_url, settings, 16),
                                           _sweep(db_url, settings, 16))
            assert sorted(results) == [0, 1]
            assert await _sweep(db_url, settings, 17) == 0
            level1 = [p for lv, p in await pages(db_url) if lv == 1]
            assert eco in level1 and c_id not in level1 and len(level1) == len(set(level1))
            eco_page = await u[ECO_COUNSELLOR].expect("心理危机个案")
            assert "第 2 级呼叫" in u[ECO_COUNSELLOR].text_of(eco_page)  # rung 2 of the ladder

            await counsellor.press(page, "🆘 我来处理")
            await counsellor.expect("您已接手")
            await u[PSY_1].expect("已由 张子涵 接手")
            await u[ECO_COUNSELLOR].expect("已由 张子涵 接手")
            assert await _sweep(db_url, settings, 120) == 0
            assert not [lv for lv, _ in await pages(db_url) if lv >= 2]
            (status,) = await query(db_url, select(Concern.status))
            assert status == ("accepted",)


async def test_crisis_in_a_relay_and_in_a_caption_opens_linked_cases(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(_settings(db_url, api)):
            u = await bind_all(db_url, api, {STUDENT: 5001, STUDENT_2: 5002, MEMBER: 6001,
                                          COUNSELLOR: 7001})
            stu, member, counsellor = u[STUDENT], u[MEMBER], u[COUNSELLOR]
            stu.say("3号楼水房没有热水")
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            await stu.press(await stu.expect("请选择诉求性质"), "求助")
            await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
            await stu.expect("诉求已提交")
            card = await member.expect("新诉求")
            await member.press(card, "✅ 签收")
            await stu.expect("已由负责的党员签收")
            await member.press(await member.expect("已签收"), "💬 联系诉求人")
            await member.expect("请输入要发给诉求人的消息")
            member.say("我明天上午来水房看看")
            await member.expect("已转达")
            relayed = await stu.expect("处理人的消息")
            await stu.press(relayed, "💬 回复")
            await stu.expect("请输入要回复处理人的内容")
            stu.say("算了，我想自杀")
            await stu.expect("12356")
            await stu.expect("没有转给处理人")
            await counsellor.expect("心理危机个案")
            # The caption of a photo, from another student.
            api.push_photo(5002, "photo-1", caption="I want to die")
            await u[STUDENT_2].expect("12356")
            await counsellor.expect("I want to die")
            await member.assert_quiet()  # the handler never got the student's reply
            # Their own lists show their ordinary concern only: the cases are the team's.
            stu.say("/my")
            await stu.expect("您共有 1 件诉求")
            u[STUDENT_2].say("/my")
            await u[STUDENT_2].expect("您还没有提交过诉求")
    rows = await query(db_url, select(Concern.id, Concern.crisis, Concern.parent_concern_id)
                        .order_by(Concern.id))
    (ordinary, _, _), relay_case, caption_case = rows
    assert relay_case[1:] == (True, ordinary)
    assert caption_case[1:] == (True, None)


async def test_an_unreachable_counsellor_escalates_at_once(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        settings = _settings(db_url, api)
        async with RunningBot(settings):
            # The ACC counsellor never bound the bot: no channel identity at all.
            u = await bind_all(db_url, api, {STUDENT: 5001, ECO_COUNSELLOR: 7003})
            u[STUDENT].say("I want to kill myself")
            await u[STUDENT].expect("12356")
            page = await u[ECO_COUNSELLOR].expect("心理危机个案")
            assert "上一级无法联系" in u[ECO_COUNSELLOR].text_of(page)
    eco = await person_id(db_url, ECO_COUNSELLOR)
    assert (1, eco) in await pages(db_url)


async def test_a_blocked_counsellor_escalates_at_the_next_sweep(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        settings = _settings(db_url, api)
        async with RunningBot(settings):
            u = await bind_all(db_url, api, {STUDENT: 5001, COUNSELLOR: 7001,
                                          ECO_COUNSELLOR: 7003})
            api.block(7001)
            u[STUDENT].say("我想跳楼")
            await u[STUDENT].expect("12356")

            async def marked() -> None:
                while not await query(db_url, select(ChannelIdentity.id).where(
                        ChannelIdentity.chat_id == "7001",
                        ChannelIdentity.unreachable_at.is_not(None))):
                    await asyncio.sleep(0.05)

            await asyncio.wait_for(marked(), 10)
            assert await _sweep(db_url, settings, 0) == 1  # well before the 15 minutes
            await u[ECO_COUNSELLOR].expect("心理危机个案")
            assert await _sweep(db_url, settings, 0) == 0


async def test_closing_a_case_tells_the_team_and_a_later_crisis_pages_again(
        db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        settings = _settings(db_url, api)
        async with RunningBot(settings):
            u = await bind_all(db_url, api, {STUDENT: 5001, COUNSELLOR: 7001, PSY_1: 7002,
                                          ECO_COUNSELLOR: 7003})
            stu, counsellor, psy = u[STUDENT], u[COUNSELLOR], u[PSY_1]
            stu.say("我不想活了")
            await stu.expect("12356")
            page = await counsellor.expect("心理危机个案")
            await psy.expect("心理危机个案")
            await counsellor.press(page, "🆘 我来处理")
            acked = await counsellor.expect("您已接手")
            assert [b["text"] for b in counsellor.buttons(acked)] == ["✅ 结案"]
            taken = await psy.expect("已由 张子涵 接手")
            # The psych centre's member is in the crisis team: they may close it too.
            assert [b["text"] for b in psy.buttons(taken)] == ["✅ 结案"]
            await counsellor.press(acked, "✅ 结案")
            await counsellor.expect("结案说明")
            counsellor.say("   ")  # blank: the step keeps waiting for the note
            await counsellor.expect("结案说明不能为空")
            # The note quotes crisis wording: it is about the student, not the writer.
            counsellor.say("已面谈，“不想活了”的念头已缓解，家长已到校陪同，转介心理中心随访")
            await counsellor.expect("已结案，已通知其他 1 位")
            told = await psy.expect("已由 张子涵 结案")
            assert "家长已到校陪同" in psy.text_of(told)
            await stu.assert_quiet()  # the student is not told about the case
            (case,) = [c for (c,) in await query(db_url, select(Concern))]
            assert (case.status, case.closed_at is not None) == ("closed", True)
            events = await query(db_url, select(ConcernEvent.kind, ConcernEvent.actor_id,
                                                ConcernEvent.detail).where(
                ConcernEvent.kind == "crisis_closed"))
            c_id = await person_id(db_url, COUNSELLOR)
            assert [(k, a, d["note"][:3]) for k, a, d in events] == \
                [("crisis_closed", c_id, "已面谈")]
            assert await query(db_url, select(AuditLog.actor_id).where(
                AuditLog.kind == "crisis_closed")) == [(c_id,)]

            # A page left unacknowledged on the closed case (an escalation that raced the
            # ack) never escalates.
            eco = await person_id(db_url, ECO_COUNSELLOR)
            engine = make_engine(db_url)
            try:
                async with session_factory(engine)() as s, s.begin():
                    s.add(CrisisPage(concern_id=case.id, level=1, person_id=eco,
                                     paged_at=case.created_at, escalate_at=case.created_at))
                later = SystemClock().now() + timedelta(hours=1)
                async with session_factory(engine)() as s:  # neither read nor claimed
                    assert await escalation_candidates(SqlStore(s), later) == []
                    assert not await SqlStore(s).claim_crisis_escalation(case.id, 1, later)
                    await s.rollback()
            finally:
                await engine.dispose()
            assert await _sweep(db_url, settings, 60) == 0
            assert not [lv for lv, _ in await pages(db_url) if lv >= 2]

            # The same student in crisis again: a new case, and the ladder is paged again.
            stu.say("I want to die")
            await stu.expect("12356")
            again = await counsellor.expect("心理危机个案")
            assert [b["text"] for b in counsellor.buttons(again)] == ["🆘 我来处理"]
            await psy.expect("心理危机个案")
            rows = await query(db_url, select(Concern.id, Concern.number, Concern.status)
                               .order_by(Concern.id))
            assert [r[2] for r in rows] == ["closed", "dispatched"]
            assert rows[1][1] in counsellor.text_of(again) and rows[0][1] != rows[1][1]
            assert await _sweep(db_url, settings, 16) == 1  # the new case climbs
            await u[ECO_COUNSELLOR].expect(rows[1][1])
