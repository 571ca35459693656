"""Dates, ranges and statuses of calendar overrides, and how a day is classified.

Pure: the CLI (``python -m bot calendar``), the roster's ``calendar`` sheet and the
``/calendar`` command parse with these, so the three accept the same dates and words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import InputError
from core.replies import t

#: The longest range one command or one sheet row may cover, in days (both ends included).
MAX_RANGE_DAYS = 366
#: At most this many characters of label (the table's column size).
MAX_LABEL = 100

SOURCE_SHEET = "sheet"      # set by the roster workbook's calendar sheet
SOURCE_COMMAND = "command"  # set by `/calendar` or `python -m bot calendar set`

#: Status words of the sheet and the commands: False closes a day, True opens it.
STATUS_WORDS: dict[str, bool] = {
    "closed": False, "停课": False, "放假": False,
    "open": True, "上班": True, "补班": True,
}

# What `calendar show` prints for a day (machine-readable: English tokens only).
WORKDAY, WEEKEND, HOLIDAY, MAKEUP = "workday", "weekend", "holiday", "makeup-workday"

_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


@dataclass(frozen=True)
class OverrideRange:
    """Consecutive days with the same override (what a list shows as one line)."""

    first: date
    last: date
    working: bool
    label: str
    source: str


def classify(day: date, working: bool) -> str:
    """workday, weekend, holiday (a Monday–Friday off) or makeup-workday (a weekend day on)."""
    weekend = day.weekday() >= 5
    if working:
        return MAKEUP if weekend else WORKDAY
    return WEEKEND if weekend else HOLIDAY


def parse_day(text: str) -> date | None:
    """``2027-01-18`` (also ``2027/1/18`` or ``2027.1.18``) as a date; None if not a date."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def looks_like_day(text: str) -> bool:
    """Shaped like a date (digits and separators), valid or not: ``2027-02-30`` is a bad
    date, not the first word of a label."""
    return bool(_DATE.match(text.strip()))


def parse_status(text: str) -> bool | None:
    """A status word (``STATUS_WORDS``) as working (True) or not (False); None if unknown."""
    return STATUS_WORDS.get(text.strip().lower())


def day_range(first_text: str, last_text: str | None = None) -> tuple[date, date]:
    """The range FROM [TO] (TO defaults to FROM), checked.

    Raises InputError: ``calendar.bad_date`` (names the text), ``calendar.reversed``
    (TO before FROM) or ``calendar.too_long`` (more than ``MAX_RANGE_DAYS`` days).
    """
    first = parse_day(first_text)
    if first is None:
        raise InputError("calendar.bad_date", text=first_text)
    last: date | None = first
    if last_text is not None and last_text.strip():
        last = parse_day(last_text)
    if last is None:
        raise InputError("calendar.bad_date", text=last_text or "")
    check_range(first, last)
    return first, last


def check_range(first: date, last: date) -> None:
    if last < first:
        raise InputError("calendar.reversed", first=first.isoformat(), last=last.isoformat())
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InputError("calendar.too_long", first=first.isoformat(), last=last.isoformat(),
                         limit=t("unit.days", count=MAX_RANGE_DAYS))


def days_of(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last``, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def group_ranges(days: list[tuple[date, bool, str, str]]) -> list[OverrideRange]:
    """(day, working, label, source) rows, sorted by day, as runs of consecutive days that
    share working, label and source."""
    out: list[OverrideRange] = []
    for day, working, label, source in days:
        prev = out[-1] if out else None
        if (prev is not None and prev.last + timedelta(days=1) == day
                and (prev.working, prev.label, prev.source) == (working, label, source)):
            out[-1] = OverrideRange(prev.first, day, working, label, source)
        else:
            out.append(OverrideRange(day, day, working, label, source))
    return out
