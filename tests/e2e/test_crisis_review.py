"""The second crisis tier end to end: needs-review items, quiet hours, upgrade, context.

Through the Telegram fake with the production flows: a message of possible distress
opens a review item for the crisis team, the writer gets a caring reply and their
concern goes on as usual; at night the item waits for the morning, and it climbs the
ladder when nobody reviews it within ``review_hours``; clear intent upgrades it to P0;
and the chat's memory turns a follow-up into a crisis.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.crisis_config import crisis_rules
from core.clock import FixedClock, SystemClock
from scheduler.crisis_sweep import crisis_sweep
from storage.db import make_engine, session_factory
from storage.tables import Concern, ConcernEvent, Conversation, Person
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.crisis import (
    COUNSELLOR,
    ECO_COUNSELLOR,
    PSY_1,
    STUDENT,
    bind_all,
    pages,
    person_id,
)
from tests.support.harness import TOKEN, RunningBot, bot_settings, seed_roster

MEMBER = "2022010202"  # the Party member of 3号楼's logistics zone
REVIEW_BUTTON = "👀 我来复核"


def _quiet_now() -> str:
    """A quiet-hours span around the present local time (so "now" is night)."""
    local = SystemClock().now().astimezone(ZoneInfo("Asia/Shanghai"))
    start, end = local - timedelta(hours=1), local + timedelta(hours=2)
    return f"{start:%H:%M}-{end:%H:%M}"


def _settings(db_url: str, api: FakeBotAPI, *, quiet: str = "") -> Any:
    return bot_settings(db_url, api.base_url, outbox={"per_chat_per_second": 50.0},
                        crisis={"review_quiet": quiet})








async def _sweep(settings: Any, at: datetime) -> int:
    engine = make_engine(settings.database.url)
    try:
        return await crisis_sweep(session_factory(engine), FixedClock(at),
                                  rules=crisis_rules(settings))
    finally:
        await engine.dispose()


async def test_possible_distress_is_reviewed_and_the_concern_goes_on(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        settings = _settings(db_url, api)
        async with RunningBot(settings):
            u = await bind_all(db_url, api, {STUDENT: 5001, MEMBER: 6001, COUNSELLOR: 7001,
                                          PSY_1: 7002, ECO_COUNSELLOR: 7003})
            stu, member, counsellor = u[STUDENT], u[MEMBER], u[COUNSELLOR]
            stu.say("3号楼水房没有热水好几天了，我觉得自己就是个累赘")
            caring = await stu.expect("谢谢你愿意说出来")
            assert "12356" in stu.text_of(caring)
            # The concern goes on along the ordinary path, in the same chat.
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            page = await counsellor.expect("需要复核的消息")
            assert [b["text"] for b in counsellor.buttons(page)] == [REVIEW_BUTTON]
            assert "累赘" in counsellor.text_of(page)
            await u[PSY_1].expect("需要复核的消息")
            await stu.press(await stu.expect("请选择诉求性质"), "求助")
            await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
            await stu.expect("诉求已提交")
            await member.expect("新诉求")  # routed as usual
            await u[ECO_COUNSELLOR].assert_quiet()  # level 1 hears nothing yet
            rows = await query(db_url, select(Concern.crisis, Concern.crisis_tier,
                                              Concern.urgency).order_by(Concern.id))
            assert rows[0] == (True, "review", "P1")  # the item, opened at the first message
            assert [r[:2] for r in rows[1:]] == [(False, None)]  # the concern, as usual
            await counsellor.press(page, REVIEW_BUTTON)
            await counsellor.expect("您已接手")
            await u[PSY_1].expect("已由 张子涵 接手")
            later = SystemClock().now() + timedelta(hours=13)
            assert await _sweep(settings, later) == 0  # reviewed: never climbs
            assert {lv for lv, _ in await pages(db_url)} == {0}


async def test_a_review_item_at_night_waits_then_climbs_when_not_reviewed(
        db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        settings = _settings(db_url, api, quiet=_quiet_now())
        async with RunningBot(settings):
            u = await bind_all(db_url, api, {STUDENT: 5001, COUNSELLOR: 7001, PSY_1: 7002,
                                          ECO_COUNSELLOR: 7003})
            stu, counsellor = u[STUDENT], u[COUNSELLOR]
            stu.say("我不想再醒来了")
            await stu.expect("谢谢你愿意说出来")
            await stu.expect("请选择诉求类别")  # the text also starts a concern as usual
            await counsellor.assert_quiet()  # night: nobody is paged for a review item
            assert await pages(db_url) == []
            events = await query(db_url, select(ConcernEvent.kind).order_by(ConcernEvent.id))
            assert [k for (k,) in events] == ["crisis_review_opened", "crisis_review_held"]
            now = SystemClock().now()
            assert await _sweep(settings, now + timedelta(minutes=30)) == 0  # still night
            await counsellor.assert_quiet()
            # Twelve hours on, unreviewed: it is paged and climbs in the same sweep.
            assert await _sweep(settings, now + timedelta(hours=12, minutes=1)) == 1
            review = await counsellor.expect("需要复核的消息")
            assert [b["text"] for b in counsellor.buttons(review)] == [REVIEW_BUTTON]
            await u[PSY_1].expect("需要复核的消息")
            climbed = await u[ECO_COUNSELLOR].expect("心理危机个案")
            assert "需要复核的消息未在时限内复核" in u[ECO_COUNSELLOR].text_of(climbed)
            eco = await person_id(db_url, ECO_COUNSELLOR)
            assert (1, eco) in await pages(db_url)


async def test_clear_intent_upgrades_an_open_review_item_to_p0(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        settings = _settings(db_url, api)
        async with RunningBot(settings):
            u = await bind_all(db_url, api, {STUDENT: 5001, COUNSELLOR: 7001, PSY_1: 7002})
            stu, counsellor = u[STUDENT], u[COUNSELLOR]
            stu.say("I feel like such a burden to everyone")
            await stu.expect("谢谢你愿意说出来")
            await counsellor.expect("需要复核的消息")
            await stu.expect("请选择诉求类别")  # and the text starts a concern as usual
            stu.say("/cancel")
            await stu.expect("已取消")
            stu.say("我不想活了")
            await stu.expect("我们注意到你现在可能很难受")
            page = await counsellor.expect("心理危机个案")
            assert "已升级为心理危机" in counsellor.text_of(page)
            # The page shows the words that made it a crisis after those that opened it.
            assert "burden to everyone\n→ 我不想活了" in counsellor.text_of(page)
            assert [b["text"] for b in counsellor.buttons(page)] == ["🆘 我来处理"]
            await u[PSY_1].expect("需要复核的消息")  # the psych centre: paged, then re-paged
            await u[PSY_1].expect("已升级为心理危机")
            (case,) = [c for (c,) in await query(db_url, select(Concern))]
            assert (case.crisis_tier, case.urgency) == ("crisis", "P0")  # one case, upgraded
            kinds = [k for (k,) in await query(
                db_url, select(ConcernEvent.kind).order_by(ConcernEvent.id))]
            assert kinds == ["crisis_review_opened", "crisis_paged", "crisis_message",
                             "crisis_upgraded"]
            # The crisis limit now applies: 16 minutes later the case climbs.
            later = SystemClock().now() + timedelta(minutes=16)
            assert await _sweep(settings, later) == 1


async def test_a_follow_up_after_a_weak_signal_is_a_crisis(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        settings = _settings(db_url, api)
        async with RunningBot(settings):
            u = await bind_all(db_url, api, {STUDENT: 5001, COUNSELLOR: 7001})
            stu, counsellor = u[STUDENT], u[COUNSELLOR]
            stu.say("最近好累")
            await stu.expect("请选择诉求类别")  # a weak signal alone: nothing but memory
            await counsellor.assert_quiet()
            (state,) = await query(db_url, select(Conversation.crisis_state).where(
                Conversation.chat_id == "5001"))
            assert state[0]["level"] == 1 and len(state[0]["recent"]) == 1
            stu.say("药已经攒够了")
            await stu.expect("我们注意到你现在可能很难受")
            await stu.expect("不会进入普通诉求")  # kept apart from the concern being written
            page = await counsellor.expect("心理危机个案")
            assert "药已经攒够了" in counsellor.text_of(page)
            (case,) = [c for (c,) in await query(db_url, select(Concern).where(
                Concern.crisis.is_(True)))]
            assert (case.crisis_tier, case.urgency) == ("crisis", "P0")


async def test_an_unbound_writer_is_reviewed_and_can_still_submit(db_url: str) -> None:
    """No roster binding yet: the item names an unverified profile made on the spot (its
    college unknown, so level 0 is the fallback, the psych centre), and the concern the
    same text began asks the college and building as for anyone unbound, which then
    place that same profile: one person, reachable, on both."""
    from tests.support.chat import ChatUser

    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        settings = _settings(db_url, api)
        async with RunningBot(settings):
            u = await bind_all(db_url, api, {PSY_1: 7002})
            new = ChatUser(api, 5009, "新同学")
            new.say("食堂晚上九点就关门了，我觉得自己就是个累赘")
            await new.expect("谢谢你愿意说出来")
            page = await u[PSY_1].expect("需要复核的消息")
            assert "新同学" in u[PSY_1].text_of(page)
            await new.press(await new.expect("请先选择您所在的学院"), "会计学院")
            await new.press(await new.expect("请选择您的宿舍楼"), "3号楼")
            await new.press(await new.expect("请选择诉求类别"), "后勤生活")
            await new.press(await new.expect("请选择诉求性质"), "求助")
            await new.press(await new.expect("请确认您的诉求"), "确认提交")
            await new.expect("诉求已提交")
    rows = await query(db_url, select(Concern.crisis_tier, Concern.requester_id)
                       .order_by(Concern.id))
    assert [t for t, _ in rows] == ["review", None] and rows[0][1] == rows[1][1]
    (person,) = await query(db_url, select(Person.verified, Person.dorm_building).where(
        Person.id == rows[0][1]))
    assert person == (False, "3号楼")
