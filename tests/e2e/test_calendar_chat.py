"""/calendar through the real bot: an admin lists, closes, opens and clears days, each
change audited and applied to the running bot's calendar at once; a student is refused."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.tables import AuditLog, CalendarOverride
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

ADMIN, STUDENT = "9104000001", "2023010103"  # 党委组织部's admin; a student


async def _overrides(db_url: str) -> list[tuple[str, bool, str, str]]:
    rows = await query(db_url, select(CalendarOverride.day, CalendarOverride.working,
                                      CalendarOverride.label, CalendarOverride.source)
                       .where(CalendarOverride.source == "command")
                       .order_by(CalendarOverride.day))
    return [(d.isoformat(), w, label, s) for d, w, label, s in rows]


async def test_admin_corrects_the_calendar_and_a_student_is_refused(db_url: str) -> None:
    await seed_roster(db_url)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    first, last = today + timedelta(days=10), today + timedelta(days=12)
    extra = today + timedelta(days=20)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url)) as bot:
            assert bot.rt is not None and bot.rt.calendar is not None
            cal = bot.rt.calendar
            admin = await bound_chat(api, db_url, ADMIN, 7001)
            stu = await bound_chat(api, db_url, STUDENT, 7002)

            stu.say(f"/calendar closed {first} 考试周")
            await stu.expect("只有组织部管理员可以调整校历。本次尝试已记录。")
            stu.say("/calendar")
            await stu.expect("只有组织部管理员可以调整校历")
            assert await _overrides(db_url) == []

            admin.say("/calendar")
            await admin.expect("/calendar closed 2027-01-18 2027-02-20 寒假")  # the usage

            admin.say(f"/calendar closed {first} {last} 考试周")
            await admin.expect(f"已将 {first} 至 {last}（共 3 天）设为停课/放假，说明：考试周。")
            # The running bot's calendar knows at once, before any reload.
            assert [cal.decide(first + timedelta(days=n)) for n in range(3)] == \
                [(False, "override")] * 3
            admin.say(f"/calendar 补班 {extra}")
            await admin.expect(f"已将 {extra}（共 1 天）设为上班/补班，说明：—。")
            assert cal.decide(extra) == (True, "override")

            admin.say("/calendar")
            shown = admin.text_of(await admin.expect("未来 60 天的校历调整"))
            assert f"· {first} 至 {last} 停课/放假：考试周（命令设置）" in shown
            assert f"· {extra} 上班/补班：—（命令设置）" in shown

            admin.say(f"/calendar clear {last} {extra}")
            await admin.expect(f"已清除 {last} 至 {extra} 的校历调整（2 天有调整）")
            assert cal.decide(last)[1] != "override" and cal.decide(extra)[1] != "override"
            assert cal.decide(first) == (False, "override")

            admin.say("/calendar closed 2027-02-30")
            await admin.expect("「2027-02-30」不是有效日期")
            admin.say("/calendar shut 2027-01-18")
            await admin.expect("用法：")

    assert await _overrides(db_url) == [(first.isoformat(), False, "考试周", "command"),
                                        ((first + timedelta(days=1)).isoformat(), False,
                                         "考试周", "command")]
    audits = await query(db_url, select(AuditLog.kind, AuditLog.detail)
                         .where(AuditLog.kind.in_(("calendar_override", "refused")))
                         .order_by(AuditLog.id))
    assert [(k, d.get("action"), d.get("why")) for k, d in audits] == [
        ("refused", "calendar", "not_admin"), ("refused", "calendar", "not_admin"),
        ("calendar_override", "closed", None), ("calendar_override", "open", None),
        ("calendar_override", "clear", None)]
    assert audits[2][1] == {"action": "closed", "from": first.isoformat(),
                            "to": last.isoformat(), "label": "考试周", "days": 3}
