"""The roster's optional reception sheets: ``reception`` (接待安排), one schedule a row, and
``reception_dates`` (接待日调整), one single-date override a row; and the ``roles`` sheet's
optional ``contact_units`` column (领导联系点). Checked row by row like the other sheets.

``reception`` columns: ``code``, ``leader`` (a person number with the leader role),
``place``, ``repeat`` (weekly/每周, monthly/每月), ``weekday`` (one or more: 1-7, mon..sun,
一..日), ``nth`` (monthly: 1..5 or -1 for the last, e.g. ``2,4``), ``month_day`` (monthly:
1..31 or -1), ``interval``, ``from``/``until`` (the rule's first and last dates), ``start``,
``end`` (14:30), ``capacity`` (default 6), ``cutoff`` (default: previous working day 16:00;
see core.reception.words.parse_cutoff), ``holiday_policy`` (skip/跳过, previous/提前,
next/顺延; default skip), ``accompany`` (person numbers separated by , or 、) and
``contact_unit`` (a unit code). ``reception_dates``: ``schedule`` (a code of the first
sheet), ``date``, ``action`` (cancel/取消, move/改期, extra/加开), ``new_date``, ``start``,
``end``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, time

from core.calendar.days import parse_day
from core.model import Role, UnitKind
from core.people.roster import OPTIONAL_SHEET_COLUMNS, RosterProblem, RosterRow
from core.people.roster_aliases import chinese_column
from core.people.roster_checks import KIND_WORDS
from core.reception.schedule import (
    DateOverride,
    Frequency,
    OverrideAction,
    Recurrence,
    RecurrenceInvalid,
    Schedule,
)
from core.types import JSON
from core.reception.words import ACTIONS, FREQUENCIES, POLICIES, parse_cutoff, parse_time, \
    parse_weekday, split_list

SHEET, DATES = "reception", "reception_dates"
MAX_CAPACITY = 50
_CONTACT_KINDS = (UnitKind.COLLEGE, UnitKind.BRANCH)


class _Rows:
    def __init__(self) -> None:
        self.problems: list[RosterProblem] = []

    def bad(self, row: RosterRow, column: str, key: str, **params: JSON) -> None:
        self.problems.append(RosterProblem(row.sheet, row.line, column, key, params))

    def text(self, row: RosterRow, column: str, required: bool = False) -> str:
        value = row.values.get(column, "").strip()
        if required and not value:
            self.bad(row, column, "roster_problem.empty")
        return value

    def pick(self, row: RosterRow, column: str, words: dict[str, object], default: object,
             key: str) -> object:
        """The cell as one of ``words``; ``key`` reports an unknown word with the known ones."""
        raw = self.text(row, column)
        if not raw:
            return default
        if raw.lower() not in words:
            self.bad(row, column, key, value=raw, known=", ".join(words))
            return None
        return words[raw.lower()]

    def parsed(self, row: RosterRow, column: str, parse: Callable[[str], object],
               key: str, required: bool = False) -> object:
        raw = self.text(row, column, required)
        value = parse(raw) if raw else None
        if raw and value is None:
            self.bad(row, column, key, value=raw)
        return value

    def integers(self, row: RosterRow, column: str) -> tuple[int, ...] | None:
        try:
            return tuple(int(p) for p in split_list(self.text(row, column)))
        except ValueError:
            self.bad(row, column, "roster_problem.not_integers", value=self.text(row, column))
            return None


def structure_problems(sheets: dict[str, Sequence[RosterRow]]) -> list[RosterProblem]:
    problems = []
    for name in (SHEET, DATES):
        rows = sheets.get(name, ())
        if rows:
            problems += [RosterProblem(rows[0].sheet, 1, c, "roster_problem.missing_column",
                                       {"value": c, "chinese": chinese_column(name, c)})
                         for c in OPTIONAL_SHEET_COLUMNS[name][0] if c not in rows[0].values]
    if DATES in sheets and SHEET not in sheets and sheets[DATES]:
        problems.append(RosterProblem(sheets[DATES][0].sheet, 0, "",
                                      "roster_problem.needs_reception_sheet"))
    return problems


def reception_entries(schedule_rows: Sequence[RosterRow], date_rows: Sequence[RosterRow],
                      numbers: set[str], leaders: set[str], kinds: dict[str, UnitKind]
                      ) -> tuple[list[Schedule], list[DateOverride], list[RosterProblem]]:
    """The sheets' schedules and overrides, and every problem found (in line order)."""
    c = _Rows()
    schedules: list[Schedule] = []
    seen: dict[str, int] = {}
    for row in schedule_rows:
        before = len(c.problems)
        code, leader = c.text(row, "code", True), c.text(row, "leader", True)
        if code in seen:
            c.bad(row, "code", "roster_problem.duplicate_schedule", value=code, first=seen[code])
        elif code:
            seen[code] = row.line
        if len(code) > 64:
            c.bad(row, "code", "roster_problem.too_long", count=64)
        if leader and leader not in numbers:
            c.bad(row, "leader", "roster_problem.unknown_person", value=leader)
        elif leader and leader not in leaders:
            c.bad(row, "leader", "roster_problem.not_leader", value=leader)
        place = c.text(row, "place", True)
        if len(place) > 200:
            c.bad(row, "place", "roster_problem.too_long", count=200)
        rule = _recurrence(c, row)
        start = c.parsed(row, "start", parse_time, "roster_problem.bad_time", True)
        end = c.parsed(row, "end", parse_time, "roster_problem.bad_time", True)
        if isinstance(start, time) and isinstance(end, time) and end <= start:
            c.bad(row, "end", "roster_problem.ends_before_start", start=f"{start:%H:%M}",
                  end=f"{end:%H:%M}")
        capacity = c.integers(row, "capacity") or (6,)
        if len(capacity) != 1 or not 1 <= capacity[0] <= MAX_CAPACITY:
            c.bad(row, "capacity", "roster_problem.bad_capacity", count=MAX_CAPACITY)
        cutoff = c.parsed(row, "cutoff", parse_cutoff, "roster_problem.bad_cutoff")
        policy = c.pick(row, "holiday_policy", dict(POLICIES), POLICIES["skip"],
                        "roster_problem.unknown_policy")
        accompany = tuple(split_list(c.text(row, "accompany")))
        for who in accompany:
            if who not in numbers:
                c.bad(row, "accompany", "roster_problem.unknown_person", value=who)
        unit = c.text(row, "contact_unit") or None
        if unit and unit not in kinds:
            c.bad(row, "contact_unit", "roster_problem.unknown_unit", value=unit)
        if len(c.problems) == before and rule and isinstance(start, time) \
                and isinstance(end, time) and policy:
            schedules.append(Schedule(code, leader, place, start, end, rule, capacity[0],
                                      cutoff or parse_cutoff(""), policy,  # type: ignore[arg-type]
                                      accompany, unit))
    return schedules, _overrides(c, date_rows, seen), c.problems


def _recurrence(c: _Rows, row: RosterRow) -> Recurrence | None:
    freq = c.pick(row, "repeat", dict(FREQUENCIES), None, "roster_problem.unknown_repeat")
    if not c.text(row, "repeat", True) or not isinstance(freq, Frequency):
        return None
    words = split_list(c.text(row, "weekday"))
    weekdays = tuple(parse_weekday(w) for w in words)
    if None in weekdays:
        c.bad(row, "weekday", "roster_problem.bad_weekdays", value=c.text(row, "weekday"))
        return None
    nths, month_day = c.integers(row, "nth"), c.integers(row, "month_day")
    interval = c.integers(row, "interval") or (1,)
    first = c.parsed(row, "from", parse_day, "roster_problem.bad_date")
    last = c.parsed(row, "until", parse_day, "roster_problem.bad_date")
    if nths is None or month_day is None or len(month_day) > 1 or len(interval) != 1:
        if month_day is not None and len(month_day) > 1:
            c.bad(row, "month_day", "roster_problem.one_month_day")
        return None
    try:
        return Recurrence(freq, weekdays, nths, month_day[0] if month_day else None,  # type: ignore[arg-type]
                          interval[0], first if isinstance(first, date) else None,
                          last if isinstance(last, date) else None)
    except RecurrenceInvalid as exc:  # recurrence_problem's reason
        c.bad(row, "repeat", exc.key, **exc.params)
        return None


def _overrides(c: _Rows, rows: Sequence[RosterRow], codes: dict[str, int]) -> list[DateOverride]:
    out: list[DateOverride] = []
    seen: dict[tuple[str, date, OverrideAction], int] = {}
    for row in rows:
        before = len(c.problems)
        code = c.text(row, "schedule", True)
        if code and code not in codes:
            c.bad(row, "schedule", "roster_problem.unknown_schedule", value=code)
        day = c.parsed(row, "date", parse_day, "roster_problem.bad_date", True)
        action = c.pick(row, "action", dict(ACTIONS), None, "roster_problem.unknown_action")
        c.text(row, "action", True)
        new_day = c.parsed(row, "new_date", parse_day, "roster_problem.bad_date")
        start = c.parsed(row, "start", parse_time, "roster_problem.bad_time")
        end = c.parsed(row, "end", parse_time, "roster_problem.bad_time")
        if action is OverrideAction.MOVE and not (new_day or start or end):
            c.bad(row, "new_date", "roster_problem.move_needs_change")
        if action is OverrideAction.CANCEL and (new_day or start or end):
            c.bad(row, "new_date", "roster_problem.cancel_takes_nothing")
        if action is OverrideAction.EXTRA and new_day:
            c.bad(row, "new_date", "roster_problem.extra_no_new_date")
        if isinstance(start, time) and isinstance(end, time) and end <= start:
            c.bad(row, "end", "roster_problem.ends_before_start", start=f"{start:%H:%M}",
                  end=f"{end:%H:%M}")
        if len(c.problems) > before or not isinstance(day, date) \
                or not isinstance(action, OverrideAction):
            continue
        key = (code, day, action)
        if key in seen:
            c.bad(row, "date", "roster_problem.duplicate_override", action=action, value=code,
                  day=day.isoformat(), first=seen[key])
            continue
        seen[key] = row.line
        out.append(DateOverride(code, day, action, new_day if isinstance(new_day, date) else None,
                                start if isinstance(start, time) else None,
                                end if isinstance(end, time) else None))
    return out


def contact_units(rows: Sequence[RosterRow], kinds: dict[str, UnitKind]
                  ) -> tuple[tuple[tuple[str, str], ...] | None, list[RosterProblem]]:
    """The roles sheet's ``contact_units`` as (leader number, unit code) pairs; None when the
    sheet has no such column (the stored contact units are left alone)."""
    if not rows or "contact_units" not in rows[0].values:
        return None, []
    c = _Rows()
    pairs: dict[tuple[str, str], None] = {}
    for row in rows:
        units = split_list(c.text(row, "contact_units"))
        if not units:
            continue
        role = c.text(row, "role").lower()
        if role != "leader" and role in set(Role):  # an unknown role is reported already
            c.bad(row, "contact_units", "roster_problem.contacts_only_leader")
            continue
        for code in units:
            if code not in kinds:
                c.bad(row, "contact_units", "roster_problem.unknown_unit", value=code)
            elif kinds[code] not in _CONTACT_KINDS:
                c.bad(row, "contact_units", "roster_problem.contact_kind", value=code,
                      kind=KIND_WORDS[kinds[code]])
            else:
                pairs[(c.text(row, "number"), code)] = None
    return tuple(pairs), c.problems
