"""What the admins' ``/receptions`` use cases need of the store: schedules and their
overrides as records, writing them (source ``command``), the bookings a change touches,
the roster references a schedule row is checked against, and materialising one
schedule's sessions inside the caller's transaction (``storage/reception/admin_store.py``).

``ReceptionStore`` (``core/reception/ports.py``) has this Protocol as a base, so
``core.ports.Store`` includes it. The two types imported only for annotations come from
that module, which imports this one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from core.reception.schedule import DateOverride, Schedule
from core.workdays import WorkCalendar

if TYPE_CHECKING:  # core/reception/ports.py imports this module for ReceptionStore's base
    from core.reception.ports import RecurrenceExpander, SessionView

SOURCE_SHEET, SOURCE_COMMAND = "sheet", "command"


@dataclass(frozen=True)
class ScheduleRecord:
    """A stored schedule: the core shape (person numbers, unit code), and its row's facts."""

    id: int
    schedule: Schedule
    leader_name: str
    active: bool
    source: str  # SOURCE_SHEET or SOURCE_COMMAND


@dataclass(frozen=True)
class RosterRefs:
    """Which of some person numbers and unit codes the roster knows (active people only)."""

    numbers: frozenset[str]
    leaders: frozenset[str]  # of ``numbers``, those holding the leader role
    unit_kinds: dict[str, str]  # unit code -> its kind (core.model.UnitKind's values)


class ReceptionAdminStore(Protocol):
    async def reception_schedule_records(self) -> list[ScheduleRecord]:
        """Every schedule, active or not, by code."""
        ...

    async def reception_schedule_record(self, code: str) -> ScheduleRecord | None: ...

    async def reception_overrides_of(self, schedule_id: int) -> list[DateOverride]: ...

    async def put_reception_override(self, schedule_id: int, override: DateOverride, *,
                                     source: str, now: datetime) -> None:
        """Store it, replacing one of the same schedule, day and action (whatever source)."""
        ...

    async def drop_reception_overrides(self, schedule_id: int, day: date) -> list[DateOverride]:
        """Remove every override of the schedule on ``day``; return those removed."""
        ...

    async def save_reception_schedule(self, schedule: Schedule, *, source: str,
                                      now: datetime) -> int:
        """Create or update the schedule of ``schedule.code`` (active); return its id.
        Person numbers and the unit code must be known (``reception_roster_refs``)."""
        ...

    async def deactivate_reception_schedule(self, schedule_id: int, now: datetime) -> None: ...

    async def upcoming_schedule_sessions(self, schedule_id: int, since: datetime,
                                         limit: int) -> list[SessionView]:
        """The schedule's next sessions ending after ``since``, not cancelled, by start."""
        ...

    async def schedule_booked_people(self, schedule_id: int, since: datetime,
                                     day: date | None = None) -> int:
        """Live bookings on the schedule's sessions ending after ``since``, not cancelled;
        with ``day``, only the session(s) held on or planned for that date."""
        ...

    async def last_schedule_session_day(self, schedule_id: int) -> date | None:
        """The latest date any materialised session of the schedule is held on."""
        ...

    async def reception_roster_refs(self, numbers: list[str], units: list[str]) -> RosterRefs:
        ...

    async def materialise_reception(self, first: date, last: date, *, schedule_id: int,
                                    expander: RecurrenceExpander, calendar: WorkCalendar,
                                    tz: str, now: datetime) -> list[int]:
        """Bring the schedule's session rows on ``first``..``last`` in line with it (as
        the sweep does, ``storage/reception/materialise.py``); return the ids of the
        sessions that moved or were cancelled (their booked people are to be told)."""
        ...

    async def leader_contact_units(self, leader_id: int) -> list[tuple[str, str]]:
        """The leader's contact units (领导联系点) as (code, name), by code."""
        ...
