"""Reception sessions from schedules: the rrule-backed recurrence, the holiday policy on the
Chinese calendar (2026 National Day: 10-01..10-07 off, 10-08 and Saturday 10-10 worked),
single-date overrides, cut-offs and the zone."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from bot.reception.recurrence import RruleExpander
from bot.workcalendar import ChinaWorkCalendar
from core.reception.schedule import (
    Cutoff,
    DateOverride,
    Frequency,
    HolidayPolicy,
    OverrideAction,
    Recurrence,
    Schedule,
)
from core.reception.sessions import KIND_EXTRA, KIND_REGULAR, Session, sessions_between
from core.workdays import FixedCalendar

EXPANDER = RruleExpander()
CHINA = ChinaWorkCalendar()
TZ = "Asia/Shanghai"
MON, TUE, WED, THU, FRI = range(5)


def weekly(*days: int, **kw: object) -> Recurrence:
    return Recurrence(Frequency.WEEKLY, weekdays=days, **kw)  # type: ignore[arg-type]


def sched(rule: Recurrence, policy: HolidayPolicy = HolidayPolicy.SKIP, **kw: object) -> Schedule:
    return Schedule("R1", "9200000001", "行政楼 201", time(14, 30), time(16, 30), rule,
                    holiday_policy=policy, **kw)  # type: ignore[arg-type]


def run(s: Schedule, first: date, last: date, overrides: tuple[DateOverride, ...] = (),
        calendar: object = CHINA, tz: str = TZ) -> list[Session]:
    return sessions_between(s, overrides, first, last, expander=EXPANDER,
                            calendar=calendar, tz=tz)  # type: ignore[arg-type]


def days(sessions: list[Session]) -> list[str]:
    return [s.day.isoformat() + (f"<{s.moved_from.isoformat()}" if s.moved_from else "")
            for s in sessions]


def test_second_and_fourth_wednesday_in_a_month_with_five() -> None:
    # July 2026 has five Wednesdays: 1, 8, 15, 22, 29.
    rule = Recurrence(Frequency.MONTHLY, weekdays=(WED,), nths=(2, 4))
    assert EXPANDER.dates(rule, date(2026, 7, 1), date(2026, 7, 31)) == \
        [date(2026, 7, 8), date(2026, 7, 22)]
    got = run(sched(rule), date(2026, 7, 1), date(2026, 8, 31))
    assert days(got) == ["2026-07-08", "2026-07-22", "2026-08-12", "2026-08-26"]
    last = Recurrence(Frequency.MONTHLY, weekdays=(WED,), nths=(-1,))
    assert EXPANDER.dates(last, date(2026, 7, 1), date(2026, 7, 31)) == [date(2026, 7, 29)]


def test_session_times_are_utc_from_the_local_zone_and_the_cutoff_is_the_previous_workday() -> None:
    [s] = run(sched(weekly(WED)), date(2026, 7, 6), date(2026, 7, 12))
    assert s.day == date(2026, 7, 8) and s.kind == KIND_REGULAR and s.moved_from is None
    assert s.starts_at == datetime(2026, 7, 8, 6, 30, tzinfo=timezone.utc)  # 14:30 +08:00
    assert s.ends_at == datetime(2026, 7, 8, 8, 30, tzinfo=timezone.utc)
    assert s.cutoff_at == datetime(2026, 7, 7, 8, 0, tzinfo=timezone.utc)  # Tue 16:00
    # A Monday session closes on the Friday before; a cut-off of 0 days on the day itself.
    [m] = run(sched(weekly(MON)), date(2026, 7, 6), date(2026, 7, 6))
    assert m.cutoff_at == datetime(2026, 7, 3, 8, 0, tzinfo=timezone.utc)
    [z] = run(sched(weekly(MON), cutoff=Cutoff(0, time(9, 0))), date(2026, 7, 6), date(2026, 7, 6))
    assert z.cutoff_at == datetime(2026, 7, 6, 1, 0, tzinfo=timezone.utc)


def test_a_zone_with_daylight_saving_changes_the_utc_offset_not_the_wall_clock() -> None:
    rule = weekly(WED)
    winter, summer = (run(sched(rule), d, d, calendar=FixedCalendar(), tz="Europe/Berlin")[0]
                      for d in (date(2026, 3, 25), date(2026, 4, 1)))
    assert winter.starts_at.hour == 13 and summer.starts_at.hour == 12  # 14:30 CET / CEST
    shanghai = [s.starts_at.hour for s in run(sched(rule), date(2026, 3, 20), date(2026, 4, 10))]
    assert shanghai == [6, 6, 6]  # no daylight saving: the same UTC hour all year


@pytest.mark.parametrize("policy, expected", [
    (HolidayPolicy.SKIP, ["2026-09-28", "2026-09-30", "2026-10-12", "2026-10-14"]),
    # Mon 10-05 and Wed 10-07 would both go to Wed 09-30, which holds its own session.
    (HolidayPolicy.PREVIOUS, ["2026-09-28", "2026-09-30", "2026-10-12", "2026-10-14"]),
    # Both postponed to Thu 10-08: the earlier one (Mon 10-05) takes it.
    (HolidayPolicy.NEXT, ["2026-09-28", "2026-09-30", "2026-10-08<2026-10-05",
                          "2026-10-12", "2026-10-14"]),
])
def test_weekly_across_national_day_2026(policy: HolidayPolicy, expected: list[str]) -> None:
    got = run(sched(weekly(MON, WED), policy), date(2026, 9, 28), date(2026, 10, 14))
    assert days(got) == expected


def test_previous_moves_a_lone_holiday_session_and_its_cutoff_follows() -> None:
    got = run(sched(weekly(THU), HolidayPolicy.PREVIOUS), date(2026, 9, 21), date(2026, 10, 16))
    assert days(got) == ["2026-09-24", "2026-09-30<2026-10-01", "2026-10-08", "2026-10-15"]
    moved = got[1]
    assert moved.origin == date(2026, 10, 1) and moved.kind == KIND_REGULAR
    assert moved.starts_at == datetime(2026, 9, 30, 6, 30, tzinfo=timezone.utc)
    assert moved.cutoff_at == datetime(2026, 9, 29, 8, 0, tzinfo=timezone.utc)
    # Postponed past the holiday, the cut-off is the last working day before: Wed 09-30.
    [post] = [s for s in run(sched(weekly(TUE), HolidayPolicy.NEXT), date(2026, 10, 1),
                             date(2026, 10, 9))]
    assert (post.day, post.moved_from) == (date(2026, 10, 8), date(2026, 10, 6))
    assert post.cutoff_at == datetime(2026, 9, 30, 8, 0, tzinfo=timezone.utc)


def test_a_session_moved_into_the_window_from_outside_is_found() -> None:
    got = run(sched(weekly(MON), HolidayPolicy.NEXT), date(2026, 10, 8), date(2026, 10, 8))
    assert days(got) == ["2026-10-08<2026-10-05"]
    assert run(sched(weekly(MON), HolidayPolicy.NEXT), date(2026, 10, 5), date(2026, 10, 7)) == []


def test_monthly_day_31_only_in_months_that_have_it() -> None:
    rule = Recurrence(Frequency.MONTHLY, month_day=31)
    cal = FixedCalendar()  # weekends only: 2026-01-31 is a Saturday
    got = run(sched(rule, HolidayPolicy.NEXT), date(2026, 1, 1), date(2026, 7, 31), calendar=cal)
    # No session in February, April or June; Sunday 05-31 is postponed to Monday.
    assert days(got) == ["2026-02-02<2026-01-31", "2026-03-31", "2026-06-01<2026-05-31",
                         "2026-07-31"]
    last = Recurrence(Frequency.MONTHLY, month_day=-1)
    assert EXPANDER.dates(last, date(2026, 1, 1), date(2026, 4, 30)) == \
        [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_a_window_spanning_years_and_an_interval() -> None:
    cal = FixedCalendar(holidays={date(2027, 1, 1)})
    rule = weekly(WED, FRI, interval=2, starts_on=date(2026, 12, 14))
    got = run(sched(rule, HolidayPolicy.PREVIOUS), date(2026, 12, 20), date(2027, 1, 15),
              calendar=cal)
    # Weeks of 12-14, 12-28, 01-11; Fri 01-01 is a holiday: held on Thu 12-31.
    assert days(got) == ["2026-12-30", "2026-12-31<2027-01-01", "2027-01-13", "2027-01-15"]
    bounded = weekly(WED, starts_on=date(2026, 12, 23), ends_on=date(2027, 1, 6))
    assert days(run(sched(bounded), date(2026, 12, 1), date(2027, 1, 31), calendar=cal)) == \
        ["2026-12-23", "2026-12-30", "2027-01-06"]


def test_overrides_cancel_move_and_extra() -> None:
    s = sched(weekly(WED), HolidayPolicy.NEXT)
    overrides = (
        DateOverride("R1", date(2026, 7, 8), OverrideAction.CANCEL),
        DateOverride("R1", date(2026, 7, 15), OverrideAction.MOVE, date(2026, 7, 16),
                     time(9, 0), time(11, 0)),
        DateOverride("R1", date(2026, 7, 20), OverrideAction.EXTRA),
        DateOverride("OTHER", date(2026, 7, 22), OverrideAction.CANCEL),
        # Named by the rule's date, a holiday-moved session can be moved again.
        DateOverride("R1", date(2026, 10, 7), OverrideAction.MOVE, date(2026, 10, 9)),
    )
    got = run(s, date(2026, 7, 1), date(2026, 7, 31), overrides)
    assert days(got) == ["2026-07-01", "2026-07-16<2026-07-15", "2026-07-20", "2026-07-22",
                         "2026-07-29"]
    moved, extra = got[1], got[2]
    assert moved.starts_at == datetime(2026, 7, 16, 1, 0, tzinfo=timezone.utc)
    assert moved.ends_at == datetime(2026, 7, 16, 3, 0, tzinfo=timezone.utc)
    assert moved.cutoff_at == datetime(2026, 7, 15, 8, 0, tzinfo=timezone.utc)
    assert (extra.kind, extra.origin, extra.moved_from) == (KIND_EXTRA, date(2026, 7, 20), None)
    assert extra.starts_at == datetime(2026, 7, 20, 6, 30, tzinfo=timezone.utc)
    october = run(s, date(2026, 10, 1), date(2026, 10, 14), overrides)
    assert days(october) == ["2026-10-09<2026-10-07", "2026-10-14"]
    # Cancelling by the held date removes the postponed session too.
    cancel = (DateOverride("R1", date(2026, 10, 8), OverrideAction.CANCEL),)
    assert days(run(s, date(2026, 10, 1), date(2026, 10, 14), cancel)) == ["2026-10-14"]


def test_bad_rules_and_schedules_are_refused() -> None:
    with pytest.raises(ValueError, match="weekday"):
        Recurrence(Frequency.WEEKLY)
    with pytest.raises(ValueError, match="interval_needs_from"):
        weekly(WED, interval=2)
    with pytest.raises(ValueError, match="nth"):
        Recurrence(Frequency.MONTHLY, weekdays=(WED,), nths=(6,))
    with pytest.raises(ValueError, match="month_day_range"):
        Recurrence(Frequency.MONTHLY, month_day=32)
    with pytest.raises(ValueError, match="end after"):
        Schedule("R", "1", "x", time(10), time(9), weekly(WED))
