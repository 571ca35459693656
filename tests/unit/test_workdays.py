"""Working days (core.workdays) on a fake calendar and on the real Chinese calendar adapter.
Dates from the 2026 State Council schedule as carried by chinesecalendar 1.11:
National Day + Mid-Autumn: Sep 25 and Oct 1-7 off, Sun Sep 20 and Sat Oct 10 worked;
Spring Festival: Feb 15-23 off, Sat Feb 14 and Sat Feb 28 worked.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import holidays
import pytest

from bot.workcalendar import ChinaWorkCalendar
from core.workdays import (
    FixedCalendar,
    Limit,
    add_working_days,
    add_working_hours,
    fraction_elapsed,
    next_workday,
    previous_workday,
    working_days_between,
)

TZ = "Asia/Shanghai"
WEEK = FixedCalendar()  # Monday-Friday, no holidays


def bj(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(TZ))


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=timezone.utc)


class Alerts(list):
    """The admins' alert channel: records each on_fallback(year, source) call."""

    def __call__(self, year: int, source: str) -> None:
        self.append((year, source))


# --- the fake calendar and the pure functions -------------------------------------------

def test_fixed_calendar_weekends_holidays_and_makeup_days() -> None:
    cal = FixedCalendar(holidays={date(2026, 3, 4)}, workdays={date(2026, 3, 7)})
    assert cal.is_workday(date(2026, 3, 3))  # Tuesday
    assert not cal.is_workday(date(2026, 3, 4))  # Wednesday, holiday
    assert cal.is_workday(date(2026, 3, 7))  # Saturday, make-up
    assert not cal.is_workday(date(2026, 3, 8))  # Sunday


def test_add_working_days_keeps_the_local_time_and_returns_utc() -> None:
    due = add_working_days(bj(2026, 3, 4, 10), 5, WEEK, TZ)  # Wednesday
    assert due == bj(2026, 3, 11, 10)
    assert due.tzinfo == timezone.utc and due == utc(2026, 3, 11, 2)
    assert add_working_days(bj(2026, 3, 6, 22), 1, WEEK, TZ) == bj(2026, 3, 9, 22)  # Fri night


def test_a_start_on_a_non_working_day_counts_from_the_next_start_of_business() -> None:
    saturday = bj(2026, 3, 7, 14)
    assert add_working_days(saturday, 0, WEEK, TZ) == bj(2026, 3, 9, 8, 30)
    assert add_working_days(saturday, 1, WEEK, TZ) == bj(2026, 3, 10, 8, 30)
    assert add_working_days(saturday, 1, WEEK, TZ, day_start=time(9)) == bj(2026, 3, 10, 9)
    # The day is decided in local time: Friday 17:00 UTC is Saturday 01:00 in Beijing.
    assert add_working_days(utc(2026, 3, 6, 17), 1, WEEK, TZ) == bj(2026, 3, 10, 8, 30)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(datetime(2026, 3, 4, 10), 1, WEEK, TZ)  # naive
    with pytest.raises(ValueError):
        add_working_days(bj(2026, 3, 4), -1, WEEK, TZ)
    with pytest.raises(ValueError):
        add_working_hours(bj(2026, 3, 4), 1, WEEK, TZ, day_start=time(18), day_end=time(9))
    never = FixedCalendar(holidays={date(2026, 1, 1) + timedelta(n) for n in range(800)})
    with pytest.raises(ValueError):  # a broken calendar must not hang a sweep
        next_workday(date(2026, 1, 1), never)


def test_next_and_previous_workday_skip_weekends_and_holidays() -> None:
    cal = FixedCalendar(holidays={date(2026, 3, 9)})
    assert (next_workday(date(2026, 3, 6), cal), previous_workday(date(2026, 3, 10), cal)) == (
        date(2026, 3, 10), date(2026, 3, 6))


TUESDAY_OFF = FixedCalendar(holidays={date(2026, 3, 10)})


@pytest.mark.parametrize(("start", "hours", "cal", "expected"), [
    (bj(2026, 3, 6, 16, 30), 3, WEEK, bj(2026, 3, 9, 10, 30)),  # Fri 1 h + Mon 2 h
    (bj(2026, 3, 6, 16, 30), 1, WEEK, bj(2026, 3, 6, 17, 30)),  # ends at close, not Monday
    (bj(2026, 3, 6, 18), 1, WEEK, bj(2026, 3, 9, 9, 30)),  # after hours: from Mon 08:30
    (bj(2026, 3, 7, 11), 1, WEEK, bj(2026, 3, 9, 9, 30)),  # Saturday
    (bj(2026, 3, 9, 7), 1, WEEK, bj(2026, 3, 9, 9, 30)),  # before opening
    (bj(2026, 3, 9, 8, 30), 18, WEEK, bj(2026, 3, 10, 17, 30)),  # two full days
    (bj(2026, 3, 9, 8, 30), 18, TUESDAY_OFF, bj(2026, 3, 11, 17, 30)),  # skips the holiday
    (bj(2026, 3, 9, 12), 0.5, WEEK, bj(2026, 3, 9, 12, 30)),
])
def test_add_working_hours_counts_office_hours_only(start: datetime, hours: float,
                                                    cal: FixedCalendar, expected: datetime) -> None:
    assert add_working_hours(start, hours, cal, TZ) == expected


def test_working_days_between_counts_local_dates() -> None:
    cal = FixedCalendar(holidays={date(2026, 3, 10)}, workdays={date(2026, 3, 14)})
    assert working_days_between(bj(2026, 3, 6, 17), bj(2026, 3, 9, 9), cal, TZ) == 1
    assert working_days_between(bj(2026, 3, 9, 8), bj(2026, 3, 9, 23), cal, TZ) == 0
    # Mon 9 -> Mon 16: Tue is a holiday, Sat 14 a make-up day: 11, 12, 13, 14, 16.
    assert working_days_between(bj(2026, 3, 9), bj(2026, 3, 16), cal, TZ) == 5
    assert working_days_between(bj(2026, 3, 16), bj(2026, 3, 9), cal, TZ) == -5


def test_working_days_between_undoes_add_working_days() -> None:
    cal = FixedCalendar(holidays={date(2026, 3, 10), date(2026, 3, 20)},
                        workdays={date(2026, 3, 14)})
    start = bj(2026, 3, 9, 15)
    for n in range(25):
        assert working_days_between(start, add_working_days(start, n, cal, TZ), cal, TZ) == n


def test_limit_needs_exactly_one_positive_measure() -> None:
    for bad in ({}, {"hours": 2, "working_days": 5}, {"hours": -1}):
        with pytest.raises(ValueError):
            Limit(**bad)
    assert (Limit.wall_clock(24), Limit.workdays(5), Limit.office_hours(4)) == (
        Limit(hours=24), Limit(working_days=5), Limit(working_hours=4))


@pytest.mark.parametrize(("now", "fraction"), [(-1, 0.0), (0, 0.0), (8, 0.8), (10, 1.0), (15, 1.5)])
def test_fraction_elapsed(now: float, fraction: float) -> None:
    start = utc(2026, 3, 9, 1)
    due = start + timedelta(hours=10)
    assert fraction_elapsed(start, due, start + timedelta(hours=now)) == pytest.approx(fraction)


def test_fraction_elapsed_of_an_empty_window() -> None:
    at = utc(2026, 3, 9, 1)
    assert (fraction_elapsed(at, at, at - timedelta(seconds=1)), fraction_elapsed(at, at, at)) == (
        0.0, 1.0)


# --- the real Chinese calendar ---------------------------------------------------------

@pytest.fixture
def alerts() -> Alerts:
    return Alerts()


@pytest.fixture
def china(alerts: Alerts) -> ChinaWorkCalendar:
    return ChinaWorkCalendar(on_fallback=alerts)


def test_national_day_week_2026(china: ChinaWorkCalendar, alerts: Alerts) -> None:
    off = [date(2026, 9, 25)] + [date(2026, 10, d) for d in range(1, 8)] + [date(2026, 10, 11)]
    on = [date(2026, 9, 20), date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 10)]
    assert [d for d in off if china.is_workday(d)] == []
    assert [d for d in on if not china.is_workday(d)] == []
    assert add_working_days(bj(2026, 9, 30, 10), 1, china, TZ) == bj(2026, 10, 8, 10)
    assert china.source(2026) == "chinese_calendar" and alerts == []


def test_spring_festival_2026_with_its_makeup_saturdays(china: ChinaWorkCalendar) -> None:
    assert not any(china.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert china.is_workday(date(2026, 2, 14)) and china.is_workday(date(2026, 2, 28))
    friday = bj(2026, 2, 13, 9)
    assert add_working_days(friday, 1, china, TZ) == bj(2026, 2, 14, 9)  # the make-up Sat
    assert add_working_days(friday, 2, china, TZ) == bj(2026, 2, 24, 9)
    assert working_days_between(friday, bj(2026, 2, 24, 9), china, TZ) == 2


def test_a_makeup_saturday_counts_as_a_working_day(china: ChinaWorkCalendar) -> None:
    saturday = bj(2026, 2, 28, 15)  # 调休 working Saturday
    assert add_working_days(saturday, 0, china, TZ) == saturday  # not moved to Monday
    assert add_working_days(bj(2026, 2, 27, 10), 1, china, TZ) == bj(2026, 2, 28, 10)
    # Office hours run on it too: Fri 16:30 + 2 h ends Saturday 09:30.
    assert add_working_hours(bj(2026, 2, 27, 16, 30), 2, china, TZ) == bj(2026, 2, 28, 9, 30)


def test_p1_runs_on_the_wall_clock_and_p2_on_working_days_across_national_day(
        china: ChinaWorkCalendar) -> None:
    start = bj(2026, 9, 30, 20)
    assert Limit(hours=24).due(start, china, TZ).isoformat() == "2026-10-01T12:00:00+00:00"
    # Oct 8 (1), Oct 9 (2), Sat Oct 10 make-up (3), Oct 12 (4), Oct 13 (5).
    assert Limit(working_days=5).due(start, china, TZ) == utc(2026, 10, 13, 12)
    # Office hours: 30 min on Sep 30, then 90 min on Oct 8.
    assert Limit(working_hours=2).due(bj(2026, 9, 30, 17), china, TZ) == bj(2026, 10, 8, 10)


def test_new_year_2027_falls_back_to_holidays_once_with_a_warning(
        china: ChinaWorkCalendar, alerts: Alerts, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot.workcalendar")
    start = bj(2026, 12, 30, 10)  # Wednesday
    # Dec 31 (1), Jan 1 2027 is New Year's Day, Jan 4 (2) .. Jan 7 (5).
    assert add_working_days(start, 5, china, TZ) == utc(2027, 1, 7, 2)
    for _ in range(50):
        add_working_days(start, 15, china, TZ)
        assert not china.is_workday(date(2027, 1, 1))
    assert (china.source(2026), china.source(2027)) == ("chinese_calendar", "holidays")
    assert alerts == [(2027, "holidays")]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "2027" in warnings[0] and "holidays" in warnings[0]
    china.is_workday(date(2028, 3, 1))
    assert alerts == [(2027, "holidays"), (2028, "holidays")]


def test_past_holidays_coverage_it_falls_back_to_weekends_only(
        china: ChinaWorkCalendar, alerts: Alerts, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_data(*args: object, **kwargs: object) -> None:
        raise NotImplementedError("no China data")

    monkeypatch.setattr(holidays, "China", no_data)
    caplog.set_level(logging.WARNING, logger="bot.workcalendar")
    # Weekends only: Jan 1 2027 (Friday) now counts, so the due time is a day earlier.
    assert add_working_days(bj(2026, 12, 30, 10), 5, china, TZ) == utc(2027, 1, 6, 2)
    assert sum(china.is_workday(date(2027, 1, d)) for d in range(1, 32)) == 21
    assert china.source(2027) == "weekends"
    assert alerts == [(2027, "weekends")]
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(messages) == 1 and "2027" in messages[0] and "weekends" in messages[0]


def test_a_holidays_table_that_answers_nothing_counts_as_no_data(
        china: ChinaWorkCalendar, alerts: Alerts, monkeypatch: pytest.MonkeyPatch) -> None:
    class Silent(dict):  # what holidays.China does for a year it does not cover
        start_year, end_year = 1, 9999

        def __init__(self, years: int) -> None:
            super().__init__()

    monkeypatch.setattr(holidays, "China", Silent)
    assert china.is_workday(date(2027, 1, 1))  # Friday, weekends only
    assert alerts == [(2027, "weekends")]


def test_the_holidays_fallback_knows_makeup_workdays(
        alerts: Alerts, monkeypatch: pytest.MonkeyPatch) -> None:
    year_2026 = [date(2026, 1, 1) + timedelta(n) for n in range(365)]
    expected = {d for d in year_2026 if ChinaWorkCalendar().is_workday(d)}

    def no_data(day: date) -> bool:
        raise NotImplementedError("pretend chinese_calendar stops at 2025")

    monkeypatch.setattr(chinese_calendar, "is_workday", no_data)
    cal = ChinaWorkCalendar(on_fallback=alerts)
    assert cal.source(2026) == "holidays"
    makeup = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
              date(2026, 9, 20), date(2026, 10, 10)]
    assert all(cal.is_workday(d) for d in makeup)  # from holidays' weekend_workdays
    assert {d for d in year_2026 if cal.is_workday(d)} == expected
    assert alerts == [(2026, "holidays")]


def test_never_raises_between_1900_and_2100(china: ChinaWorkCalendar, alerts: Alerts) -> None:
    for year in range(1900, 2101):
        for day in (date(year, 1, 1), date(year, 6, 15), date(year, 12, 31)):
            assert isinstance(china.is_workday(day), bool)
    assert china.source(1901) == "weekends" and china.is_workday(date(1901, 1, 1))  # a Tue
    assert china.source(2100) == "holidays" and not china.is_workday(date(2100, 1, 1))  # Fri
    assert china.source(2004) == "chinese_calendar"  # one alert for each year it lacks:
    assert sorted(alerts) == [(y, "weekends" if y < 1950 else "holidays")
                              for y in range(1900, 2101) if not 2004 <= y <= 2026]


def test_a_failing_alert_is_logged_and_not_repeated(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    def broken(year: int, source: str) -> None:
        calls.append(year)
        raise RuntimeError("admin channel down")

    cal = ChinaWorkCalendar(on_fallback=broken)
    caplog.set_level(logging.WARNING, logger="bot.workcalendar")
    assert not cal.is_workday(date(2027, 1, 1)) and not cal.is_workday(date(2027, 1, 2))
    assert calls == [2027]
    assert any(r.levelno == logging.ERROR and "2027" in r.getMessage() for r in caplog.records)


def test_an_admin_override_beats_the_package_data(alerts: Alerts) -> None:
    cal = ChinaWorkCalendar(on_fallback=alerts, overrides={
        date(2026, 10, 8): False,  # package: working
        date(2026, 10, 11): True,  # package: Sunday off
        date(2027, 1, 1): True,  # holidays package: New Year's Day
    })
    assert not cal.is_workday(date(2026, 10, 8)) and cal.is_workday(date(2026, 10, 11))
    assert cal.is_workday(datetime(2026, 10, 11, 9, tzinfo=ZoneInfo(TZ)))
    # Oct 9 (1), Sat Oct 10 (2), Sun Oct 11 (3).
    assert add_working_days(bj(2026, 9, 30, 10), 3, cal, TZ) == bj(2026, 10, 11, 10)
    assert cal.is_workday(date(2027, 1, 1)) and alerts == []  # answered, nothing loaded
    cal.set_override(date(2026, 10, 8), None)
    cal.set_override(date(2026, 10, 9), False)
    assert cal.is_workday(date(2026, 10, 8)) and not cal.is_workday(date(2026, 10, 9))
    assert cal.overrides[date(2026, 10, 9)] is False


@pytest.mark.parametrize("locale,words", [
    ("zh_CN", "工作日校历：2027 年没有节假日数据包的数据，改用 holidays 判断（"),
    ("en", "work calendar: no holiday data for 2027 from the package; falling back to holidays ("),
], ids=["zh_CN", "en"])
def test_the_fallback_warning_is_in_the_operators_language(
        caplog: pytest.LogCaptureFixture, locale: str, words: str) -> None:
    from bot.config import load_settings
    from bot.startup import calendar_fallback_text

    settings = load_settings(Path(__file__).resolve().parents[2] / "config.toml")
    cal = ChinaWorkCalendar(fallback_text=calendar_fallback_text(settings, locale))
    caplog.set_level(logging.WARNING, logger="bot.workcalendar")
    assert not cal.is_workday(date(2027, 1, 1))
    [message] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert message.startswith(words), message
    assert "chinese_calendar: NotImplementedError" in message  # why, as the package says it
