"""The roster's optional ``calendar`` sheet (校历调整): admin overrides of the working-day
calendar, checked row by row like the other sheets.

Columns: ``from`` (起始日期), ``to`` (结束日期, empty: the same day), ``status``
(``closed``/停课/放假 or ``open``/上班/补班) and ``label`` (说明, e.g. 寒假). A bad date, a
reversed or too long range, an unknown status, a too long label and a day already covered
by an earlier row are problems naming their line.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from core.calendar.days import MAX_LABEL, MAX_RANGE_DAYS, days_of, parse_day, parse_status
from core.people.roster import OPTIONAL_SHEET_COLUMNS, CalendarEntry, RosterProblem, RosterRow
from core.people.roster_aliases import chinese_column
from core.types import JSON

SHEET = "calendar"


class _Bad(Protocol):
    def __call__(self, row: RosterRow, column: str, key: str, /, **params: JSON) -> None: ...


def calendar_problems_of_structure(rows: Sequence[RosterRow]) -> list[RosterProblem]:
    """Missing required columns (line 1): the rows cannot be read without them."""
    required = OPTIONAL_SHEET_COLUMNS[SHEET][0]
    if not rows:
        return []
    return [RosterProblem(rows[0].sheet, 1, c, "roster_problem.missing_column",
                          {"value": c, "chinese": chinese_column(SHEET, c)})
            for c in required if c not in rows[0].values]


def calendar_entries(rows: Sequence[RosterRow]) -> tuple[list[CalendarEntry],
                                                         list[RosterProblem]]:
    """The sheet's rows as entries, and every problem found (in line order)."""
    problems: list[RosterProblem] = []
    entries: list[CalendarEntry] = []
    covered: dict[date, int] = {}  # day -> the line that set it

    def bad(row: RosterRow, column: str, key: str, /, **params: JSON) -> None:
        problems.append(RosterProblem(row.sheet, row.line, column, key, params))

    for row in rows:
        text = {c: row.values.get(c, "").strip() for c in ("from", "to", "status", "label")}
        first = _day(row, "from", text["from"], bad, required=True)
        last = _day(row, "to", text["to"], bad, required=False) if text["to"] else first
        working = parse_status(text["status"]) if text["status"] else None
        if not text["status"]:
            bad(row, "status", "roster_problem.empty")
        elif working is None:
            bad(row, "status", "roster_problem.unknown_status", value=text["status"])
        if len(text["label"]) > MAX_LABEL:
            bad(row, "label", "roster_problem.too_long", count=MAX_LABEL)
        if first is None or last is None:
            continue
        if last < first:
            bad(row, "to", "roster_problem.range_reversed", first=first.isoformat(),
                last=last.isoformat())
            continue
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            bad(row, "to", "roster_problem.range_too_long", count=MAX_RANGE_DAYS)
            continue
        overlap = next((covered[d] for d in days_of(first, last) if d in covered), None)
        if overlap is not None:
            bad(row, "from", "roster_problem.overlap", first=overlap)
            continue
        covered.update(dict.fromkeys(days_of(first, last), row.line))
        if working is not None and len(text["label"]) <= MAX_LABEL:
            entries.append(CalendarEntry(first, last, working, text["label"]))
    return entries, problems


def _day(row: RosterRow, column: str, text: str, bad: _Bad, *, required: bool) -> date | None:
    if not text:
        if required:
            bad(row, column, "roster_problem.empty")
        return None
    day = parse_day(text)
    if day is None:
        bad(row, column, "roster_problem.bad_date", value=text)
    return day
