"""A reception day's whole cycle through the real bot in the Telegram fake, on a clock
the test moves (never sleeping): the example schedule's 10-07 session moved by the
National Day holiday to 10-08; bookings (a topic with a photo, a 同问, a second topic);
a booking refused at the cut-off; the agenda to the leader and both accompanying heads
(names, the bookers' named open concerns) and the reminders to the booked, each once
though the sweep runs twice; the hour-before agenda; the record card; a follow-up made a
concern of 后勤保障处 due in 5 working days and an answered one; then that concern's
first 催办 from the ladder. Every pressed button is answered exactly once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.ladder_config import ladder_rules
from bot.workcalendar import ChinaWorkCalendar
from core.workdays import add_working_days
from scheduler.ladder_sweep import ladder_sweep
from storage.db import make_engine, session_factory
from storage.tables import Concern, Reminder
from tests.support.chat import unanswered_or_twice
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.reception import TZ, local, materialised_with_the_holiday_move, \
    reminder_sweeper
from tests.support.images import png
from tests.support.harness import TOKEN, MovableClock, RunningBot, bot_settings, bound_chat, \
    seed_roster

A, B, C, D = "2023010101", "2023010102", "2023010103", "2023010104"
LEADER, JWC, LOG = "9200000001", "9105000001", "9101000001"



async def test_a_reception_day_from_booking_to_tracked_concerns(db_url: str) -> None:
    await seed_roster(db_url)
    clock = MovableClock(local(2026, 9, 25, 9))  # Friday
    settings = bot_settings(db_url, "http://unused")
    china = ChinaWorkCalendar()
    engine = make_engine(db_url)
    sf = session_factory(engine)

    reminders_at = reminder_sweeper(sf, clock, settings, china)
    await materialised_with_the_holiday_move(db_url, sf, clock, china)
    async with FakeBotAPI(token=TOKEN) as api:
        api.add_file("photo-topic", png(size=(32, 24)))
        async with RunningBot(bot_settings(db_url, api.base_url), clock):
            users = {n: await bound_chat(api, db_url, n, 7200 + i)
                     for i, n in enumerate((A, B, C, D, LEADER, JWC, LOG))}
            a, b, c, d, leader, jwc, log = users.values()
            for u in users.values():
                u.ignore("隐私说明")

            # D starts booking the 09-30 session; by the time the topic is confirmed, the
            # cut-off (Tuesday 16:00) has passed.
            d.say("/reception")
            listing = await d.expect("领导接待日（未来四周）")
            assert "2026-10-08 14:30–16:30 行政楼 201" in d.text_of(listing)
            assert "原定 2026-10-07" in d.text_of(listing)
            await d.press(listing, "预约 2026-09-30")
            await d.expect("不提供匿名预约")
            clock.at = local(2026, 9, 29, 16, 1)
            d.say("教学楼电梯经常故障")
            await d.press(await d.expect("请确认预约"), "确认预约")
            await d.expect("该场接待日的预约已截止")

            a.say("/reception")
            listing = await a.expect("领导接待日（未来四周）")
            await a.press(listing, "预约 2026-10-08")
            await a.expect("不提供匿名预约")
            api.push_photo(a.user_id, "photo-topic", caption="宿舍楼热水器坏了两周没人修")
            ask = await a.expect("请确认预约")
            assert "附件 1 个" in a.text_of(ask)
            await a.press(ask, "确认预约")
            await a.expect("✅ 已预约 2026-10-08 14:30–16:30")
            b.say("/reception")
            await b.press(await b.expect("领导接待日（未来四周）"), "议题 2026-10-08")
            await b.press(await b.expect("已预约的议题"), "同问 #1")
            await b.expect("✅ 已加入")
            c.say("/reception")
            await c.press(await c.expect("领导接待日（未来四周）"), "预约 2026-10-08")
            await c.expect("不提供匿名预约")
            c.say("希望图书馆延长开放时间")
            await c.press(await c.expect("请确认预约"), "确认预约")
            await c.expect("✅ 已预约")

            # The working day before (09-30; 10-01..07 are the holiday) at 17:00, twice.
            eve = local(2026, 9, 30, 17)
            assert await reminders_at(eve) >= 2 and await reminders_at(eve) == 0
            for host in (leader, jwc, log):
                agenda = host.text_of(await host.expect("领导接待日议程：2026-10-08 14:30–16:30"))
                assert "宿舍楼热水器坏了两周没人修" in agenda and "希望图书馆延长开放时间" in agenda
                assert "杨子涵（会计学院本科生第一党支部）、黄子涵" in agenda
            for u in (a, b, c):
                await u.expect("提醒：您预约的领导接待日在 2026-10-08 14:30–16:30")
            await d.assert_quiet()

            # 10-01 15:00, a week before: the 下访 of 10-08 is announced to 信息工程学院
            # (nobody here is of that college)
            assert await reminders_at(local(2026, 10, 1, 15)) == 1
            soon = await reminders_at(local(2026, 10, 8, 13, 30))
            assert soon == 1
            for host in (leader, jwc, log):
                await host.expect("领导接待日即将开始")
            end = local(2026, 10, 8, 16, 30)
            # Both the session's record row and the 下访's (no topic: no card) go.
            assert await reminders_at(end) == 2
            card = await leader.expect("2026-10-08 14:30–16:30 接待结果记录")
            assert leader.labels(card)[:2] == ["#1 当场答复", "#1 跟进办理"]
            await jwc.assert_quiet()

            clock.at = end + timedelta(minutes=5)
            await leader.press(card, "#1 跟进办理")
            picker = await leader.expect("请选择负责跟进")
            await leader.press(picker, "后勤保障处")
            card = await leader.expect("✅ 已转为诉求")
            made = leader.text_of(card)
            number = made.split("已转为诉求 ")[1].split("，")[0]
            if "尚有 1 个议题待记录" not in made:  # the card again (Telegram merges the two
                card = await leader.expect("尚有 1 个议题待记录")  # replies when they queue)
            assert leader.labels(card) == ["#2 当场答复", "#2 跟进办理"]
            await leader.press(card, "#2 当场答复")
            await leader.expect("尚有 0 个议题待记录")
            await log.expect(f"新诉求 {number}")
            await log.expect(f"诉求 {number} 的附件 1/1")  # the topic's photo goes with it
            for u in (a, b):
                await u.expect(f"已转为诉求 {number}，由 后勤保障处 跟进办理")
            await c.expect("已记录为当场答复")

            (cid, due, origin, member), = await query(db_url, select(
                Concern.id, Concern.due_reply_at, Concern.origin, Concern.assigned_member_id)
                .where(Concern.number == number))
            assert origin == "reception" and due == add_working_days(clock.at, 5, china, TZ)

            # The ladder takes over: the first 催办 to 后勤保障处's contact.
            rules = ladder_rules(settings, china)
            await ladder_sweep(sf, clock, rules=rules)
            rows = await query(db_url, select(Reminder.due_at).where(
                Reminder.concern_id == cid, Reminder.step == 0))
            clock.at = min(r for r, in rows) + timedelta(minutes=1)  # 签收 and 首次联系
            done = await ladder_sweep(sf, clock, rules=rules)
            assert (done.sent, done.dropped) == (2, 0)
            await log.expect("催办")
            assert unanswered_or_twice(list(users.values())) == {}
    await engine.dispose()
