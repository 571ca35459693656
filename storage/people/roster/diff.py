"""What a roster import or a deactivation changes: counts per sheet and, for the parts
that take something away, who and what (so the officer reads the diff before it counts).

The diff is not computed beside the import: it is what ``apply_roster`` (and
``deactivate_people``) did inside their transaction, collected while writing, before the
``decide`` callback says whether to commit (docs/decisions/0025).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

#: The sheets whose rows are counted, in the order a report shows them.
SHEETS = ("units", "people", "roles", "zones", "calendar", "reception", "reception_dates")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    removed: int = 0  # roles, calendar days, reception dates: deleted, not deactivated

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated or self.removed)

    @property
    def takes_away(self) -> bool:
        return bool(self.deactivated or self.removed)


@dataclass(frozen=True, slots=True)
class PersonRef:
    number: str
    name: str
    unit: str  # the unit's code; "" for none


@dataclass(frozen=True, slots=True)
class Move:
    number: str
    name: str
    old_unit: str
    new_unit: str


@dataclass(frozen=True, slots=True)
class Update:
    """A person whose row changed: the fields changed (Person's attribute names, e.g.
    "phone", "unit_id", "dorm_building"; "active" is told by ``reactivated_people``)."""

    number: str
    name: str
    unit: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RoleRef:
    number: str
    name: str
    role: str
    unit: str


@dataclass(frozen=True, slots=True)
class Named:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class DateRef:
    """A reception date override: its schedule's code, the date (ISO), the action."""

    schedule: str
    day: str
    action: str


@dataclass(frozen=True, slots=True)
class DayRef:
    """A calendar day (ISO date) the sheet had set: a working day or not, its label."""

    day: str
    working: bool
    label: str


@dataclass(frozen=True, slots=True)
class ScheduleRef:
    """A reception schedule: its code, its leader's number and name, its place."""

    code: str
    number: str
    name: str
    place: str


@dataclass
class RosterChanges:
    """Who and what, beside the counts (every list complete)."""

    created_people: list[PersonRef] = field(default_factory=list)
    #: people whose row changed, with the fields (a reactivation alone is not listed here)
    updated_people: list[Update] = field(default_factory=list)
    #: people inactive before, active again
    reactivated_people: list[PersonRef] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)
    deactivated_people: list[PersonRef] = field(default_factory=list)
    removed_roles: list[RoleRef] = field(default_factory=list)
    deactivated_units: list[Named] = field(default_factory=list)
    deactivated_zones: list[Named] = field(default_factory=list)
    #: zones whose deputy was a deactivated person (the zone stays, without a deputy)
    cleared_deputies: list[Named] = field(default_factory=list)
    #: reception date overrides a sheet had set, removed by the reception_dates sheet
    removed_dates: list[DateRef] = field(default_factory=list)
    #: calendar days an earlier sheet had set, removed by the calendar sheet
    removed_days: list[DayRef] = field(default_factory=list)
    #: reception schedules deactivated (missing from the sheet, or their leader gone)
    deactivated_schedules: list[ScheduleRef] = field(default_factory=list)
    #: leaders' contact units removed: the leader (number, name) and the unit's code
    removed_contacts: list[PersonRef] = field(default_factory=list)
    #: active rows before the change ("people", "units", "zones"): the base of the share
    active_before: dict[str, int] = field(default_factory=dict)
    #: leaders' contact units (the roles sheet's column); None when the file has none
    contact_units: Counts | None = None
    #: unused binding codes of the deactivated people, cancelled when applied
    codes_cancelled: int = 0

    def sort(self) -> None:
        """Put the lists that come from reading whole tables in a stable order (by number
        or code); the file's order stays for the people it creates, updates or moves."""
        self.deactivated_people.sort(key=lambda p: p.number)
        self.removed_roles.sort(key=lambda r: (r.number, r.role, r.unit))
        for named in (self.deactivated_units, self.deactivated_zones, self.cleared_deputies):
            named.sort(key=lambda n: n.code)
        self.removed_dates.sort(key=lambda d: (d.schedule, d.day, d.action))
        self.removed_days.sort(key=lambda d: d.day)
        self.deactivated_schedules.sort(key=lambda r: r.code)
        self.removed_contacts.sort(key=lambda p: (p.number, p.unit))


@dataclass
class ImportReport:
    units: Counts = field(default_factory=Counts)
    people: Counts = field(default_factory=Counts)
    roles: Counts = field(default_factory=Counts)
    zones: Counts = field(default_factory=Counts)
    #: days of the calendar sheet; None when the file has no such sheet
    calendar: Counts | None = None
    #: schedules of the reception sheet; None when the file has no such sheet
    reception: Counts | None = None
    #: single-date overrides of the reception_dates sheet; None without that sheet
    reception_dates: Counts | None = None
    changes: RosterChanges = field(default_factory=RosterChanges)
    #: False when ``decide`` held it back (nothing was written)
    applied: bool = False
    #: main sheets the file does not have: their rows are left alone, so they show in the
    #: diff only when a deactivation took something of theirs away
    missing: frozenset[str] = frozenset()

    def sheets(self) -> list[tuple[str, Counts]]:
        """(sheet, counts) of every sheet the change covers, contact units included."""
        found = [(name, getattr(self, name)) for name in SHEETS]
        found.append(("contact_units", self.changes.contact_units))
        return [(name, c) for name, c in found
                if c is not None and (name not in self.missing or c.changed)]

    @property
    def changed(self) -> bool:
        return any(c.changed for _, c in self.sheets())

    @property
    def takes_away(self) -> bool:
        """Something would be deactivated or removed (the officer must confirm it)."""
        return any(c.takes_away for _, c in self.sheets())

    def as_dict(self) -> dict[str, dict[str, int]]:
        shown = dict(self.sheets())
        return {name: asdict(shown[name]) for name in SHEETS if name in shown}

    def over_share(self, max_share: float) -> list[tuple[str, int, int]]:
        """(kind, deactivated, active before) of each kind whose deactivated share is
        above ``max_share``."""
        before = self.changes.active_before
        return [(kind, counts.deactivated, before.get(kind, 0))
                for kind, counts in (("people", self.people), ("units", self.units),
                                     ("zones", self.zones))
                if counts.deactivated and counts.deactivated > max_share * before.get(kind, 0)]

    def fingerprint(self) -> tuple[object, ...]:
        """Equal for two runs that change the same things (a confirmation's check that
        the database did not move between the diff and the apply)."""
        c = self.changes
        return (sorted((k, sorted(v.items())) for k, v in self.as_dict().items()),
                tuple(c.moved), tuple(c.deactivated_people), tuple(c.removed_roles),
                tuple(c.deactivated_units), tuple(c.deactivated_zones),
                tuple(c.cleared_deputies), tuple(c.removed_dates), tuple(c.updated_people),
                tuple(c.reactivated_people), tuple(c.removed_days),
                tuple(c.deactivated_schedules), tuple(c.removed_contacts),
                asdict(c.contact_units) if c.contact_units else None)


#: Called with the finished report inside the transaction: True commits, False rolls back.
Decide = Callable[[ImportReport], bool]


class HeldBack(Exception):
    """Raised inside the transaction when ``decide`` says no, so nothing is written."""
