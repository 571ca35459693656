"""The roster's reception sheets and contact-unit column, written inside the import's
transaction (``storage/people/roster/apply.py``).

Schedules are matched by code and updated in place (one an admin had added or edited by
``/receptions`` included: it becomes the sheet's again); a schedule of source ``sheet``
that is missing from the file is deactivated (its future sessions are cancelled by the
next materialisation, the rows stay), one of source ``command`` is kept. The sheet's
overrides replace those an earlier sheet set, and a command's override of the same
schedule, date and action; the commands' other overrides are kept (docs/decisions/0018).
Contact units replace the stored pairs of every leader the file names.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.reception.schedule import DateOverride, Schedule
from storage import tables as T
from storage.reception.codec import recurrence_data

SOURCE_SHEET = "sheet"


async def apply_reception(session: AsyncSession, schedules: Sequence[Schedule],
                          overrides: Sequence[DateOverride], person_ids: Mapping[str, int],
                          unit_ids: Mapping[str, int], now: datetime
                          ) -> tuple[int, int, int, int]:
    """Return (created, updated, unchanged, deactivated) schedules."""
    by_code = {r.code: r for r in await session.scalars(select(T.ReceptionSchedule))}
    created = updated = unchanged = deactivated = 0
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
    for code, row in by_code.items():
        if code not in in_file and row.source == SOURCE_SHEET and row.active:
            row.active, row.updated_at = False, now
            deactivated += 1
    await session.flush()  # ids of new schedules for their overrides
    sheet_ids = [r.id for r in by_code.values() if r.source == SOURCE_SHEET]
    if sheet_ids:
        await session.execute(delete(T.ReceptionOverride).where(
            T.ReceptionOverride.schedule_id.in_(sheet_ids),
            T.ReceptionOverride.source == SOURCE_SHEET))
    for o in overrides:
        # The sheet governs what it names: an admin's command override of the same
        # schedule, date and action gives way (the table holds one of each).
        await session.execute(delete(T.ReceptionOverride).where(
            T.ReceptionOverride.schedule_id == by_code[o.schedule_code].id,
            T.ReceptionOverride.day == o.day, T.ReceptionOverride.action == o.action.value))
        session.add(T.ReceptionOverride(
            schedule_id=by_code[o.schedule_code].id, day=o.day, action=o.action.value,
            new_day=o.new_day, start_time=o.start, end_time=o.end, source=SOURCE_SHEET,
            created_at=now))
    return created, updated, unchanged, deactivated


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
