"""Working days and office hours on a pluggable calendar (the Chinese one in production).

Due times, follow-up delays, escalation steps and reception cut-offs all count from here.
The calendar is a port (``WorkCalendar``): ``bot/workcalendar.py`` adapts the Chinese
holiday data (with 调休 make-up workdays) to it; tests use ``FixedCalendar``.

Conventions used by every function below:

* Datetimes in and out are timezone-aware; results are returned in UTC. A naive datetime
  is refused with ``ValueError`` (stored times are UTC, so a naive one is a bug).
* Which *day* a moment falls on is decided in the configured zone ``tz``
  (e.g. ``"Asia/Shanghai"``), never in UTC: 2026-10-08 01:00 Beijing is 2026-10-07 in UTC.
* A calendar that reports no working day for more than a year in a row is refused with
  ``ValueError`` instead of looping for ever.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

DAY_START = time(8, 30)
DAY_END = time(17, 30)
_MAX_GAP_DAYS = 400  # longer than any real run of non-working days


class WorkCalendar(Protocol):
    def is_workday(self, day: date) -> bool:
        """True if people work on ``day`` (make-up 调休 weekends included)."""
        ...


@dataclass(frozen=True)
class FixedCalendar:
    """A calendar for tests: Monday–Friday work, minus ``holidays``, plus ``workdays``.

    ``workdays`` wins over ``holidays`` when a date is in both, as a make-up day would.
    """

    holidays: frozenset[date] | set[date] = field(default_factory=frozenset)
    workdays: frozenset[date] | set[date] = field(default_factory=frozenset)

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() < 5


def _local(moment: datetime, tz: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware one")
    return moment.astimezone(ZoneInfo(tz))


def _as_utc(moment: datetime) -> datetime:
    return _local(moment, "UTC").astimezone(timezone.utc)


def _utc(day: date, at: time, tz: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def next_workday(day: date, cal: WorkCalendar) -> date:
    """The first working day strictly after ``day``."""
    for step in range(1, _MAX_GAP_DAYS + 1):
        candidate = day + timedelta(days=step)
        if cal.is_workday(candidate):
            return candidate
    raise ValueError(f"no working day within {_MAX_GAP_DAYS} days after {day}")


def previous_workday(day: date, cal: WorkCalendar) -> date:
    """The last working day strictly before ``day`` (e.g. for a booking cut-off)."""
    for step in range(1, _MAX_GAP_DAYS + 1):
        candidate = day - timedelta(days=step)
        if cal.is_workday(candidate):
            return candidate
    raise ValueError(f"no working day within {_MAX_GAP_DAYS} days before {day}")


def add_working_days(start: datetime, days: int, cal: WorkCalendar, tz: str,
                     day_start: time = DAY_START) -> datetime:
    """The same local time of day, ``days`` working days after ``start``, in UTC.

    On a working day, Wednesday 10:00 + 5 working days is the fifth working day after
    Wednesday, at 10:00 local time, whether or not 10:00 is within office hours.

    Chosen rule for a start on a non-working day (weekend or holiday): the clock starts
    at ``day_start`` (08:30 by default) of the next working day, so a concern sent on
    Saturday with a 5-working-day limit is due 5 working days after Monday, at 08:30.
    ``days == 0`` therefore returns ``start`` itself on a working day and the next start
    of business otherwise. Negative ``days`` are refused with ``ValueError``.
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    local = _local(start, tz)
    day, at = local.date(), local.time()
    if not cal.is_workday(day):
        day, at = next_workday(day, cal), day_start
    for _ in range(days):
        day = next_workday(day, cal)
    return _utc(day, at, tz)


def add_working_hours(start: datetime, hours: float, cal: WorkCalendar, tz: str,
                      day_start: time = DAY_START, day_end: time = DAY_END) -> datetime:
    """The moment ``hours`` office hours after ``start``, in UTC.

    Only time between ``day_start`` and ``day_end`` (local) on working days counts. A start
    outside office hours counts from the next start of business. A span that uses up a day
    exactly ends at that day's ``day_end``, not at the next morning. ``hours == 0`` returns
    ``start`` unchanged; negative hours are refused with ``ValueError``.
    """
    if hours < 0:
        raise ValueError(f"hours must be >= 0, got {hours}")
    if day_start >= day_end:
        raise ValueError(f"day_start {day_start} must be before day_end {day_end}")
    if hours == 0:
        return _as_utc(start)
    local = _local(start, tz).replace(tzinfo=None)  # wall-clock arithmetic within a day
    day, at = local.date(), local.time()
    if not cal.is_workday(day) or at >= day_end:
        day, at = next_workday(day, cal), day_start
    elif at < day_start:
        at = day_start
    remaining = timedelta(hours=hours)
    while True:
        cursor = datetime.combine(day, at)
        available = datetime.combine(day, day_end) - cursor
        if remaining <= available:
            end = cursor + remaining
            return _utc(end.date(), end.time(), tz)
        remaining -= available
        day, at = next_workday(day, cal), day_start


def working_days_between(a: datetime, b: datetime, cal: WorkCalendar, tz: str) -> int:
    """How many working days lie in the local-date interval (a, b]; negative if b < a.

    It counts dates, not elapsed time: from Friday 17:00 to Monday 09:00 is 1 (Monday),
    and anything on the same local date is 0. This answers "how many working days later",
    e.g. whether a 回访 is 1–3 working days after REPLIED. A precise moment ("+2 working
    days after the due time") should come from ``add_working_days`` instead.
    """
    first, last = _local(a, tz).date(), _local(b, tz).date()
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    count = sum(1 for n in range(1, (last - first).days + 1)
                if cal.is_workday(first + timedelta(days=n)))
    return sign * count


@dataclass(frozen=True)
class Limit:
    """A time limit: exactly one of wall-clock ``hours``, ``working_days`` or
    ``working_hours`` (office hours on working days).

    Chosen defaults (DOMAIN.md, configurable per category and urgency): P0 and P1 limits
    (15 min, 2 h, 24 h) run on the wall clock, because a crisis or an urgent matter must
    not wait for Monday or the end of the National Day week. P2 and P3 reply limits
    (5 and 15 working days) count working days on the Chinese calendar, 调休 included.
    """

    hours: float | None = None
    working_days: int | None = None
    working_hours: float | None = None

    def __post_init__(self) -> None:
        given = [v for v in (self.hours, self.working_days, self.working_hours)
                 if v is not None]
        if len(given) != 1:
            raise ValueError("a Limit needs exactly one of hours, working_days, working_hours")
        if given[0] < 0:
            raise ValueError(f"a Limit cannot be negative: {given[0]}")

    @classmethod
    def wall_clock(cls, hours: float) -> Limit:
        """A limit of ``hours`` on the wall clock (nights and holidays count)."""
        return cls(hours=hours)

    @classmethod
    def workdays(cls, days: int) -> Limit:
        """A limit of ``days`` working days (see ``add_working_days``)."""
        return cls(working_days=days)

    @classmethod
    def office_hours(cls, hours: float) -> Limit:
        """A limit of ``hours`` office hours on working days (see ``add_working_hours``)."""
        return cls(working_hours=hours)

    def due(self, start: datetime, cal: WorkCalendar, tz: str,
            day_start: time = DAY_START, day_end: time = DAY_END) -> datetime:
        """When a clock started at ``start`` runs out, in UTC."""
        if self.hours is not None:
            return _as_utc(start) + timedelta(hours=self.hours)
        if self.working_days is not None:
            return add_working_days(start, self.working_days, cal, tz, day_start)
        assert self.working_hours is not None
        return add_working_hours(start, self.working_hours, cal, tz, day_start, day_end)


def fraction_elapsed(start: datetime, due: datetime, now: datetime) -> float:
    """The share of the wall-clock window [start, due] that has passed at ``now``.

    0.0 before or at ``start``; 0.8 is when the 催办 reminder goes out; 1.0 at ``due``;
    above 1.0 once overdue (1.5 = half the window again), so callers can tell by how much.
    A window of zero or negative length counts as fully elapsed from ``due`` onwards.
    Wall-clock on purpose: pure and cheap for sweeps. For a working-day limit spanning a
    long holiday the 80% point may fall inside the holiday; a sweep that must not remind on
    holidays should check the calendar before sending.
    """
    window = (due - start).total_seconds()
    if window <= 0:
        return 1.0 if now >= due else 0.0
    return max(0.0, (now - start).total_seconds() / window)
