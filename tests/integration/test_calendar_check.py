"""The calendar fallback reaches admins once, even across restarts."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from bot.workcalendar import ChinaWorkCalendar
from core.clock import FixedClock
from scheduler.calendar_check import check_calendar
from storage.tables import OutboxRow
from tests.integration.test_outbox_sender import ADMIN_CHAT, _admin


async def test_fallback_for_next_year_alerts_admins_once(sf) -> None:  # noqa: ANN001
    await _admin(sf)
    clock = FixedClock(datetime(2026, 11, 26, 1, 0, tzinfo=timezone.utc))
    first = await check_calendar(sf, ChinaWorkCalendar(), clock, timezone="Asia/Shanghai",
                                 default_locale="zh_CN")
    assert first == [(2027, "holidays")]  # chinese-calendar stops at 2026
    # A restart builds a new calendar; the audit row keeps the alert from repeating.
    again = await check_calendar(sf, ChinaWorkCalendar(), clock, timezone="Asia/Shanghai",
                                 default_locale="zh_CN")
    assert again == []
    async with sf() as s:
        alerts = [r for (r,) in await s.execute(select(OutboxRow.reply).where(
            OutboxRow.chat_id == str(ADMIN_CHAT)))]
    assert [a["key"] for a in alerts] == ["admin.calendar_fallback"]
    assert alerts[0]["params"] == {"year": 2027, "source": "holidays"}
