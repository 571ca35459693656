"""A reception schedule as data: who hosts, where, when, how it repeats, what a holiday does
to it, and the admins' single-date overrides. Pure and stdlib-only.

Recurrence is a small data form (``Recurrence``), not a rule language: ``weekly`` on one or
more weekdays (every ``interval`` weeks), ``monthly`` on the Nth weekday(s) (``nths`` 1..5,
-1 the last; "2nd and 4th Wednesday" is weekdays=(2,), nths=(2, 4)) or on a day of the
month (1..31, -1 the last; a month without that day has no session). Weekdays count from
0 = Monday, like ``date.weekday()``. The port ``core.reception.ports.RecurrenceExpander``
turns it into dates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum

from core.types import JSON


class Frequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class HolidayPolicy(StrEnum):
    """What a session whose date is not a working day becomes."""

    SKIP = "skip"          # not held
    PREVIOUS = "previous"  # held on the last working day before
    NEXT = "next"          # postponed to the first working day after


class OverrideAction(StrEnum):
    CANCEL = "cancel"  # the session of that date is not held
    MOVE = "move"      # the session of that date is held on ``new_day`` (and/or other times)
    EXTRA = "extra"    # an additional session on that date


@dataclass(frozen=True)
class Recurrence:
    frequency: Frequency
    weekdays: tuple[int, ...] = ()
    nths: tuple[int, ...] = ()
    month_day: int | None = None
    interval: int = 1
    #: the first date the rule may produce (and the anchor of ``interval``); None: any
    starts_on: date | None = None
    #: the last date the rule may produce; None: open-ended
    ends_on: date | None = None

    def __post_init__(self) -> None:
        problem = recurrence_problem(self)
        if problem:
            raise RecurrenceInvalid(*problem)


class RecurrenceInvalid(ValueError):
    """A rule that cannot be used: ``key`` (a locale key of ``[roster_problem]``) and its
    ``params`` say why, for the roster sheet's row problems."""

    def __init__(self, key: str, params: dict[str, JSON]) -> None:
        super().__init__(key, params)
        self.key, self.params = key, params


def recurrence_problem(r: Recurrence) -> tuple[str, dict[str, JSON]] | None:
    """Why ``r`` is not a usable rule, as (locale key, parameters); None if fine."""
    if r.interval < 1 or r.interval > 12:
        return "roster_problem.interval_range", {"value": r.interval}
    if r.interval > 1 and r.starts_on is None:
        return "roster_problem.interval_needs_from", {}
    if any(d not in range(7) for d in r.weekdays) or len(set(r.weekdays)) != len(r.weekdays):
        return "roster_problem.weekdays_distinct", {}
    if r.starts_on and r.ends_on and r.ends_on < r.starts_on:
        return "roster_problem.rule_reversed", {"first": r.starts_on.isoformat(),
                                                "last": r.ends_on.isoformat()}
    if r.frequency is Frequency.WEEKLY:
        if not r.weekdays:
            return "roster_problem.weekly_needs_weekday", {}
        if r.nths or r.month_day is not None:
            return "roster_problem.weekly_not_monthly", {}
        return None
    if r.month_day is not None:
        if r.weekdays or r.nths:
            return "roster_problem.monthly_either", {}
        if r.month_day == 0 or not -1 <= r.month_day <= 31:
            return "roster_problem.month_day_range", {"value": r.month_day}
        return None
    if not r.weekdays or not r.nths:
        return "roster_problem.monthly_needs_day", {}
    if any(n not in (1, 2, 3, 4, 5, -1) for n in r.nths) or len(set(r.nths)) != len(r.nths):
        return "roster_problem.nths_range", {}
    return None


@dataclass(frozen=True)
class Cutoff:
    """Booking closes ``workdays_before`` working days before the session's date at ``at``
    (local time); 0 means the session's own date. Default: the previous working day 16:00."""

    workdays_before: int = 1
    at: time = time(16, 0)


@dataclass(frozen=True)
class Schedule:
    code: str            # unique; overrides and sessions refer to it
    leader: str          # the leader's person number
    place: str
    start: time          # local wall-clock times
    end: time
    recurrence: Recurrence
    capacity: int = 6    # topics per session
    cutoff: Cutoff = field(default_factory=Cutoff)
    holiday_policy: HolidayPolicy = HolidayPolicy.SKIP
    accompany: tuple[str, ...] = ()  # accompanying unit heads (陪同接待), person numbers
    contact_unit: str | None = None  # for an outreach visit (下访) to that unit, later

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"a session must end after it starts ({self.start}-{self.end})")
        if self.capacity < 1:
            raise ValueError(f"the capacity must be at least 1, not {self.capacity}")
        if self.cutoff.workdays_before < 0:
            raise ValueError("the cut-off cannot be after the session's date")


@dataclass(frozen=True)
class DateOverride:
    """One admin decision about one date of a schedule.

    ``day`` names the session concerned: for cancel and move, the date it would be held on
    (after the holiday policy) or its rule date; for extra, the date of the new session.
    A move goes to ``new_day`` (default: the same date) and, when given, ``start``/``end``.
    """

    schedule_code: str
    day: date
    action: OverrideAction
    new_day: date | None = None
    start: time | None = None
    end: time | None = None
