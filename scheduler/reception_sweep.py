"""Materialise the coming weeks of reception sessions (at start, then every few hours).

Idempotent and safe in two processes at once only in the sense that the rows converge:
both compute the same sessions; the unique key ``(schedule_id, origin_day, kind)`` stops a
duplicate (the loser's transaction fails and the next run finds the rows).
"""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from core.clock import Clock
from core.reception.ports import RecurrenceExpander
from core.workdays import WorkCalendar
from storage.reception.materialise import MaterialiseCounts, materialise_sessions
from storage.uow import Sessions

#: How far ahead sessions are materialised, and how often.
WEEKS_AHEAD = 8
SWEEP_HOURS = 6


async def reception_sweep(sf: Sessions, clock: Clock, *, expander: RecurrenceExpander,
                          calendar: WorkCalendar, timezone: str,
                          weeks: int = WEEKS_AHEAD) -> MaterialiseCounts:
    today = clock.now().astimezone(ZoneInfo(timezone)).date()
    return await materialise_sessions(sf, first=today, last=today + timedelta(weeks=weeks),
                                      expander=expander, calendar=calendar, tz=timezone,
                                      now=clock.now())
