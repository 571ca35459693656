"""Roster validation: rows read from a spreadsheet become a checked Roster, or a list of problems.

Every bad row is reported, not just the first, so an admin can fix the whole file in one
pass. The shapes (rows, entries, problems) are core.people.roster.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import TypeVar

from core.concerns.categories import ANY_CATEGORY, CATEGORY_CODES
from core.model import PersonKind, Role, UnitClass, UnitKind, ZoneScope
from core.people.roster import (
    MAX_LENGTH,
    SHEET_COLUMNS,
    PersonEntry,
    RoleEntry,
    Roster,
    RosterInvalid,
    RosterProblem,
    RosterRow,
    UnitEntry,
    ZoneEntry,
)
from core.people.roster_calendar import calendar_entries, calendar_problems_of_structure
from core.people import roster_reception as rr

_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
# What Excel makes of a long number in a General-formatted column: 2.02301E+09.
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")

#: The kind a unit's parent must have (the university has no parent).
_PARENT_KINDS: dict[UnitKind, tuple[UnitKind, ...]] = {
    UnitKind.COLLEGE: (UnitKind.UNIVERSITY,),
    UnitKind.BRANCH: (UnitKind.COLLEGE,),
    UnitKind.FUNCTIONAL: (UnitKind.UNIVERSITY, UnitKind.FUNCTIONAL),
}
# Roles that define an escalation subtree must sit on a unit of the matching kind.
_ROLE_UNIT_KIND = {Role.BRANCH_SECRETARY: UnitKind.BRANCH, Role.COLLEGE_COMMITTEE: UnitKind.COLLEGE}
_NEEDS_CLASS = (UnitKind.BRANCH, UnitKind.FUNCTIONAL)  # ranked by unit class (四类排名)



E = TypeVar("E", bound=Enum)


class _Check:
    """Collects problems while rows are parsed; one instance per validation."""

    def __init__(self) -> None:
        self.problems: list[RosterProblem] = []

    def bad(self, row: RosterRow, column: str, reason: str) -> None:
        self.problems.append(RosterProblem(row.sheet, row.line, column, reason))

    def text(self, row: RosterRow, column: str, *, required: bool = False) -> str:
        value = row.values.get(column, "").strip()
        if required and not value:
            self.bad(row, column, "required value is empty")
        return value

    def enum(self, row: RosterRow, column: str, cls: type[E], label: str,
             *, required: bool = True) -> E | None:
        raw = self.text(row, column, required=required)
        if not raw:
            return None
        try:
            return cls(raw.lower())
        except ValueError:
            allowed = ", ".join(str(e.value) for e in cls)
            self.bad(row, column, f"unknown {label} '{raw}' (expected one of: {allowed})")
            return None

    def unique(self, row: RosterRow, column: str, seen: dict[str, int], label: str) -> None:
        value = row.values.get(column, "").strip()
        if not value:
            return
        if value in seen:
            self.bad(row, column, f"duplicate {label} '{value}' (first on line {seen[value]})")
        else:
            seen[value] = row.line

    def lengths(self, sheet: str, row: RosterRow) -> None:
        for column, limit in MAX_LENGTH[sheet].items():
            if len(row.values.get(column, "").strip()) > limit:
                self.bad(row, column, f"too long (at most {limit} characters)")


def validate_roster(sheets: Mapping[str, Sequence[RosterRow]]) -> Roster:
    """Check parsed sheets (keyed "units", "people", "roles", "zones", and the optional
    "calendar": core.people.roster_calendar) and build a Roster.

    Raises RosterInvalid listing every problem. A missing sheet (line 0) or a missing
    column (line 1) stops the check there, since the rows cannot be read without it.
    """
    structural = _structure_problems(sheets)
    structural += calendar_problems_of_structure(sheets.get("calendar", ()))
    structural += rr.structure_problems(dict(sheets))
    if structural:
        raise RosterInvalid(structural)
    check = _Check()
    units, kinds = _units(check, sheets["units"])
    people = _people(check, sheets["people"], kinds)
    # Cross-references use every number written in the file, valid row or not, so one
    # bad person row is reported once rather than again at each reference to it.
    numbers = {r.values.get("number", "").strip() for r in sheets["people"]}
    roles = _roles(check, sheets["roles"], numbers, kinds)
    party = {r.values.get("number", "").strip() for r in sheets["roles"]
             if r.values.get("role", "").strip().lower() == Role.PARTY_MEMBER.value}
    zones = _zones(check, sheets["zones"], kinds, numbers, party)
    calendar = None  # no sheet: the calendar overrides are left as they are
    if "calendar" in sheets:
        entries, found = calendar_entries(sheets["calendar"])
        check.problems += found
        calendar = tuple(entries)
    # A row with an unknown role is reported once, not again at each schedule of that person.
    leaders = {r.values.get("number", "").strip() for r in sheets["roles"]
               if r.values.get("role", "").strip().lower() not in set(Role) - {Role.LEADER}}
    schedules, dates, found = rr.reception_entries(sheets.get(rr.SHEET, ()),
                                                   sheets.get(rr.DATES, ()), numbers, leaders, kinds)
    contacts, more = rr.contact_units(sheets["roles"], kinds)
    check.problems += more + found
    if check.problems:
        # Sheets were checked in order; only the hierarchy pass reports units out of line order.
        first: dict[str, int] = {}
        for i, p in enumerate(check.problems):
            first.setdefault(p.sheet, i)
        check.problems.sort(key=lambda p: (first[p.sheet], p.line))
        raise RosterInvalid(check.problems)
    reception = tuple(schedules) if rr.SHEET in sheets else None
    return Roster(tuple(units), tuple(people), tuple(roles), tuple(zones), calendar,
                  reception, tuple(dates), contacts)


def _structure_problems(sheets: Mapping[str, Sequence[RosterRow]]) -> list[RosterProblem]:
    problems = []
    for name, (required, _optional) in SHEET_COLUMNS.items():
        if name not in sheets:
            problems.append(RosterProblem(name, 0, "", f"missing sheet '{name}'"))
            continue
        rows = sheets[name]
        if rows:  # the reader gives every row every header column
            problems += [RosterProblem(rows[0].sheet, 1, c, f"missing column '{c}'")
                         for c in required if c not in rows[0].values]
    return problems


def _units(check: _Check, rows: Sequence[RosterRow]) -> tuple[list[UnitEntry], dict[str, UnitKind]]:
    seen: dict[str, int] = {}
    kinds: dict[str, UnitKind] = {}
    parsed: list[tuple[RosterRow, UnitEntry | None]] = []
    for row in rows:
        check.unique(row, "code", seen, "unit code")
        check.lengths("units", row)
        code, name = check.text(row, "code", required=True), check.text(row, "name", required=True)
        kind = check.enum(row, "kind", UnitKind, "unit kind")
        unit_class = check.enum(row, "unit_class", UnitClass, "unit class", required=False)
        if code and kind and code not in kinds:
            kinds[code] = kind
        entry = None
        if code and kind:
            entry = UnitEntry(code, name, kind, check.text(row, "parent_code") or None, unit_class)
        parsed.append((row, entry))

    universities = [(row, e) for row, e in parsed if e and e.kind is UnitKind.UNIVERSITY]
    if not universities:
        sheet = rows[0].sheet if rows else "units"
        check.problems.append(RosterProblem(sheet, 0, "kind", "no unit of kind 'university'"))
    for row, e in universities[1:]:
        first_row, first = universities[0]
        check.bad(row, "kind", f"only one university unit is allowed "
                               f"(first: '{first.code}' on line {first_row.line})")
    parents = {e.code: e.parent_code for _, e in parsed if e}
    for row, entry in parsed:
        if entry is not None:
            _unit_place(check, row, entry, kinds, parents)
    return [e for _, e in parsed if e], kinds


def _unit_place(check: _Check, row: RosterRow, e: UnitEntry, kinds: dict[str, UnitKind],
                parents: dict[str, str | None]) -> None:
    """Hierarchy rules for one unit: parent kind, no loops, a ranking class where needed."""
    if e.kind in _NEEDS_CLASS and not row.values.get("unit_class", "").strip():
        check.bad(row, "unit_class", f"a {e.kind} needs a unit class (student, staff or admin_logistics)")
    if e.kind is UnitKind.UNIVERSITY:
        if e.parent_code:
            check.bad(row, "parent_code", "the university cannot have a parent")
        return
    if not e.parent_code:
        check.bad(row, "parent_code", f"required value is empty (a {e.kind} needs a parent)")
        return
    parent_kind = kinds.get(e.parent_code)
    if parent_kind is None:
        check.bad(row, "parent_code", f"unknown parent code '{e.parent_code}'")
    elif parent_kind not in _PARENT_KINDS[e.kind]:
        allowed = " or ".join(str(k) for k in _PARENT_KINDS[e.kind])
        check.bad(row, "parent_code", f"a {e.kind}'s parent must be a {allowed}, "
                                      f"but '{e.parent_code}' is a {parent_kind}")
    else:
        # Only functional units may nest in their own kind, so only they can form a loop.
        seen = {e.code}
        cur: str | None = e.parent_code
        while cur is not None and kinds.get(cur) is UnitKind.FUNCTIONAL:
            if cur in seen:
                check.bad(row, "parent_code", f"the parent chain of '{e.code}' loops back on itself")
                break
            seen.add(cur)
            cur = parents.get(cur)


def _people(check: _Check, rows: Sequence[RosterRow], kinds: dict[str, UnitKind]) -> list[PersonEntry]:
    seen: dict[str, int] = {}
    people = []
    for row in rows:
        check.unique(row, "number", seen, "person number")
        check.lengths("people", row)
        number = check.text(row, "number", required=True)
        if number and _SCIENTIFIC.match(number):
            check.bad(row, "number", f"number '{number}' was reformatted by Excel; "
                                     "format the column as text and type the number again")
        elif number and not _NUMBER.match(number):
            check.bad(row, "number", f"number '{number}' may hold only letters, digits, '-' and '_'")
        name = check.text(row, "name", required=True)
        kind = check.enum(row, "kind", PersonKind, "person kind")
        unit_code = check.text(row, "unit_code", required=True)
        if unit_code and unit_code not in kinds:
            check.bad(row, "unit_code", f"unknown unit code '{unit_code}'")
        if number and kind:
            optional = {c: check.text(row, c) or None for c in SHEET_COLUMNS["people"][1]}
            people.append(PersonEntry(number, name, kind, unit_code, **optional))
    return people


def _roles(check: _Check, rows: Sequence[RosterRow], numbers: set[str],
           kinds: dict[str, UnitKind]) -> list[RoleEntry]:
    seen: dict[str, int] = {}
    roles = []
    for row in rows:
        number = check.text(row, "number", required=True)
        role = check.enum(row, "role", Role, "role")
        unit_code = check.text(row, "unit_code", required=True)
        if number and number not in numbers:
            check.bad(row, "number", f"unknown person number '{number}'")
        if unit_code and unit_code not in kinds:
            check.bad(row, "unit_code", f"unknown unit code '{unit_code}'")
        elif role in _ROLE_UNIT_KIND and kinds.get(unit_code) not in (None, _ROLE_UNIT_KIND[role]):
            check.bad(row, "unit_code", f"a {role} must sit on a {_ROLE_UNIT_KIND[role]}, "
                                        f"but '{unit_code}' is a {kinds[unit_code]}")
        if number and role and unit_code:
            key = f"{number} {role} {unit_code}"
            if key in seen:
                check.bad(row, "role", f"duplicate role {role} of '{number}' on '{unit_code}' "
                                       f"(first on line {seen[key]})")
                continue
            seen[key] = row.line
            roles.append(RoleEntry(number, role, unit_code))
    return roles


def _zones(check: _Check, rows: Sequence[RosterRow], kinds: dict[str, UnitKind],
           numbers: set[str], party: set[str]) -> list[ZoneEntry]:
    seen: dict[str, int] = {}
    zones = []
    for row in rows:
        check.unique(row, "code", seen, "zone code")
        check.lengths("zones", row)
        code, name = check.text(row, "code", required=True), check.text(row, "name", required=True)
        category = check.text(row, "category", required=True).lower()
        if category and category != ANY_CATEGORY and category not in CATEGORY_CODES:
            check.bad(row, "category", f"unknown category '{category}' "
                                       f"(expected '*' or one of: {', '.join(CATEGORY_CODES)})")
        scope = check.enum(row, "scope", ZoneScope, "zone scope")
        value = check.text(row, "value", required=True)
        if scope in (ZoneScope.BRANCH, ZoneScope.COLLEGE) and value:
            wanted = UnitKind(scope.value)
            if value not in kinds:
                check.bad(row, "value", f"unknown {wanted} code '{value}'")
            elif kinds[value] is not wanted:
                check.bad(row, "value", f"'{value}' is a {kinds[value]}, not a {wanted}")
        member = check.text(row, "member_number", required=True)
        deputy = check.text(row, "deputy_number") or None
        for column, who in (("member_number", member), ("deputy_number", deputy)):
            label = column.removesuffix("_number")
            if who and who not in numbers:
                check.bad(row, column, f"unknown {label} number '{who}'")
            elif who and who not in party:
                check.bad(row, column, f"{label} '{who}' does not hold the party_member role")
        if deputy and deputy == member:
            check.bad(row, "deputy_number", "the deputy is the same person as the member")
        if code and scope:
            zones.append(ZoneEntry(code, name, category, scope, value, member, deputy))
    return zones
