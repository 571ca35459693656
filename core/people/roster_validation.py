"""Roster validation: rows read from a spreadsheet become a checked Roster, or a list of problems.

Every bad row is reported, not just the first, so an admin can fix the whole file in one
pass. The shapes (rows, entries, problems) are core.people.roster; each problem is a locale
key of ``[roster_problem]`` with its parameters. File-wide checks (numbers typed as
numbers, unknown columns, empty zones) are core.people.roster_checks.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from core.concerns.categories import ANY_CATEGORY, CATEGORY_CODES
from core.model import PersonKind, Role, UnitClass, UnitKind, ZoneScope
from core.people import roster_checks as rc
from core.people import roster_reception as rr
from core.people.roster import (
    SHEET_COLUMNS,
    KnownRoster,
    PersonEntry,
    RoleEntry,
    Roster,
    RosterInvalid,
    RosterProblem,
    RosterRow,
    RosterSheets,
    UnitEntry,
    ZoneEntry,
)
from core.people.roster_aliases import fold_width, known_words
from core.people.roster_calendar import calendar_entries, calendar_problems_of_structure
from core.replies import t
from core.types import JSON

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



KIND_WORDS = rc.KIND_WORDS
_PARENT_WORDS: dict[UnitKind, JSON] = {
    UnitKind.COLLEGE: t("roster_problem.kind_university"),
    UnitKind.BRANCH: t("roster_problem.kind_college"),
    UnitKind.FUNCTIONAL: t("roster_problem.kind_university_or_functional"),
}
_Check = rc.Check


def validate_roster(sheets: Mapping[str, Sequence[RosterRow]],
                    known: KnownRoster | None = None) -> Roster:
    """Check parsed sheets (keyed "units", "people", "roles", "zones", and the optional
    "calendar": core.people.roster_calendar) and build a Roster.

    Raises RosterInvalid listing every problem. A missing sheet (line 0) or a missing
    column (line 1) stops the check there, since the rows cannot be read without it.
    With ``known`` (what the database has) a main sheet may be missing: references to
    its rows are checked against ``known`` and ``Roster.missing`` names it, so the import
    leaves its rows as they are.
    What the reader found (``RosterSheets``) joins the problems and the warnings; the
    warnings of a good file are ``Roster.warnings``.
    """
    read = sheets if isinstance(sheets, RosterSheets) else RosterSheets()
    warnings = [*read.warnings, *rc.unknown_columns(sheets)]
    structural = rc.structure_problems(sheets, sheets_optional=known is not None)
    structural += calendar_problems_of_structure(sheets.get("calendar", ()))
    structural += rr.structure_problems(dict(sheets))
    if structural:
        raise RosterInvalid(rc.as_written([*structural, *read.problems], read.headers),
                            rc.as_written(warnings, read.headers))
    check = _Check()
    base = known or KnownRoster()
    units, kinds = _units(check, sheets["units"]) if "units" in sheets else ([], {**base.units})
    people = _people(check, sheets.get("people", ()), kinds)
    # Cross-references use every number written in the file, valid row or not, so one
    # bad person row is reported once rather than again at each reference to it.
    numbers = _numbers(sheets, "people", None) if "people" in sheets else set(base.people)
    roles = _roles(check, sheets.get("roles", ()), numbers, kinds)
    party = _numbers(sheets, "roles", {Role.PARTY_MEMBER.value}) if "roles" in sheets \
        else set(base.party)
    zones = _zones(check, sheets.get("zones", ()), kinds, numbers, party)
    calendar = None  # no sheet: the calendar overrides are left as they are
    if "calendar" in sheets:
        entries, found = calendar_entries(sheets["calendar"])
        check.problems += found
        calendar = tuple(entries)
    # A row with an unknown role is reported once, not again at each schedule of that person.
    leaders = {r.values.get("number", "").strip() for r in sheets.get("roles", ())
               if r.values.get("role", "").strip().lower() not in set(Role) - {Role.LEADER}
               } if "roles" in sheets else set(base.leaders)
    schedules, dates, found = rr.reception_entries(sheets.get(rr.SHEET, ()),
                                                   sheets.get(rr.DATES, ()), numbers, leaders, kinds)
    contacts, more = rr.contact_units(sheets.get("roles", ()), kinds)
    numeric, typed = rc.numeric_ids(sheets)
    check.problems += more + found + numeric + read.problems
    if "people" in sheets:  # without it, who lives where is not in the file
        warnings += rc.empty_zones(sheets.get("zones", ()), zones, people)
    warnings += typed
    if check.problems:
        # Sheets were checked in order; only the hierarchy pass reports units out of line order.
        first: dict[str, int] = {}
        for i, p in enumerate(check.problems):
            first.setdefault(p.sheet, i)
        check.problems.sort(key=lambda p: (first[p.sheet], p.line))
        raise RosterInvalid(rc.as_written(check.problems, read.headers),
                            rc.as_written(warnings, read.headers))
    reception = tuple(schedules) if rr.SHEET in sheets else None
    return Roster(tuple(units), tuple(people), tuple(roles), tuple(zones), calendar,
                  reception, tuple(dates) if rr.DATES in sheets else None, contacts,
                  tuple(rc.as_written(warnings, read.headers)),
                  frozenset(SHEET_COLUMNS) - set(sheets))


def _numbers(sheets: Mapping[str, Sequence[RosterRow]], sheet: str,
             roles: set[str] | None) -> set[str]:
    """The numbers a sheet writes (of rows with one of ``roles``, when given)."""
    return {r.values.get("number", "").strip() for r in sheets.get(sheet, ())
            if roles is None or r.values.get("role", "").strip().lower() in roles}


def _units(check: _Check, rows: Sequence[RosterRow]) -> tuple[list[UnitEntry], dict[str, UnitKind]]:
    seen: dict[str, int] = {}
    kinds: dict[str, UnitKind] = {}
    parsed: list[tuple[RosterRow, UnitEntry | None]] = []
    for row in rows:
        check.unique(row, "code", seen, "roster_problem.duplicate_unit")
        check.lengths("units", row)
        code, name = check.text(row, "code", required=True), check.text(row, "name", required=True)
        kind = check.enum(row, "units", "kind", UnitKind, "roster_problem.unknown_unit_kind")
        unit_class = check.enum(row, "units", "unit_class", UnitClass,
                                "roster_problem.unknown_unit_class", required=False)
        if code and kind and code not in kinds:
            kinds[code] = kind
        entry = None
        if code and kind:
            entry = UnitEntry(code, name, kind, check.text(row, "parent_code") or None, unit_class)
        parsed.append((row, entry))

    universities = [(row, e) for row, e in parsed if e and e.kind is UnitKind.UNIVERSITY]
    if not universities:
        sheet = rows[0].sheet if rows else "units"
        check.problems.append(RosterProblem(sheet, 0, "kind", "roster_problem.no_university"))
    for row, e in universities[1:]:
        first_row, first = universities[0]
        check.bad(row, "kind", "roster_problem.one_university", value=first.code,
                  first=first_row.line)
    parents = {e.code: e.parent_code for _, e in parsed if e}
    for row, entry in parsed:
        if entry is not None:
            _unit_place(check, row, entry, kinds, parents)
    return [e for _, e in parsed if e], kinds


def _unit_place(check: _Check, row: RosterRow, e: UnitEntry, kinds: dict[str, UnitKind],
                parents: dict[str, str | None]) -> None:
    """Hierarchy rules for one unit: parent kind, no loops, a ranking class where needed."""
    if e.kind in _NEEDS_CLASS and not row.values.get("unit_class", "").strip():
        check.bad(row, "unit_class", "roster_problem.needs_unit_class", kind=KIND_WORDS[e.kind],
                  known=known_words("units", "unit_class", tuple(UnitClass)))
    if e.kind is UnitKind.UNIVERSITY:
        if e.parent_code:
            check.bad(row, "parent_code", "roster_problem.university_parent")
        return
    if not e.parent_code:
        check.bad(row, "parent_code", "roster_problem.needs_parent", kind=KIND_WORDS[e.kind])
        return
    parent_kind = kinds.get(e.parent_code)
    if parent_kind is None:
        check.bad(row, "parent_code", "roster_problem.unknown_parent", value=e.parent_code)
    elif parent_kind not in _PARENT_KINDS[e.kind]:
        check.bad(row, "parent_code", "roster_problem.wrong_parent", kind=KIND_WORDS[e.kind],
                  allowed=_PARENT_WORDS[e.kind], value=e.parent_code,
                  actual=KIND_WORDS[parent_kind])
    else:
        # Only functional units may nest in their own kind, so only they can form a loop.
        seen = {e.code}
        cur: str | None = e.parent_code
        while cur is not None and kinds.get(cur) is UnitKind.FUNCTIONAL:
            if cur in seen:
                check.bad(row, "parent_code", "roster_problem.parent_loop", value=e.code)
                break
            seen.add(cur)
            cur = parents.get(cur)


def _people(check: _Check, rows: Sequence[RosterRow], kinds: dict[str, UnitKind]) -> list[PersonEntry]:
    seen: dict[str, int] = {}
    people = []
    for row in rows:
        check.unique(row, "number", seen, "roster_problem.duplicate_person")
        check.lengths("people", row)
        number = check.text(row, "number", required=True)
        if number and _SCIENTIFIC.match(number):
            check.bad(row, "number", "roster_problem.scientific", value=number)
        elif number and not _NUMBER.match(number):
            check.bad(row, "number", "roster_problem.bad_number", value=number)
        name = check.text(row, "name", required=True)
        kind = check.enum(row, "people", "kind", PersonKind, "roster_problem.unknown_person_kind")
        unit_code = check.text(row, "unit_code", required=True)
        if unit_code and unit_code not in kinds:
            check.bad(row, "unit_code", "roster_problem.unknown_unit", value=unit_code)
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
        role = check.enum(row, "roles", "role", Role, "roster_problem.unknown_role")
        unit_code = check.text(row, "unit_code", required=True)
        if number and number not in numbers:
            check.bad(row, "number", "roster_problem.unknown_person", value=number)
        if unit_code and unit_code not in kinds:
            check.bad(row, "unit_code", "roster_problem.unknown_unit", value=unit_code)
        elif role in _ROLE_UNIT_KIND and kinds.get(unit_code) not in (None, _ROLE_UNIT_KIND[role]):
            check.bad(row, "unit_code", "roster_problem.role_unit", role=role,
                      kind=KIND_WORDS[_ROLE_UNIT_KIND[role]], value=unit_code,
                      actual=KIND_WORDS[kinds[unit_code]])
        if number and role and unit_code:
            key = f"{number} {role} {unit_code}"
            if key in seen:
                check.bad(row, "role", "roster_problem.duplicate_role", role=role, value=number,
                          unit=unit_code, first=seen[key])
                continue
            seen[key] = row.line
            roles.append(RoleEntry(number, role, unit_code))
    return roles


def _zones(check: _Check, rows: Sequence[RosterRow], kinds: dict[str, UnitKind],
           numbers: set[str], party: set[str]) -> list[ZoneEntry]:
    seen: dict[str, int] = {}
    zones = []
    for row in rows:
        check.unique(row, "code", seen, "roster_problem.duplicate_zone")
        check.lengths("zones", row)
        code, name = check.text(row, "code", required=True), check.text(row, "name", required=True)
        category = check.text(row, "category", required=True).lower()
        if category and category != ANY_CATEGORY and category not in CATEGORY_CODES:
            check.bad(row, "category", "roster_problem.unknown_category", value=category,
                      known=known_words("zones", "category", (ANY_CATEGORY, *CATEGORY_CODES)))
        scope = check.enum(row, "zones", "scope", ZoneScope, "roster_problem.unknown_scope")
        value = check.text(row, "value", required=True)
        if scope in (ZoneScope.BRANCH, ZoneScope.COLLEGE):
            value = fold_width(value)  # a unit code (the reader folded only letters and digits)
        if scope in (ZoneScope.BRANCH, ZoneScope.COLLEGE) and value:
            wanted = UnitKind(scope.value)
            if value not in kinds:
                check.bad(row, "value", "roster_problem.unknown_scope_unit", kind=KIND_WORDS[wanted],
                          value=value)
            elif kinds[value] is not wanted:
                check.bad(row, "value", "roster_problem.scope_kind", value=value,
                          actual=KIND_WORDS[kinds[value]], kind=KIND_WORDS[wanted])
        member = check.text(row, "member_number", required=True)
        deputy = check.text(row, "deputy_number") or None
        for column, who, unknown, not_party in (
                ("member_number", member, "roster_problem.unknown_member",
                 "roster_problem.member_not_party"),
                ("deputy_number", deputy, "roster_problem.unknown_deputy",
                 "roster_problem.deputy_not_party")):
            if who and who not in numbers:
                check.bad(row, column, unknown, value=who)
            elif who and who not in party:
                check.bad(row, column, not_party, value=who)
        if deputy and deputy == member:
            check.bad(row, "deputy_number", "roster_problem.deputy_is_member")
        if code and scope:
            zones.append(ZoneEntry(code, name, category, scope, value, member, deputy))
    return zones
