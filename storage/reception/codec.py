"""Rows of the reception tables as core shapes, and ``Recurrence`` as the JSON it is
stored in (``reception_schedules.recurrence``)."""
from __future__ import annotations

from datetime import date, time
from typing import Any

from core.reception.schedule import (
    Cutoff,
    DateOverride,
    Frequency,
    HolidayPolicy,
    OverrideAction,
    Recurrence,
    Schedule,
)
from storage import tables as T


def recurrence_data(r: Recurrence) -> dict[str, Any]:
    return {"frequency": r.frequency.value, "weekdays": list(r.weekdays), "nths": list(r.nths),
            "month_day": r.month_day, "interval": r.interval,
            "starts_on": r.starts_on.isoformat() if r.starts_on else None,
            "ends_on": r.ends_on.isoformat() if r.ends_on else None}


def recurrence_of(data: dict[str, Any]) -> Recurrence:
    def day(key: str) -> date | None:
        return date.fromisoformat(data[key]) if data.get(key) else None

    return Recurrence(Frequency(data["frequency"]), tuple(data.get("weekdays") or ()),
                      tuple(data.get("nths") or ()), data.get("month_day"),
                      int(data.get("interval") or 1), day("starts_on"), day("ends_on"))


def schedule_of(row: T.ReceptionSchedule, numbers: dict[int, str],
                units: dict[int, str]) -> Schedule:
    """``numbers``: person id -> number; ``units``: unit id -> code."""
    return Schedule(
        code=row.code, leader=numbers.get(row.leader_id, ""), place=row.place,
        start=row.start_time, end=row.end_time, recurrence=recurrence_of(row.recurrence),
        capacity=row.capacity, cutoff=Cutoff(row.cutoff_days, row.cutoff_time),
        holiday_policy=HolidayPolicy(row.holiday_policy),
        accompany=tuple(numbers.get(i, "") for i in row.accompany),
        contact_unit=units.get(row.contact_unit_id) if row.contact_unit_id else None)


def override_of(row: T.ReceptionOverride, code: str) -> DateOverride:
    return DateOverride(code, row.day, OverrideAction(row.action), row.new_day,
                        row.start_time, row.end_time)


def time_text(at: time) -> str:
    return at.strftime("%H:%M")
