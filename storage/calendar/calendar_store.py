"""Store methods for the working-day calendar's overrides (a mixin of SqlStore), and the
roster sheet's replacement of the overrides it set.

A range is written as one DELETE of its days and one INSERT of the new rows, so the same
statements run on SQLite and PostgreSQL, inside the caller's transaction.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select

from core.calendar.days import SOURCE_SHEET
from core.calendar.ports import CalendarOverrideView
from storage import tables as T

_CHUNK = 500  # IN lists of bounded size (SQLite caps bound parameters per statement)


def _view(r: T.CalendarOverride) -> CalendarOverrideView:
    return CalendarOverrideView(day=r.day, working=r.working, label=r.label or "",
                                source=r.source, set_by=r.set_by)


async def overrides_between(s: Any, first: date | None = None,
                            last: date | None = None) -> list[CalendarOverrideView]:
    q = select(T.CalendarOverride).order_by(T.CalendarOverride.day)
    if first is not None:
        q = q.where(T.CalendarOverride.day >= first)
    if last is not None:
        q = q.where(T.CalendarOverride.day <= last)
    return [_view(r) for r in (await s.scalars(q)).all()]


async def write_overrides(s: Any, days: Sequence[date], *, working: bool, label: str,
                          source: str, set_by: int | None, now: datetime) -> None:
    days = sorted(set(days))
    for i in range(0, len(days), _CHUNK):
        await s.execute(delete(T.CalendarOverride).where(
            T.CalendarOverride.day.in_(days[i:i + _CHUNK])))
    if days:
        await s.execute(insert(T.CalendarOverride), [
            dict(day=d, working=working, label=label, source=source, set_by=set_by,
                 created_at=now) for d in days])


async def remove_overrides(s: Any, first: date, last: date) -> int:
    res = await s.execute(delete(T.CalendarOverride).where(
        T.CalendarOverride.day >= first, T.CalendarOverride.day <= last))
    return res.rowcount or 0


class CalendarStoreMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def calendar_overrides(self, first: date | None = None,
                                 last: date | None = None) -> list[CalendarOverrideView]:
        return await overrides_between(self.s, first, last)

    async def set_calendar_overrides(self, days: Sequence[date], *, working: bool,
                                     label: str, source: str, set_by: int | None,
                                     now: datetime) -> None:
        await write_overrides(self.s, days, working=working, label=label, source=source,
                              set_by=set_by, now=now)

    async def clear_calendar_overrides(self, first: date, last: date) -> int:
        return await remove_overrides(self.s, first, last)


async def replace_sheet_overrides(
        s: Any, wanted: Mapping[date, tuple[bool, str]], *, set_by: int | None,
        now: datetime) -> tuple[int, int, int, list[tuple[date, bool, str]]]:
    """Make the overrides of source "sheet" exactly ``wanted`` (day -> (working, label)).

    Overrides set by command are kept, also on a day the sheet names (the command wins).
    A day whose value and label did not change keeps its row (and ``created_at``).
    Returns (created, updated, unchanged) in days, and the days removed as (day,
    working, label) in date order; a day kept for a command counts as unchanged.
    """
    have = {r.day: r for r in (await s.scalars(select(T.CalendarOverride))).all()}
    created = updated = unchanged = 0
    removed: list[tuple[date, bool, str]] = []
    for day, r in sorted(have.items()):
        if r.source == SOURCE_SHEET and day not in wanted:
            await s.delete(r)
            removed.append((day, r.working, r.label or ""))
    for day, (working, label) in sorted(wanted.items()):
        r = have.get(day)
        if r is None:
            s.add(T.CalendarOverride(day=day, working=working, label=label,
                                     source=SOURCE_SHEET, set_by=set_by, created_at=now))
            created += 1
        elif r.source != SOURCE_SHEET or (r.working, r.label) == (working, label):
            unchanged += 1
        else:
            r.working, r.label, r.set_by, r.created_at = working, label, set_by, now
            updated += 1
    return created, updated, unchanged, removed
