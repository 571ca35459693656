"""The concrete sessions of a schedule in a date window: expand the rule (through the
port), apply the holiday policy on the working-day calendar, then the single-date overrides.

Rules, in order:

1. The rule's dates are expanded over the window widened by ``MOVE_MARGIN_DAYS`` on both
   sides, so that a session moved into the window by the policy is found.
2. A date that is not a working day is skipped, moved to the previous working day or
   postponed to the next, per ``Schedule.holiday_policy``. A held date carries one session:
   a session on its own rule date keeps it, and of the moved ones the earliest rule date
   wins (a long closure with policy ``next`` makes one session after it, not five).
3. Overrides, which are explicit and so ignore the calendar: cancel removes the session
   held on (or planned for) ``day``; move holds it on ``new_day`` and/or other times;
   extra adds a session on ``day``.
4. Only sessions held within ``first``..``last`` are returned, in time order.

Times: the schedule's wall-clock times on the held date in zone ``tz``, returned in UTC;
the cut-off counts ``Cutoff.workdays_before`` working days back from the held date.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from core.reception.ports import RecurrenceExpander
from core.reception.schedule import DateOverride, HolidayPolicy, OverrideAction, Schedule
from core.workdays import WorkCalendar, next_workday, previous_workday

#: How far a holiday may move a session (longer than a winter vacation closure).
MOVE_MARGIN_DAYS = 62

KIND_REGULAR = "regular"
KIND_EXTRA = "extra"


@dataclass(frozen=True)
class Session:
    """One held session. ``(schedule_code, origin, kind)`` identifies it across
    recomputations: ``origin`` is the rule's date (an extra's own date), ``day`` the date it
    is held on; ``moved_from`` is ``origin`` when they differ (a holiday or an override)."""

    schedule_code: str
    origin: date
    kind: str
    day: date
    starts_at: datetime
    ends_at: datetime
    cutoff_at: datetime
    moved_from: date | None = None


@dataclass(frozen=True)
class _Planned:
    origin: date
    kind: str
    day: date
    start: time
    end: time


def _utc(day: date, at: time, tz: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def held_day(day: date, policy: HolidayPolicy, calendar: WorkCalendar) -> date | None:
    """Where a session planned for ``day`` is held under ``policy``; None: skipped."""
    if calendar.is_workday(day):
        return day
    if policy is HolidayPolicy.PREVIOUS:
        return previous_workday(day, calendar)
    if policy is HolidayPolicy.NEXT:
        return next_workday(day, calendar)
    return None


def cutoff_moment(schedule: Schedule, day: date, calendar: WorkCalendar, tz: str) -> datetime:
    """When booking for a session held on ``day`` closes, in UTC."""
    closes = day
    for _ in range(schedule.cutoff.workdays_before):
        closes = previous_workday(closes, calendar)
    return _utc(closes, schedule.cutoff.at, tz)


def _by_policy(schedule: Schedule, dates: Sequence[date],
               calendar: WorkCalendar) -> list[_Planned]:
    held: dict[date, date] = {}  # held day -> origin
    for origin in dates:  # on its own day first: a moved session never displaces it
        if calendar.is_workday(origin):
            held[origin] = origin
    for origin in dates:  # ascending, so the earliest moved session wins a day
        if calendar.is_workday(origin):
            continue
        day = held_day(origin, schedule.holiday_policy, calendar)
        if day is not None and day not in held:
            held[day] = origin
    return [_Planned(origin, KIND_REGULAR, day, schedule.start, schedule.end)
            for day, origin in held.items()]


def _apply(schedule: Schedule, planned: list[_Planned],
           overrides: Sequence[DateOverride]) -> list[_Planned]:
    mine = [o for o in overrides if o.schedule_code == schedule.code]
    out = list(planned)
    for o in sorted(mine, key=lambda o: (o.action is OverrideAction.EXTRA, o.day)):
        if o.action is OverrideAction.EXTRA:
            if not any(p.day == o.day and p.kind == KIND_EXTRA for p in out):
                out.append(_Planned(o.day, KIND_EXTRA, o.day, o.start or schedule.start,
                                    o.end or schedule.end))
            continue
        hits = [p for p in out if p.day == o.day] or [p for p in out if p.origin == o.day]
        for p in hits:
            out.remove(p)
            if o.action is OverrideAction.MOVE:
                out.append(_Planned(p.origin, p.kind, o.new_day or p.day,
                                    o.start or p.start, o.end or p.end))
    return out


def sessions_between(schedule: Schedule, overrides: Sequence[DateOverride],
                     first: date, last: date, *, expander: RecurrenceExpander,
                     calendar: WorkCalendar, tz: str) -> list[Session]:
    """The sessions of ``schedule`` held on ``first``..``last`` (both included)."""
    if last < first:
        return []
    margin = timedelta(days=MOVE_MARGIN_DAYS)
    dates = expander.dates(schedule.recurrence, first - margin, last + margin)
    planned = _apply(schedule, _by_policy(schedule, sorted(dates), calendar), overrides)
    out = [Session(schedule.code, p.origin, p.kind, p.day, _utc(p.day, p.start, tz),
                   _utc(p.day, p.end, tz), cutoff_moment(schedule, p.day, calendar, tz),
                   p.origin if p.day != p.origin else None)
           for p in planned if first <= p.day <= last]
    return sorted(out, key=lambda s: (s.starts_at, s.kind, s.origin))
