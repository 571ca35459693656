"""The stored roster as the sheets of an import file (``python -m bot roster export``).

Every sheet the importer reads, with the columns it reads, so an officer edits the export
and imports it again, and an unchanged export imports as "nothing changed": active,
verified people (self-registered ones are not the roster's); their roles, with each
leader's contact units on their first leader row; active units, and the inactive ones an
exported row still names (the import would make those active again); active zones; the
calendar days and the reception schedules and single dates that a roster sheet set
(those set by command are kept by an import anyway, so they are left out).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta

from sqlalchemy import select

from core.calendar.days import MAX_RANGE_DAYS
from storage import tables as T
from storage.calendar.calendar_store import SOURCE_SHEET as CALENDAR_SHEET
from storage.reception.codec import recurrence_of
from storage.reception.roster_apply import SOURCE_SHEET as RECEPTION_SHEET
from storage.uow import Sessions, read_only

#: sheet -> its columns, in the order an export writes them
COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("code", "name", "kind", "parent_code", "unit_class"),
    "people": ("number", "name", "kind", "unit_code", "grade", "class_name", "dorm_building",
               "dorm_room", "phone"),
    "roles": ("number", "role", "unit_code", "contact_units"),
    "zones": ("code", "name", "category", "scope", "value", "member_number", "deputy_number"),
    "calendar": ("from", "to", "status", "label"),
    "reception": ("code", "leader", "place", "repeat", "weekday", "nth", "month_day",
                  "interval", "from", "until", "start", "end", "capacity", "cutoff",
                  "holiday_policy", "accompany", "contact_unit"),
    "reception_dates": ("schedule", "date", "action", "new_date", "start", "end"),
}
LIST_SEPARATOR = "、"

Table = list[list[str]]


async def roster_tables(sf: Sessions) -> dict[str, Table]:
    """Sheet -> rows (each in ``COLUMNS[sheet]`` order), in the order they were created."""
    async with read_only(sf) as uow:
        s = uow.session
        units = {u.id: u for u in await s.scalars(select(T.OrgUnit).order_by(T.OrgUnit.id))}
        everyone = list(await s.scalars(select(T.Person).where(T.Person.number.is_not(None))
                                        .order_by(T.Person.id)))
        numbers = {p.id: p.number or "" for p in everyone}
        people = [p for p in everyone if p.active and p.verified]
        exported = {p.id for p in people}
        roles = [r for r in await s.scalars(select(T.RoleAssignment)
                                            .order_by(T.RoleAssignment.id))
                 if r.person_id in exported]
        zones = list(await s.scalars(select(T.ResponsibilityZone).where(
            T.ResponsibilityZone.active.is_(True)).order_by(T.ResponsibilityZone.id)))
        contacts = list(await s.scalars(select(T.LeaderContactUnit)))
        days = list(await s.scalars(select(T.CalendarOverride).where(
            T.CalendarOverride.source == CALENDAR_SHEET).order_by(T.CalendarOverride.day)))
        schedules = list(await s.scalars(select(T.ReceptionSchedule).where(
            T.ReceptionSchedule.active.is_(True),
            T.ReceptionSchedule.source == RECEPTION_SHEET).order_by(T.ReceptionSchedule.id)))
        overrides = list(await s.scalars(select(T.ReceptionOverride).where(
            T.ReceptionOverride.source == RECEPTION_SHEET,
            T.ReceptionOverride.schedule_id.in_([r.id for r in schedules]))
            .order_by(T.ReceptionOverride.schedule_id, T.ReceptionOverride.day)))
    named = {p.unit_id for p in people} | {r.unit_id for r in roles} \
        | {r.contact_unit_id for r in schedules} | {c.unit_id for c in contacts}
    code = {i: u.code for i, u in units.items()}
    return {
        "units": [[u.code, u.name, u.kind, code.get(u.parent_id or 0, ""), u.unit_class or ""]
                  for u in units.values() if u.id in _with_parents(units, named)],
        "people": [[p.number or "", p.name, p.kind, code.get(p.unit_id or 0, ""),
                    p.grade or "", p.class_name or "", p.dorm_building or "",
                    p.dorm_room or "", p.phone or ""] for p in people],
        "roles": _roles(roles, contacts, numbers, code),
        "zones": [[z.code, z.name, z.category, z.scope, z.value, numbers.get(z.member_id, ""),
                   numbers.get(z.deputy_id or 0, "")] for z in zones],
        "calendar": _calendar(days),
        "reception": [_schedule(r, numbers, code) for r in schedules],
        "reception_dates": [[next(r.code for r in schedules if r.id == o.schedule_id),
                             o.day.isoformat(), o.action, _day(o.new_day),
                             _time(o.start_time), _time(o.end_time)] for o in overrides],
    }


def _with_parents(units: dict[int, T.OrgUnit], named: set[int | None]) -> set[int]:
    """The active units, the units ``named`` and every parent of those."""
    out: set[int] = set()
    todo = [u.id for u in units.values() if u.active] + [i for i in named if i]
    while todo:
        i = todo.pop()
        if i in out or i not in units:
            continue
        out.add(i)
        parent = units[i].parent_id
        if parent is not None:
            todo.append(parent)
    return out


def _roles(roles: list[T.RoleAssignment], contacts: list[T.LeaderContactUnit],
           numbers: dict[int, str], code: dict[int, str]) -> Table:
    listed: dict[int, list[str]] = {}
    for c in sorted(contacts, key=lambda c: (c.leader_id, code.get(c.unit_id, ""))):
        listed.setdefault(c.leader_id, []).append(code.get(c.unit_id, ""))
    out = []
    for r in roles:
        units = listed.pop(r.person_id, []) if r.role == "leader" else []
        out.append([numbers[r.person_id], r.role, code.get(r.unit_id, ""),
                    LIST_SEPARATOR.join(units)])
    return out


def _calendar(days: list[T.CalendarOverride]) -> Table:
    """Consecutive days with the same status and label as one row."""
    out: Table = []
    first: date | None = None
    last: date | None = None
    key: tuple[bool, str] | None = None
    for d in [*days, None]:
        same = d is not None and last is not None and key == (d.working, d.label) \
            and d.day == last + timedelta(days=1) and first is not None \
            and (d.day - first).days < MAX_RANGE_DAYS
        if same and d is not None:
            last = d.day
            continue
        if first is not None and last is not None and key is not None:
            out.append([first.isoformat(), last.isoformat() if last != first else "",
                        "open" if key[0] else "closed", key[1]])
        if d is not None:
            first = last = d.day
            key = (d.working, d.label)
    return out


def _schedule(r: T.ReceptionSchedule, numbers: dict[int, str], code: dict[int, str]
              ) -> list[str]:
    rule = recurrence_of(r.recurrence)
    default_cutoff = (r.cutoff_days, r.cutoff_time) == (1, time(16, 0))
    return [r.code, numbers.get(r.leader_id, ""), r.place, rule.frequency.value,
            _joined(d + 1 for d in rule.weekdays), _joined(rule.nths),
            "" if rule.month_day is None else str(rule.month_day),
            "" if rule.interval == 1 else str(rule.interval), _day(rule.starts_on),
            _day(rule.ends_on), _time(r.start_time), _time(r.end_time), str(r.capacity),
            "" if default_cutoff else f"{r.cutoff_days} {_time(r.cutoff_time)}",
            r.holiday_policy, LIST_SEPARATOR.join(numbers.get(i, "") for i in r.accompany),
            code.get(r.contact_unit_id or 0, "")]


def _joined(values: Iterable[int]) -> str:
    return ",".join(str(v) for v in values)


def _day(d: date | None) -> str:
    return d.isoformat() if d else ""


def _time(t: time | None) -> str:
    return t.strftime("%H:%M") if t else ""
