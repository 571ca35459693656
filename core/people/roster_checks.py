"""Checks of a roster file as a whole, beside the row rules of core.people.roster_validation:
identifier cells the file typed as numbers, columns the roster does not know, zones on
buildings or classes nobody is in; and the problem collector the row rules share.

The rules (docs/decisions/0026): an identifier typed as a number is an error when its
column also holds identifiers written with a leading zero (that zero may be lost here
too) or when it has more than 15 digits (Excel keeps no more); otherwise the import
proceeds with one warning per column naming the lines. Unknown columns and empty zones
are warnings.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from enum import Enum
from typing import TypeVar

from core.model import UnitKind, ZoneScope
from core.people.roster import (
    MAX_LENGTH,
    OPTIONAL_SHEET_COLUMNS,
    SHEET_COLUMNS,
    PersonEntry,
    RosterProblem,
    RosterRow,
    ZoneEntry,
)
from core.people.roster_aliases import ID_COLUMNS, SHEET_NAMES, chinese_column, known_words
from core.replies import t
from core.types import JSON

E = TypeVar("E", bound=Enum)
#: How a unit kind is named inside a message (translated parameters).
KIND_WORDS: dict[UnitKind, JSON] = {
    UnitKind.UNIVERSITY: t("roster_problem.kind_university"),
    UnitKind.COLLEGE: t("roster_problem.kind_college"),
    UnitKind.BRANCH: t("roster_problem.kind_branch"),
    UnitKind.FUNCTIONAL: t("roster_problem.kind_functional"),
}
#: Excel keeps 15 significant digits; a longer number typed as a number is already wrong.
MAX_EXACT_DIGITS = 15
#: how many line numbers a warning about many rows lists
SHOWN_LINES = 5


class Check:
    """Collects problems while rows are parsed; one instance per validation."""

    def __init__(self) -> None:
        self.problems: list[RosterProblem] = []

    def bad(self, row: RosterRow, column: str, key: str, **params: JSON) -> None:
        self.problems.append(RosterProblem(row.sheet, row.line, column, key, params))

    def text(self, row: RosterRow, column: str, *, required: bool = False) -> str:
        value = row.values.get(column, "").strip()
        if required and not value:
            self.bad(row, column, "roster_problem.empty")
        return value

    def enum(self, row: RosterRow, sheet: str, column: str, cls: type[E], key: str,
             *, required: bool = True) -> E | None:
        """The cell as a member of ``cls`` (the reader has turned Chinese words into codes);
        ``key`` reports an unknown value with the words it may be."""
        raw = self.text(row, column, required=required)
        if not raw:
            return None
        try:
            return cls(raw.lower())
        except ValueError:
            known = known_words(sheet, column, tuple(str(e.value) for e in cls))
            self.bad(row, column, key, value=raw, known=known)
            return None

    def unique(self, row: RosterRow, column: str, seen: dict[str, int], key: str) -> None:
        value = row.values.get(column, "").strip()
        if not value:
            return
        if value in seen:
            self.bad(row, column, key, value=value, first=seen[value])
        else:
            seen[value] = row.line

    def lengths(self, sheet: str, row: RosterRow) -> None:
        for column, limit in MAX_LENGTH[sheet].items():
            if len(row.values.get(column, "").strip()) > limit:
                self.bad(row, column, "roster_problem.too_long", count=limit)


def structure_problems(sheets: Mapping[str, Sequence[RosterRow]], *,
                       sheets_optional: bool = False) -> list[RosterProblem]:
    """A main sheet the file lacks (unless ``sheets_optional``: the database's rows are
    the base, docs/decisions/0025) and a required column a sheet lacks."""
    problems = []
    for name, (required, _optional) in SHEET_COLUMNS.items():
        if name not in sheets:
            if not sheets_optional:
                problems.append(RosterProblem(name, 0, "", "roster_problem.missing_sheet", {
                    "value": name, "chinese": SHEET_NAMES[name][0]}))
            continue
        rows = sheets[name]
        if rows:  # the reader gives every row every header column
            problems += [RosterProblem(rows[0].sheet, 1, c, "roster_problem.missing_column",
                                       {"value": c, "chinese": chinese_column(name, c)})
                         for c in required if c not in rows[0].values]
    return problems


def numeric_ids(sheets: Mapping[str, Sequence[RosterRow]]
                ) -> tuple[list[RosterProblem], list[RosterProblem]]:
    """(errors, warnings) for identifier cells the file typed as numbers."""
    errors: list[RosterProblem] = []
    warnings: list[RosterProblem] = []
    for sheet, rows in sheets.items():
        checked = ID_COLUMNS.get(sheet, frozenset())
        typed: dict[str, list[RosterRow]] = {}
        for row in rows:
            if row.numeric:  # usually empty: the loop costs a truth test per row
                for column in row.values:  # in the header's order
                    if column in row.numeric and column in checked:
                        typed.setdefault(column, []).append(row)
        for column, hits in typed.items():
            zeros = any(r.values.get(column, "").startswith("0") for r in rows
                        if column not in r.numeric)
            quiet = []
            for r in hits:
                value = r.values[column]
                if not value.isdigit():
                    continue  # a fraction or Excel's 1.2E+17: the row rules report it
                if len(value) > MAX_EXACT_DIGITS:
                    key = "roster_problem.numeric_id_long"
                elif zeros:
                    key = "roster_problem.numeric_id_zeros"
                else:
                    quiet.append(r)
                    continue
                errors.append(RosterProblem(r.sheet, r.line, column, key, {"value": value}))
            if quiet:
                warnings.append(RosterProblem(
                    quiet[0].sheet, quiet[0].line, column, "roster_problem.numeric_ids",
                    {"count": len(quiet), "lines": _lines(r.line for r in quiet)}))
    return errors, warnings


def _lines(lines: Iterable[int]) -> str:
    shown = list(lines)
    more = "…" if len(shown) > SHOWN_LINES else ""
    return ", ".join(str(n) for n in shown[:SHOWN_LINES]) + more


def unknown_columns(sheets: Mapping[str, Sequence[RosterRow]]) -> list[RosterProblem]:
    """A warning (line 1) for each header the roster does not read."""
    out = []
    for sheet, rows in sheets.items():
        required, optional = {**SHEET_COLUMNS, **OPTIONAL_SHEET_COLUMNS}.get(sheet, ((), ()))
        known = (*required, *optional)
        if not rows or not known:
            continue
        out += [RosterProblem(rows[0].sheet, 1, column, "roster_problem.unknown_column",
                              {"value": column, "known": ", ".join(known)})
                for column in rows[0].values if column not in known]
    return out


def empty_zones(zone_rows: Sequence[RosterRow], zones: Sequence[ZoneEntry],
                people: Sequence[PersonEntry]) -> list[RosterProblem]:
    """A warning for each building or class zone that no person of the file is in: it
    would never receive a concern (a misspelt building name, say)."""
    buildings = {p.dorm_building for p in people if p.dorm_building}
    classes = {p.class_name for p in people if p.class_name}
    lines = {r.values.get("code", "").strip(): r for r in zone_rows}
    out = []
    for z in zones:
        if z.scope is ZoneScope.DORM_BUILDING and z.value not in buildings:
            key = "roster_problem.zone_empty_building"
        elif z.scope is ZoneScope.CLASS and z.value not in classes:
            key = "roster_problem.zone_empty_class"
        else:
            continue
        row = lines[z.code]
        out.append(RosterProblem(row.sheet, row.line, "value", key, {"value": z.value}))
    return out


def as_written(problems: Iterable[RosterProblem],
               headers: Mapping[str, Mapping[str, str]]) -> list[RosterProblem]:
    """The problems with each column named as the file's header wrote it (学号, not number)."""
    return [replace(p, column=headers[p.sheet].get(p.column, p.column))
            if p.column and p.sheet in headers else p for p in problems]
