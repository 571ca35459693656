"""Reload the calendar overrides into this process's calendar (every few minutes).

A change by ``/calendar`` takes effect at once in the process that handled it; a roster
import, ``python -m bot calendar set`` or another process's command reaches this one here.
"""
from __future__ import annotations

from core.calendar.ports import ReloadableCalendar
from core.workdays import WorkCalendar
from storage.calendar.overrides import load_overrides
from storage.uow import Sessions

#: How often the running bot reloads the overrides.
REFRESH_MINUTES = 5


async def refresh_calendar(sf: Sessions, calendar: WorkCalendar) -> int:
    """Replace the calendar's overrides by the table's; return how many there are now.
    A calendar that holds no overrides (a test's ``FixedCalendar``) is left alone."""
    if not isinstance(calendar, ReloadableCalendar):
        return 0
    overrides = await load_overrides(sf)
    calendar.replace_overrides(overrides)
    return len(overrides)
