"""The roster's reception sheets and contact-unit column, written inside the import's
transaction (``storage/people/roster/apply.py``).

Schedules are matched by code and updated in place (one an admin had added or edited by
``/receptions`` included: it becomes the sheet's again); a schedule of source ``sheet``
that is missing from the file is deactivated (its future sessions are cancelled by the
next materialisation, the rows stay), one of source ``command`` is kept. The
``reception_dates`` sheet, when the file has it, makes the overrides of source ``sheet``
of the sheet's schedules exactly its rows, counted like the calendar's days (created,
updated, unchanged, removed: a removal takes something away, docs/decisions/0025); a
date an admin set by ``/receptions`` (source ``command``) is the admin's: the sheet
neither adds, changes nor removes an override on that schedule's date (counted as
unchanged), as the calendar sheet keeps the commands' days. Without that sheet the
overrides stay as they are (docs/decisions/0018). Contact units replace the stored pairs
of every leader the file names.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.reception.schedule import DateOverride, Schedule
from storage import tables as T
from storage.reception.codec import recurrence_data

SOURCE_SHEET = "sheet"


@dataclass
class DatesChange:
    """What the ``reception_dates`` sheet changed, in overrides (one row each)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    #: (schedule code, date, action) of each override removed, in that order
    removed_keys: list[tuple[str, date, str]] = field(default_factory=list)


async def apply_reception(session: AsyncSession, schedules: Sequence[Schedule],
                          person_ids: Mapping[str, int], unit_ids: Mapping[str, int],
                          now: datetime) -> tuple[int, int, int, list[T.ReceptionSchedule]]:
    """Return (created, updated, unchanged) schedules and those deactivated (by code)."""
    by_code = {r.code: r for r in await session.scalars(select(T.ReceptionSchedule))}
    created = updated = unchanged = 0
    deactivated = []
    for e in schedules:
        desired: dict[str, Any] = {
            "leader_id": person_ids[e.leader], "place": e.place, "start_time": e.start,
            "end_time": e.end, "recurrence": recurrence_data(e.recurrence),
            "capacity": e.capacity, "cutoff_days": e.cutoff.workdays_before,
            "cutoff_time": e.cutoff.at, "holiday_policy": e.holiday_policy.value,
            "accompany": [person_ids[n] for n in e.accompany],
            "contact_unit_id": unit_ids[e.contact_unit] if e.contact_unit else None,
            "active": True, "source": SOURCE_SHEET}
        row = by_code.get(e.code)
        if row is None:
            by_code[e.code] = T.ReceptionSchedule(code=e.code, created_at=now, updated_at=now,
                                                  **desired)
            session.add(by_code[e.code])
            created += 1
            continue
        changed = [k for k, v in desired.items() if getattr(row, k) != v]
        for k in changed:
            setattr(row, k, desired[k])
        if changed:
            row.updated_at = now
            updated += 1
        else:
            unchanged += 1
    in_file = {e.code for e in schedules}
    for code, row in sorted(by_code.items()):
        if code not in in_file and row.source == SOURCE_SHEET and row.active:
            row.active, row.updated_at = False, now
            deactivated.append(row)
    await session.flush()  # ids of new schedules for their overrides
    return created, updated, unchanged, deactivated


async def apply_reception_dates(session: AsyncSession, overrides: Sequence[DateOverride],
                                now: datetime) -> DatesChange:
    """Make the sheet-set overrides of the sheet's schedules exactly ``overrides`` (after
    ``apply_reception``: every schedule they name exists and is the sheet's). Each table
    is read once, whole."""
    found = (await session.execute(select(T.ReceptionSchedule.id, T.ReceptionSchedule.code,
                                          T.ReceptionSchedule.source))).tuples().all()
    ids = {code: i for i, code, _source in found}
    code_of = {i: code for i, code, _source in found}
    sheet_ids = {i for i, _code, source in found if source == SOURCE_SHEET}
    rows = list(await session.scalars(select(T.ReceptionOverride)))
    admins = {(r.schedule_id, r.day) for r in rows if r.source != SOURCE_SHEET}
    have = {(r.schedule_id, r.day, r.action): r for r in rows
            if r.source == SOURCE_SHEET and r.schedule_id in sheet_ids}
    out = DatesChange()
    wanted: dict[tuple[int, date, str], DateOverride] = {}
    for o in overrides:
        key = (ids[o.schedule_code], o.day, o.action.value)
        if key[:2] in admins:  # the admin's date: neither replaced nor added to
            out.unchanged += 1
        else:
            wanted[key] = o
    gone = sorted((code_of[sid], day, action) for sid, day, action in have
                  if (sid, day, action) not in wanted and (sid, day) not in admins)
    for code, day, action in gone:
        await session.delete(have[(ids[code], day, action)])
    out.removed, out.removed_keys = len(gone), gone
    for key, o in wanted.items():
        row = have.get(key)
        if row is None:
            session.add(T.ReceptionOverride(
                schedule_id=key[0], day=o.day, action=o.action.value, new_day=o.new_day,
                start_time=o.start, end_time=o.end, source=SOURCE_SHEET, created_at=now))
            out.created += 1
        elif (row.new_day, row.start_time, row.end_time) == (o.new_day, o.start, o.end):
            out.unchanged += 1
        else:
            row.new_day, row.start_time, row.end_time = o.new_day, o.start, o.end
            row.created_at = now
            out.updated += 1
    return out


async def apply_contact_units(session: AsyncSession, pairs: Sequence[tuple[str, str]],
                              person_ids: Mapping[str, int], unit_ids: Mapping[str, int]
                              ) -> None:
    """The stored pairs become exactly ``pairs`` (the file has the column, so it governs
    every leader's contact units; an empty column clears them)."""
    wanted = {(person_ids[n], unit_ids[u]) for n, u in pairs}
    have = {(r.leader_id, r.unit_id): r for r in await session.scalars(
        select(T.LeaderContactUnit))}
    for key, row in have.items():
        if key not in wanted:
            await session.delete(row)
    for leader_id, unit_id in wanted - set(have):
        session.add(T.LeaderContactUnit(leader_id=leader_id, unit_id=unit_id))
