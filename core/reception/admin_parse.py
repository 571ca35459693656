"""The words of ``/receptions`` (core/reception/admin.py): sub-commands, dates, a time span,
``key=value`` columns of the roster's ``reception`` sheet, and a schedule written back as
that sheet's row (so ``edit`` checks the whole row with the sheet's own parser)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from core.calendar.days import parse_day
from core.errors import InputError
from core.people.roster import OPTIONAL_SHEET_COLUMNS
from core.reception.schedule import Schedule
from core.reception.words import parse_time

#: The ``reception`` sheet's columns, in its order: the keys ``add`` and ``edit`` take.
COLUMNS = OPTIONAL_SHEET_COLUMNS["reception"][0] + OPTIONAL_SHEET_COLUMNS["reception"][1]

VERBS = {"list": "list", "列表": "list", "查看": "list",
         "cancel": "cancel", "取消": "cancel", "move": "move", "改期": "move",
         "extra": "extra", "加开": "extra", "clear": "clear", "清除": "clear",
         "add": "add", "新增": "add", "添加": "add", "edit": "edit", "修改": "edit",
         "remove": "remove", "停用": "remove"}
#: sub-command -> (fewest, most) words after it (add and edit: key=value text follows)
_ARITY = {"list": (0, 0), "cancel": (2, 2), "move": (3, 4), "extra": (2, 3),
          "clear": (2, 2), "remove": (1, 1)}
_SPAN = re.compile(r"^(\d{1,2}[:：]\d{2})\s*[-–—~～至到]\s*(\d{1,2}[:：]\d{2})$")
_KEY = re.compile(r"(?:^|\s)([A-Za-z_]+)\s*[=＝]")
_QUOTES = "\"'“”‘’「」"


@dataclass(frozen=True)
class AdminRequest:
    action: str  # a value of VERBS
    code: str = ""
    day: date | None = None
    new_day: date | None = None
    start: time | None = None
    end: time | None = None
    values: dict[str, str] = field(default_factory=dict)  # add, edit: column -> text


def parse_request(arg: str) -> AdminRequest:
    """``/receptions``'s argument as a request; raises InputError with the reason (the
    usage text for an unknown sub-command or a wrong number of words)."""
    words = arg.split()
    if not words:
        return AdminRequest("list")
    action = VERBS.get(words[0].lower())
    if action is None:
        raise InputError("receptions.usage")
    rest = arg.strip()[len(words[0]):].strip()
    if action == "add":
        return AdminRequest(action, values=parse_values(rest))
    if action == "edit":
        if len(words) < 3:
            raise InputError("receptions.usage")
        return AdminRequest(action, words[1], values=parse_values(rest[len(words[1]):]))
    fewest, most = _ARITY[action]
    args = words[1:]
    if not fewest <= len(args) <= most:
        raise InputError("receptions.usage")
    if action == "list":
        return AdminRequest(action)
    if action == "remove":
        return AdminRequest(action, args[0])
    day = parse_date(args[1])
    new_day = parse_date(args[2]) if action == "move" else None
    span = args[3] if action == "move" and len(args) == 4 else \
        args[2] if action == "extra" and len(args) == 3 else None
    start, end = parse_span(span) if span else (None, None)
    return AdminRequest(action, args[0], day, new_day, start, end)


def parse_date(text: str) -> date:
    found = parse_day(text)
    if found is None:
        raise InputError("receptions.bad_date", text=text)
    return found


def parse_span(text: str) -> tuple[time, time]:
    """``14:30-16:30`` (also –, ~, 至) as (start, end); the end must be after the start."""
    m = _SPAN.match(text.strip())
    start, end = (parse_time(m[1]), parse_time(m[2])) if m else (None, None)
    if start is None or end is None:
        raise InputError("receptions.bad_times", text=text)
    if end <= start:
        raise InputError("receptions.times_reversed", start=f"{start:%H:%M}", end=f"{end:%H:%M}")
    return start, end


def parse_values(text: str) -> dict[str, str]:
    """``code=R-1 place=行政楼 201 weekday=三`` -> {column: text}. A value runs to the next
    ``key=`` (so it may hold spaces); quotes around it are dropped. Keys are the sheet's
    column names; an unknown or repeated one is refused."""
    marks = list(_KEY.finditer(text))
    if not marks:
        raise InputError("receptions.no_values", columns=", ".join(COLUMNS))
    if text[:marks[0].start()].strip():
        raise InputError("receptions.bad_pair", text=text[:marks[0].start()].strip())
    values: dict[str, str] = {}
    for i, m in enumerate(marks):
        key = m[1].lower()
        if key not in COLUMNS:
            raise InputError("receptions.bad_key", column=m[1], columns=", ".join(COLUMNS))
        if key in values:
            raise InputError("receptions.duplicate_key", column=key)
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        values[key] = text[m.end():end].strip().strip(_QUOTES).strip()
    return values


def sheet_values(s: Schedule) -> dict[str, str]:
    """The schedule as the ``reception`` sheet's row would write it (``edit`` starts here)."""
    r = s.recurrence

    def numbers(items: tuple[int, ...]) -> str:
        return ",".join(str(n) for n in items)

    return {"code": s.code, "leader": s.leader, "place": s.place, "repeat": r.frequency.value,
            "weekday": numbers(tuple(d + 1 for d in r.weekdays)), "nth": numbers(r.nths),
            "month_day": "" if r.month_day is None else str(r.month_day),
            "interval": str(r.interval),
            "from": r.starts_on.isoformat() if r.starts_on else "",
            "until": r.ends_on.isoformat() if r.ends_on else "",
            "start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}", "capacity": str(s.capacity),
            "cutoff": f"{s.cutoff.workdays_before} {s.cutoff.at:%H:%M}",
            "holiday_policy": s.holiday_policy.value, "accompany": ",".join(s.accompany),
            "contact_unit": s.contact_unit or ""}
