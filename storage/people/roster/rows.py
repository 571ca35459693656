"""The roster's units, people and zones sheets written inside the import's transaction
(``storage/people/roster/apply.py``), counting what changed and noting who.

Rows are matched by their natural keys (unit code, person number, zone code) and updated
in place. Each table is read once, whole (a set-based diff: no query per row). With
``partial`` nothing missing from the file is deactivated.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.people.roster import PersonEntry, UnitEntry, ZoneEntry
from storage.people.roster.diff import Counts, Move, Named, PersonRef, RosterChanges, Update
from storage.tables import OrgUnit, Person, ResponsibilityZone

Tick = Callable[[], None]
#: new people per INSERT statement
_INSERT = 1000


def sync(row: Any, desired: dict[str, Any]) -> bool:
    """Set only the attributes that differ, so an unchanged row is not even flushed."""
    return bool(changed_fields(row, desired))


def changed_fields(row: Any, desired: dict[str, Any]) -> list[str]:
    """Set only the attributes that differ and return their names (in ``desired``'s order)."""
    changed = []
    for name, value in desired.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def count(counts: Counts, created: bool, changed: bool) -> None:
    if created:
        counts.created += 1
    elif changed:
        counts.updated += 1
    else:
        counts.unchanged += 1


async def apply_units(session: AsyncSession, units: Sequence[UnitEntry], counts: Counts,
                      tick: Tick, changes: RosterChanges, *, partial: bool) -> dict[str, int]:
    """Return every unit's id by code (those not in the file too)."""
    by_code = {u.code: u for u in await session.scalars(select(OrgUnit))}
    changes.active_before["units"] = sum(1 for u in by_code.values() if u.active)
    new = set()
    for e in units:
        if e.code not in by_code:
            by_code[e.code] = OrgUnit(code=e.code, name=e.name, kind=e.kind.value, active=True)
            session.add(by_code[e.code])
            new.add(e.code)
    await session.flush()  # parents may be new units: their ids are needed first
    ids = {code: u.id for code, u in by_code.items()}
    for e in units:
        changed = sync(by_code[e.code], {
            "name": e.name, "kind": e.kind.value,
            "unit_class": e.unit_class.value if e.unit_class else None,
            "parent_id": ids[e.parent_code] if e.parent_code else None, "active": True})
        count(counts, e.code in new, changed)
        tick()
    if not partial:
        in_file = {e.code for e in units}
        for code, unit in by_code.items():
            if code not in in_file and unit.active:
                unit.active = False
                counts.deactivated += 1
                changes.deactivated_units.append(Named(code, unit.name))
    return ids


async def apply_people(session: AsyncSession, people: Sequence[PersonEntry],
                       unit_ids: dict[str, int], unit_codes: dict[int, str], now: datetime,
                       counts: Counts, tick: Tick, changes: RosterChanges,
                       deactivated: list[int], *, partial: bool
                       ) -> tuple[dict[str, int], dict[int, Person]]:
    """Return every numbered person's id by number, and every person who was stored
    before by id (those the file creates are inserted as rows, not loaded)."""
    # The query already leaves out people without a number; the `if` only narrows the type.
    by_number = {p.number: p for p in
                 await session.scalars(select(Person).where(Person.number.is_not(None)))
                 if p.number is not None}
    changes.active_before["people"] = sum(1 for p in by_number.values()
                                          if p.active and p.verified)
    fresh: dict[str, dict[str, Any]] = {}  # new people: plain rows, inserted in bulk
    for e in people:
        desired = {"name": e.name, "kind": e.kind.value, "unit_id": unit_ids[e.unit_code],
                   "grade": e.grade, "class_name": e.class_name,
                   "dorm_building": e.dorm_building, "dorm_room": e.dorm_room,
                   "phone": e.phone, "verified": True, "active": True}
        person = by_number.get(e.number)
        if person is None:
            if e.number not in fresh:
                count(counts, True, True)
                changes.created_people.append(PersonRef(e.number, e.name, e.unit_code))
            fresh[e.number] = {"number": e.number, "created_at": now, "updated_at": now,
                               **desired}
        else:
            old_unit = person.unit_id
            fields = changed_fields(person, desired)
            if fields:
                person.updated_at = now
                _note_update(changes, e, fields)
            if old_unit != person.unit_id:
                changes.moved.append(Move(e.number, e.name, unit_codes.get(old_unit or 0, ""),
                                          e.unit_code))
            count(counts, False, bool(fields))
        tick()
    if not partial:
        in_file = {e.number for e in people}
        for number, person in by_number.items():
            # Unverified (self-registered) people are not the roster's to manage.
            if number not in in_file and person.verified and person.active:
                person.active = False
                person.updated_at = now
                counts.deactivated += 1
                deactivated.append(person.id)
                changes.deactivated_people.append(PersonRef(
                    number, person.name, unit_codes.get(person.unit_id or 0, "")))
    await session.flush()
    ids = {number: person.id for number, person in by_number.items()}
    # Not ORM objects: 33,000 of them in the unit of work cost about 50 MiB at seeding.
    rows = list(fresh.values())
    for start in range(0, len(rows), _INSERT):
        ids.update((number or "", pid) for number, pid in (await session.execute(
            insert(Person).returning(Person.number, Person.id),
            rows[start:start + _INSERT])).tuples())
    return ids, {person.id: person for person in by_number.values()}


def _note_update(changes: RosterChanges, e: PersonEntry, fields: list[str]) -> None:
    """Who was updated and what changed; a person active again is told apart."""
    if "active" in fields:
        changes.reactivated_people.append(PersonRef(e.number, e.name, e.unit_code))
    shown = tuple(f for f in fields if f != "active")
    if shown:
        changes.updated_people.append(Update(e.number, e.name, e.unit_code, shown))


async def apply_zones(session: AsyncSession, zones: Sequence[ZoneEntry],
                      person_ids: dict[str, int], counts: Counts, tick: Tick,
                      changes: RosterChanges, *, partial: bool) -> None:
    by_code = {z.code: z for z in await session.scalars(select(ResponsibilityZone))}
    changes.active_before["zones"] = sum(1 for z in by_code.values() if z.active)
    for e in zones:
        desired = {"name": e.name, "category": e.category, "scope": e.scope.value,
                   "value": e.value, "member_id": person_ids[e.member_number],
                   "deputy_id": person_ids[e.deputy_number] if e.deputy_number else None,
                   "active": True}
        zone = by_code.get(e.code)
        if zone is None:
            session.add(ResponsibilityZone(code=e.code, **desired))
            count(counts, True, True)
        else:
            count(counts, False, sync(zone, desired))
        tick()
    if partial:
        return
    in_file = {e.code for e in zones}
    for code, zone in by_code.items():
        if code not in in_file and zone.active:
            zone.active = False
            counts.deactivated += 1
            changes.deactivated_zones.append(Named(code, zone.name))
