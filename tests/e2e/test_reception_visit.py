"""/visit through the real bot in the Telegram fake: a leader sees their contact units,
is refused a unit that is not theirs, a date in the past and a non-working day, then
schedules a visit (下访) to 会计学院; the next reminder sweep tells that college's people
(a bound 会计学院 student, not the leader nor a 信息工程学院 student); the 会计学院 student
sees and books it, the 信息工程学院 student neither sees it nor can book it by a button.
A student is refused /visit."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.workcalendar import ChinaWorkCalendar
from core.clock import FixedClock, SystemClock
from core.workdays import next_workday
from scheduler.reception_reminders import reception_reminder_sweep
from storage.db import make_engine, session_factory
from storage.tables import AuditLog, ReceptionSchedule, ReceptionSession, Reminder
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

LEADER, ACC_STUDENT, INF_STUDENT = "9200000001", "2023010101", "2023030101"


def _days() -> tuple[date, date]:
    china = ChinaWorkCalendar()
    today = SystemClock().now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    day = next_workday(today + timedelta(days=8), china)
    off = today + timedelta(days=8)
    while china.is_workday(off):
        off += timedelta(days=1)
    return day, off


async def test_a_leader_schedules_a_visit_and_only_the_unit_can_book(db_url: str) -> None:
    await seed_roster(db_url)
    day, off = _days()
    settings = bot_settings(db_url, "http://unused")
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url)):
            leader = await bound_chat(api, db_url, LEADER, 7501)
            acc = await bound_chat(api, db_url, ACC_STUDENT, 7502)
            inf = await bound_chat(api, db_url, INF_STUDENT, 7503)
            for u in (leader, acc, inf):
                u.ignore("隐私说明")

            acc.say("/visit")
            await acc.expect("只有校领导可以安排下访")
            leader.say("/visit")
            usage = leader.text_of(await leader.expect("安排下访"))
            assert "会计学院（ACC）" in usage and "信息工程学院（INF）" in usage
            leader.say(f"/visit ECO {day} 15:00-16:30 经济楼 101")
            await leader.expect("ECO 不是您的联系点")
            leader.say("/visit ACC 2020-01-06 15:00-16:30 会计楼 201")
            await leader.expect("须在今天之后")
            leader.say(f"/visit ACC {off} 15:00-16:30 会计楼 201")
            await leader.expect(f"{off} 不是工作日")
            leader.say(f"/visit ACC {day} 15:00-16:3 会计楼 201")
            await leader.expect("16:3")
            leader.say(f"/visit ACC {day} 15:00-16:30 会计楼 201")
            await leader.expect(f"✅ 已安排 {day} 15:00–16:30 到会计学院下访（会计楼 201）")

            # The announcement goes a week before the visit, in the day: sweep at its time.
            engine = make_engine(db_url)
            try:
                sf = session_factory(engine)
                sweep = lambda clock: reception_reminder_sweep(  # noqa: E731
                    sf, clock, rules=settings.reception.rules(), calendar=ChinaWorkCalendar(),
                    timezone="Asia/Shanghai", default_locale="zh_CN")
                await sweep(SystemClock())
                (due,), = await query(db_url, select(Reminder.due_at).where(
                    Reminder.key.like("rcp:%:announce"), Reminder.status == "pending"))
                assert due == (datetime.combine(day, time(15), tzinfo=ZoneInfo(
                    "Asia/Shanghai")) - timedelta(days=7)).astimezone(timezone.utc)
                assert (await sweep(FixedClock(due))).sent == 1
            finally:
                await engine.dispose()
            await acc.expect(f"将于 {day} 15:00–16:30 到会计学院（会计楼 201）接访师生")
            await inf.assert_quiet()
            await leader.assert_quiet()

            inf.say("/reception")
            assert "下访会计学院" not in inf.text_of(await inf.expect("领导接待日（未来四周）"))
            (sid,), = await query(db_url, select(ReceptionSession.id).join(ReceptionSchedule)
                                  .where(ReceptionSchedule.contact_unit_id.is_not(None),
                                         ReceptionSession.local_date == day))
            api.push_callback(inf.user_id, f"x1:rbk:{sid}:0", 1)
            await inf.expect("这是校领导到会计学院的下访，只有该单位的师生可以预约")

            leader.say("/reception")  # his own sessions: agendas, nothing to book
            labels = leader.labels(await leader.expect("领导接待日（未来四周）"))
            assert not [b for b in labels if b.startswith("预约 ")]
            assert f"📋 {day} 接待议程" in labels
            acc.say("/reception")
            listing = await acc.expect("领导接待日（未来四周）")
            assert f"{day} 15:00–16:30 校领导" in acc.text_of(listing)
            assert "下访会计学院（会计楼 201）" in acc.text_of(listing)
    whys = [d["why"] for (d,) in await query(db_url, select(AuditLog.detail).where(
        AuditLog.kind == "refused"))]
    assert whys.count("not_leader") == 1 and whys.count("not_in_unit") == 1
