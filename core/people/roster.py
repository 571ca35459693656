"""What a roster is: its sheets and their columns, the rows read from a file, the checked
entries, and the problems found (core.people.roster_validation checks rows into entries).

Pure and stdlib-only: the storage layer reads the file (``storage.people.roster.reader``) and
writes the result (``storage.people.roster.apply``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from core.errors import DomainError
from core.model import PersonKind, Role, UnitClass, UnitKind, ZoneScope
from core.reception.schedule import DateOverride, Schedule
from core.types import JSON

#: sheet -> (columns the header must have, columns it may have)
SHEET_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "units": (("code", "name", "kind", "parent_code"), ("unit_class",)),
    "people": (("number", "name", "kind", "unit_code"),
               ("grade", "class_name", "dorm_building", "dorm_room", "phone")),
    "roles": (("number", "role", "unit_code"), ("contact_units",)),
    "zones": (("code", "name", "category", "scope", "value", "member_number"),
              ("deputy_number",)),
}

#: Sheets a roster may leave out: sheet -> (columns it must have, columns it may have).
#: ``calendar`` (校历调整): when present, its days replace the overrides an earlier sheet
#: set (``core.people.roster_calendar``); when absent, the overrides stay as they are.
OPTIONAL_SHEET_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "calendar": (("from", "status"), ("to", "label")),
    # Reception days (core.people.roster_reception): absent, the schedules stay as they are.
    "reception": (("code", "leader", "place", "repeat", "start", "end"),
                  ("weekday", "nth", "month_day", "interval", "from", "until", "capacity",
                   "cutoff", "holiday_policy", "accompany", "contact_unit")),
    "reception_dates": (("schedule", "date", "action"), ("new_date", "start", "end")),
}

# The storage column sizes: checking them here means PostgreSQL never rejects a row
# half-way through an import.
MAX_LENGTH: dict[str, dict[str, int]] = {
    "units": {"code": 64, "name": 200},
    "people": {"number": 40, "name": 100, "grade": 20, "class_name": 100,
               "dorm_building": 100, "dorm_room": 40, "phone": 40},
    "roles": {},
    "zones": {"code": 64, "name": 200, "value": 100},
}

@dataclass(frozen=True)
class RosterRow:
    sheet: str  # the sheet (or CSV file) name as the admin sees it
    line: int   # the row number in the file; the header is line 1
    values: dict[str, str]
    #: columns whose cell the file typed as a number (a workbook's; a CSV has no types)
    numeric: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RosterProblem:
    """One thing wrong in a roster file: where (``sheet`` as the file names it, ``line``,
    ``column``) and what (a locale key of ``[roster_problem]`` or ``[roster_file]`` and
    its parameters; the CLI renders it in the officer's language)."""

    sheet: str
    line: int    # 0: the whole sheet
    column: str  # "" when no single column is at fault
    key: str
    params: dict[str, JSON] = field(default_factory=dict)

    def __str__(self) -> str:  # for logs and test failures, not for officers
        where = f"{self.sheet}:{self.line}" + (f" [{self.column}]" if self.column else "")
        return f"{where}: {self.key} {self.params}"


class RosterSheets(dict[str, list[RosterRow]]):
    """A roster file's rows by sheet key ("units", "people", ...), and what the reader
    found about the file itself: ``problems`` (errors: an import stops) and ``warnings``
    (the import proceeds); ``headers[sheet][column]`` is a header as the file wrote it,
    when it differs from the column's code (messages name the column as the officer
    sees it)."""

    def __init__(self, sheets: Mapping[str, list[RosterRow]] | None = None) -> None:
        super().__init__(sheets or {})
        self.problems: list[RosterProblem] = []
        self.warnings: list[RosterProblem] = []
        self.headers: dict[str, dict[str, str]] = {}


@dataclass(frozen=True)
class UnitEntry:
    code: str
    name: str
    kind: UnitKind
    parent_code: str | None
    unit_class: UnitClass | None


@dataclass(frozen=True)
class PersonEntry:
    number: str
    name: str
    kind: PersonKind
    unit_code: str
    grade: str | None = None
    class_name: str | None = None
    dorm_building: str | None = None
    dorm_room: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class RoleEntry:
    number: str
    role: Role
    unit_code: str


@dataclass(frozen=True)
class ZoneEntry:
    code: str
    name: str
    category: str  # a code from CATEGORY_CODES, or "*"
    scope: ZoneScope
    value: str
    member_number: str
    deputy_number: str | None = None


@dataclass(frozen=True)
class CalendarEntry:
    """One row of the calendar sheet: the days ``first``..``last`` (both included)."""

    first: date
    last: date
    working: bool
    label: str


@dataclass(frozen=True)
class Roster:
    units: tuple[UnitEntry, ...]
    people: tuple[PersonEntry, ...]
    roles: tuple[RoleEntry, ...]
    zones: tuple[ZoneEntry, ...]
    #: None: the file has no calendar sheet (the overrides are left alone)
    calendar: tuple[CalendarEntry, ...] | None = None
    #: None: no reception sheet (the schedules and their overrides are left alone)
    reception: tuple[Schedule, ...] | None = None
    #: None: no reception_dates sheet (the overrides a sheet set are left alone)
    reception_dates: tuple[DateOverride, ...] | None = None
    #: (leader number, unit code); None: the roles sheet has no contact_units column
    contact_units: tuple[tuple[str, str], ...] | None = None
    #: what the officer should know although the import proceeds (not part of the data)
    warnings: tuple[RosterProblem, ...] = field(default=(), compare=False)
    #: main sheets the file does not have: their stored rows are left as they are
    missing: frozenset[str] = frozenset()


@dataclass(frozen=True)
class KnownRoster:
    """What the database holds, for a file that leaves out a main sheet: references to
    that sheet's rows are checked against these (active units and roster people)."""

    units: Mapping[str, UnitKind] = field(default_factory=dict)
    people: frozenset[str] = frozenset()
    party: frozenset[str] = frozenset()  # numbers holding the party_member role
    leaders: frozenset[str] = frozenset()  # numbers holding the leader role


class RosterInvalid(DomainError):
    """The roster has problems; ``problems`` lists every one, in file order, and
    ``warnings`` what would only have been noted."""

    key = "roster.invalid"

    def __init__(self, problems: list[RosterProblem],
                 warnings: list[RosterProblem] | None = None) -> None:
        super().__init__(count=len(problems))
        self.problems = problems
        self.warnings = warnings or []
