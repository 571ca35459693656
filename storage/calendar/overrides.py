"""The calendar overrides for the processes (CLI, start-up, the periodic reload): each
function is one transaction of its own (``unit_of_work``), all or nothing."""
from __future__ import annotations

from datetime import date, datetime

from core.calendar.days import SOURCE_COMMAND, check_range, days_of
from core.calendar.ports import CalendarOverrideView
from storage.calendar.calendar_store import overrides_between, remove_overrides, write_overrides
from storage.uow import Sessions, read_only, unit_of_work


async def load_overrides(sf: Sessions) -> dict[date, bool]:
    """Every override as day -> working (what ``ChinaWorkCalendar`` holds)."""
    async with read_only(sf) as uow:
        return {o.day: o.working for o in await overrides_between(uow.session)}


async def list_overrides(sf: Sessions, first: date | None = None,
                         last: date | None = None) -> list[CalendarOverrideView]:
    async with read_only(sf) as uow:
        return await overrides_between(uow.session, first, last)


async def set_overrides(sf: Sessions, first: date, last: date, *, working: bool, label: str,
                        now: datetime, set_by: int | None = None,
                        source: str = SOURCE_COMMAND) -> int:
    """Override every day from ``first`` to ``last`` (checked: ``check_range``) and audit
    it; return the number of days."""
    check_range(first, last)
    days = days_of(first, last)
    async with unit_of_work(sf) as uow:
        await write_overrides(uow.session, days, working=working, label=label, source=source,
                              set_by=set_by, now=now)
        await uow.store.audit("calendar_override", set_by, {
            "action": "open" if working else "closed", "from": first.isoformat(),
            "to": last.isoformat(), "label": label, "days": len(days)}, now)
    return len(days)


async def clear_overrides(sf: Sessions, first: date, last: date, *, now: datetime,
                          actor_id: int | None = None) -> int:
    """Remove every override from ``first`` to ``last`` and audit it; return how many."""
    check_range(first, last)
    async with unit_of_work(sf) as uow:
        count = await remove_overrides(uow.session, first, last)
        await uow.store.audit("calendar_override", actor_id, {
            "action": "clear", "from": first.isoformat(), "to": last.isoformat(),
            "label": "", "days": count}, now)
    return count
