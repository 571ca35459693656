"""``/calendar`` for admins: see the coming overrides, close or open days, clear them.

Only a person holding the admin role may use it; anyone else is refused (and the refusal
audited) before being told how the command is used. Every change writes an
``calendar_override`` audit row and updates the process's calendar at once (when it is
an ``AdjustableCalendar``); other processes pick the change up at their next reload
(``scheduler/calendar_refresh.py``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from core.calendar.days import (
    MAX_LABEL,
    MAX_RANGE_DAYS,
    SOURCE_COMMAND,
    OverrideRange,
    day_range,
    days_of,
    group_ranges,
    looks_like_day,
    parse_status,
)
from core.calendar.ports import AdjustableCalendar, CalendarStore
from core.errors import AccessDenied, InputError, check_length
from core.model import Role
from core.ports import MessageStore, OrgStore
from core.workdays import WorkCalendar

#: ``/calendar`` alone lists the overrides of this many days from today.
UPCOMING_DAYS = 60
CLEAR_WORDS = ("clear", "清除")


class CalendarAdminStore(CalendarStore, OrgStore, MessageStore, Protocol):
    """The overrides, the actor's roles and the audit log."""


@dataclass(frozen=True)
class CalendarRequest:
    action: str  # "show", "set" or "clear"
    first: date | None = None
    last: date | None = None
    working: bool | None = None
    label: str = ""


@dataclass(frozen=True)
class CalendarResult:
    """What the flow says: the coming overrides (``show``), or the change made."""

    action: str
    ranges: tuple[OverrideRange, ...] = ()
    first: date | None = None
    last: date | None = None
    working: bool | None = None
    label: str = ""
    days: int = 0


def parse_request(arg: str) -> CalendarRequest:
    """``""`` | ``closed|open FROM [TO] [LABEL]`` | ``clear FROM [TO]`` (status words of
    ``core.calendar.days.STATUS_WORDS`` too). Raises InputError ``calendar.usage``, or a
    date error of ``day_range``."""
    words = arg.split()
    if not words:
        return CalendarRequest("show")
    verb, rest = words[0].lower(), words[1:]
    working = None if verb in CLEAR_WORDS else parse_status(verb)
    if (working is None and verb not in CLEAR_WORDS) or not rest:
        raise InputError("calendar.usage")
    first_text, rest = rest[0], rest[1:]
    last_text = rest.pop(0) if rest and looks_like_day(rest[0]) else None
    first, last = day_range(first_text, last_text)
    if working is None:
        if rest:
            raise InputError("calendar.usage")
        return CalendarRequest("clear", first, last)
    label = " ".join(rest)
    check_length(label, MAX_LABEL, "too_long.calendar_label")
    return CalendarRequest("set", first, last, working, label)


async def calendar_command(store: CalendarAdminStore, *, person_id: int | None, arg: str,
                           now: datetime, timezone_name: str,
                           calendar: WorkCalendar | None) -> CalendarResult:
    """Run one ``/calendar`` command for ``person_id`` (see the module docstring)."""
    roles = {r for r, _ in await store.roles_of(person_id)} if person_id is not None else set()
    if Role.ADMIN.value not in roles:
        await store.audit("refused", person_id, {"action": "calendar", "why": "not_admin"},
                          now)
        raise AccessDenied("calendar.not_admin")
    request = parse_request(arg)
    if request.action == "show":
        today = now.astimezone(ZoneInfo(timezone_name)).date()
        # Ranges that start in the window are shown whole (a vacation running past it is
        # not cut at day 60); a range is at most MAX_RANGE_DAYS long.
        horizon = today + timedelta(days=UPCOMING_DAYS - 1)
        rows = await store.calendar_overrides(today, horizon + timedelta(days=MAX_RANGE_DAYS))
        return CalendarResult("show", tuple(r for r in group_ranges(
            [(r.day, r.working, r.label, r.source) for r in rows]) if r.first <= horizon))
    assert request.first is not None and request.last is not None
    days = days_of(request.first, request.last)
    if request.action == "clear":
        count = await store.clear_calendar_overrides(request.first, request.last)
    else:
        assert request.working is not None
        await store.set_calendar_overrides(days, working=request.working, label=request.label,
                                           source=SOURCE_COMMAND, set_by=person_id, now=now)
        count = len(days)
    await store.audit("calendar_override", person_id, {
        "action": request.action if request.working is None
        else ("open" if request.working else "closed"),
        "from": request.first.isoformat(), "to": request.last.isoformat(),
        "label": request.label, "days": count}, now)
    if isinstance(calendar, AdjustableCalendar):
        for day in days:
            calendar.set_override(day, request.working)
    return CalendarResult(request.action, (), request.first, request.last, request.working,
                          request.label, count)
