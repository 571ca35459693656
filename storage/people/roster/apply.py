"""Write a validated Roster to the database: one transaction, all or nothing.

Rows are matched by their natural keys (unit code, person number, zone code) and updated
in place, so a reimport never duplicates anyone. Nobody is deleted: people and zones
missing from the new file are deactivated, because concerns and audit rows point at them.
A ``calendar`` sheet, when present, replaces the calendar overrides an earlier sheet set
(those set by command stay; storage/calendar/calendar_store.py).
Only plain ORM statements are used, so the same code runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.concerns.redispatch import redispatch_from
from core.calendar.days import days_of
from core.people.roster import CalendarEntry, PersonEntry, Roster, UnitEntry, ZoneEntry
from storage.calendar.calendar_store import replace_sheet_overrides
from storage.reception.roster_apply import apply_contact_units, apply_reception
from storage.store import SqlStore
from storage.tables import AuditLog, OrgUnit, Person, ResponsibilityZone, RoleAssignment
from storage.uow import unit_of_work

Progress = Callable[[int, int], None]  # (done, total), e.g. a tqdm bar's update


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    removed: int = 0  # roles and calendar days: deleted, not deactivated

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated or self.removed)


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

    @property
    def changed(self) -> bool:
        return any(c.changed for c in (self.units, self.people, self.roles, self.zones,
                                       self.calendar, self.reception) if c is not None)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class _Ticker:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


async def apply_roster(session_factory: async_sessionmaker[AsyncSession], roster: Roster, *,
                       now: datetime, progress: Progress | None = None,
                       actor_id: int | None = None, source: str | None = None,
                       default_locale: str = "zh_CN") -> ImportReport:
    """Make the database match ``roster`` in one transaction and audit the counts.

    ``progress(done, total)`` is called once per roster row. If anything fails
    (including the progress callback) nothing is written.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    report = ImportReport()
    tick = _Ticker(progress, len(roster.units) + len(roster.people)
                   + len(roster.roles) + len(roster.zones))
    deactivated: list[int] = []
    async with unit_of_work(session_factory) as uow:
        session = uow.session
        unit_ids = await _apply_units(session, roster.units, report.units, tick)
        person_ids = await _apply_people(session, roster.people, unit_ids, now, report.people,
                                         tick, deactivated)
        wanted_roles = set()
        for r in roster.roles:
            wanted_roles.add((person_ids[r.number], r.role.value, unit_ids[r.unit_code]))
            tick()
        await _apply_roles(session, wanted_roles, set(person_ids.values()), report.roles)
        await _apply_zones(session, roster.zones, person_ids, report.zones, tick)
        if roster.calendar is not None:
            report.calendar = await _apply_calendar(session, roster.calendar, actor_id, now)
        if roster.contact_units is not None:
            await apply_contact_units(session, roster.contact_units, person_ids, unit_ids)
        if roster.reception is not None:
            report.reception = Counts(*await apply_reception(
                session, roster.reception, roster.reception_dates, person_ids, unit_ids, now))
        session.add(AuditLog(kind="roster_import", actor_id=actor_id, created_at=now,
                             detail={**report.as_dict(), "source": source}))
        if deactivated:  # their open concerns go to whoever routing now picks
            await session.flush()
            await redispatch_from(SqlStore(session), deactivated, now=now,
                                  default_locale=default_locale)
    return report


async def _apply_calendar(session: AsyncSession, entries: Sequence[CalendarEntry],
                          actor_id: int | None, now: datetime) -> Counts:
    """The sheet's days replace the overrides an earlier sheet set; commands' are kept."""
    wanted = {day: (e.working, e.label) for e in entries for day in days_of(e.first, e.last)}
    created, updated, unchanged, removed = await replace_sheet_overrides(
        session, wanted, set_by=actor_id, now=now)
    return Counts(created=created, updated=updated, unchanged=unchanged, removed=removed)


def _sync(row: Any, desired: dict[str, Any]) -> bool:
    """Set only the attributes that differ, so an unchanged row is not even flushed."""
    changed = False
    for name, value in desired.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _count(counts: Counts, created: bool, changed: bool) -> None:
    if created:
        counts.created += 1
    elif changed:
        counts.updated += 1
    else:
        counts.unchanged += 1


async def _apply_units(session: AsyncSession, units: Sequence[UnitEntry], counts: Counts,
                       tick: _Ticker) -> dict[str, int]:
    by_code = {u.code: u for u in await session.scalars(select(OrgUnit))}
    new = set()
    for e in units:
        if e.code not in by_code:
            by_code[e.code] = OrgUnit(code=e.code, name=e.name, kind=e.kind.value, active=True)
            session.add(by_code[e.code])
            new.add(e.code)
    await session.flush()  # parents may be new units: their ids are needed first
    ids = {code: u.id for code, u in by_code.items()}
    for e in units:
        changed = _sync(by_code[e.code], {
            "name": e.name, "kind": e.kind.value,
            "unit_class": e.unit_class.value if e.unit_class else None,
            "parent_id": ids[e.parent_code] if e.parent_code else None, "active": True})
        _count(counts, e.code in new, changed)
        tick()
    in_file = {e.code for e in units}
    for code, unit in by_code.items():
        if code not in in_file and unit.active:
            unit.active = False
            counts.deactivated += 1
    return ids


async def _apply_people(session: AsyncSession, people: Sequence[PersonEntry],
                        unit_ids: dict[str, int], now: datetime, counts: Counts,
                        tick: _Ticker, deactivated: list[int]) -> dict[str, int]:
    # The query already leaves out people without a number; the `if` only narrows the type.
    by_number = {p.number: p for p in
                 await session.scalars(select(Person).where(Person.number.is_not(None)))
                 if p.number is not None}
    for e in people:
        desired = {"name": e.name, "kind": e.kind.value, "unit_id": unit_ids[e.unit_code],
                   "grade": e.grade, "class_name": e.class_name,
                   "dorm_building": e.dorm_building, "dorm_room": e.dorm_room,
                   "phone": e.phone, "verified": True, "active": True}
        person = by_number.get(e.number)
        if person is None:
            by_number[e.number] = Person(number=e.number, created_at=now, updated_at=now, **desired)
            session.add(by_number[e.number])
            _count(counts, True, True)
        else:
            changed = _sync(person, desired)
            if changed:
                person.updated_at = now
            _count(counts, False, changed)
        tick()
    in_file = {e.number for e in people}
    for number, person in by_number.items():
        # Unverified (self-registered) people are not the roster's to manage.
        if number not in in_file and person.verified and person.active:
            person.active = False
            person.updated_at = now
            counts.deactivated += 1
            deactivated.append(person.id)
    await session.flush()  # ids for roles and zones
    return {number: person.id for number, person in by_number.items()}


async def _apply_roles(session: AsyncSession, wanted: set[tuple[int, str, int]],
                       people_in_file: set[int], counts: Counts) -> None:
    """Replace the role set of everyone in the file; people not in it keep theirs."""
    have = {(a.person_id, a.role, a.unit_id): a
            for a in await session.scalars(select(RoleAssignment))
            if a.person_id in people_in_file}
    for key, assignment in have.items():
        if key not in wanted:
            await session.delete(assignment)
            counts.removed += 1
    for key in wanted:
        if key in have:
            counts.unchanged += 1
        else:
            session.add(RoleAssignment(person_id=key[0], role=key[1], unit_id=key[2]))
            counts.created += 1


async def _apply_zones(session: AsyncSession, zones: Sequence[ZoneEntry],
                       person_ids: dict[str, int], counts: Counts, tick: _Ticker) -> None:
    by_code = {z.code: z for z in await session.scalars(select(ResponsibilityZone))}
    for e in zones:
        desired = {"name": e.name, "category": e.category, "scope": e.scope.value,
                   "value": e.value, "member_id": person_ids[e.member_number],
                   "deputy_id": person_ids[e.deputy_number] if e.deputy_number else None,
                   "active": True}
        zone = by_code.get(e.code)
        if zone is None:
            session.add(ResponsibilityZone(code=e.code, **desired))
            _count(counts, True, True)
        else:
            _count(counts, False, _sync(zone, desired))
        tick()
    in_file = {e.code for e in zones}
    for code, zone in by_code.items():
        if code not in in_file and zone.active:
            zone.active = False
            counts.deactivated += 1
