"""The reception-day cycle tests' shared set-up (tests/e2e/test_reception_cycle*.py): the
moving clock at a local time, the example schedule materialised with its holiday move,
and the reminder sweep run in-process at a chosen moment."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.config import Settings
from bot.reception.recurrence import RruleExpander
from bot.workcalendar import ChinaWorkCalendar
from scheduler.reception_reminders import reception_reminder_sweep
from scheduler.reception_sweep import reception_sweep
from storage.tables import ReceptionSession
from storage.uow import Sessions
from tests.support.db import query
from tests.support.harness import MovableClock

TZ = "Asia/Shanghai"


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    """A Shanghai wall-clock time as an aware UTC datetime."""
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(TZ)).astimezone(timezone.utc)


async def materialised_with_the_holiday_move(db_url: str, sf: Sessions, clock: MovableClock,
                                             china: ChinaWorkCalendar) -> None:
    """The example schedule's sessions from ``clock``'s day: the Wednesday 10-07 (National
    Day) is held on Thursday 10-08, the same day as the 下访 to 信息工程学院."""
    await reception_sweep(sf, clock, expander=RruleExpander(), calendar=china, timezone=TZ)
    held = await query(db_url, select(ReceptionSession.moved_from).where(
        ReceptionSession.local_date == date(2026, 10, 8)))
    assert sorted(held, key=str) == [(None,), (date(2026, 10, 7),)]


def reminder_sweeper(sf: Sessions, clock: MovableClock, settings: Settings,
                     china: ChinaWorkCalendar) -> Callable[[datetime], Awaitable[int]]:
    """``await sweep(at)``: move the clock to ``at``, run the reception reminders once,
    return how many rows were sent."""
    async def sweep(at: datetime) -> int:
        clock.at = at
        done = await reception_reminder_sweep(sf, clock, rules=settings.reception.rules(),
                                              calendar=china, timezone=TZ,
                                              default_locale="zh_CN")
        return done.sent
    return sweep


__all__ = ["TZ", "local", "materialised_with_the_holiday_move", "reminder_sweeper"]
