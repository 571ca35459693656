"""What the calendar's use cases need: the overrides' store port and the process calendar.

``CalendarStore`` is one of the bases of ``core.ports.Store`` (so ``SqlStore`` must
implement it; ``storage/calendar/calendar_store.py`` does). This module imports nothing
of ``core.ports``, which imports it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class CalendarOverrideView:
    day: date
    working: bool
    label: str
    source: str  # core.calendar.days.SOURCE_SHEET or SOURCE_COMMAND
    set_by: int | None


class CalendarStore(Protocol):
    async def calendar_overrides(self, first: date | None = None,
                                 last: date | None = None) -> list[CalendarOverrideView]:
        """The overrides from ``first`` to ``last`` (both included; None: unbounded), by day."""
        ...

    async def set_calendar_overrides(self, days: Sequence[date], *, working: bool,
                                     label: str, source: str, set_by: int | None,
                                     now: datetime) -> None:
        """Override each of ``days`` (replacing any override it had)."""
        ...

    async def clear_calendar_overrides(self, first: date, last: date) -> int:
        """Remove every override from ``first`` to ``last``; return how many days had one."""
        ...


@runtime_checkable
class AdjustableCalendar(Protocol):
    """The process's calendar (``bot.workcalendar.ChinaWorkCalendar``), which a change by
    command updates at once; other processes reload overrides periodically."""

    def set_override(self, day: date, working: bool | None) -> None: ...


@runtime_checkable
class ReloadableCalendar(Protocol):
    """A calendar whose overrides can be replaced as a whole (the periodic reload)."""

    def replace_overrides(self, overrides: Mapping[date, bool]) -> None: ...
