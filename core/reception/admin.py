"""``/receptions`` for admins: list the reception schedules with their next sessions; cancel,
move or add (extra) one date, or clear a date's override; add, edit or remove (deactivate)
a schedule. docs/decisions/0018.

Only a person holding the admin role may use it; anyone else is refused and the refusal
audited. Every change is written with source ``command`` (a later roster import keeps it
unless its sheets name the same schedule, or the same schedule, date and action),
audited, and materialised at once for the dates it touches, in the same transaction; the
people booked on a session that moved or was cancelled are told once per booking and
version (``core.reception.booking.tell_session_changed``). Cancelling a session with
bookings, and removing a schedule, first return ``NeedsConfirm``; the flow asks and calls
again with ``confirmed=True``. A schedule row is checked by the roster sheet's own parser
(``core.people.roster_reception.reception_entries``), so the columns, words and limits
are the sheet's.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from core.errors import AccessDenied, InputError
from core.model import Role, UnitKind
from core.people.roster import RosterRow
from core.people.roster_reception import reception_entries
from core.reception.admin_parse import AdminRequest, parse_request, sheet_values
from core.reception.admin_ports import SOURCE_COMMAND, SOURCE_SHEET, ScheduleRecord
from core.reception.booking import BookingStore, tell_session_changed
from core.reception.ports import RecurrenceExpander, SessionView
from core.reception.schedule import DateOverride, OverrideAction, Schedule
from core.reception.sessions import MOVE_MARGIN_DAYS, Session, sessions_between
from core.reception.words import split_list
from core.replies import t
from core.workdays import WorkCalendar

#: How many of each schedule's next sessions the list and a change show.
NEXT_SESSIONS = 3
#: A new or changed schedule is materialised this far ahead at once (the sweep's 8 weeks).
AHEAD_DAYS = 56
SHEET_LABEL = "receptions"


class ReceptionAdminUseStore(BookingStore, Protocol):
    """Schedules, overrides, sessions and bookings, the actor's roles, audit and notices."""


@dataclass(frozen=True)
class AdminSetting:
    """What the process gives the use case: zone, calendar, recurrence, default locale."""

    tz: str
    calendar: WorkCalendar
    expander: RecurrenceExpander
    default_locale: str


@dataclass(frozen=True)
class ScheduleListing:
    record: ScheduleRecord
    sessions: list[SessionView]  # the next ones (none for an inactive schedule)


@dataclass(frozen=True)
class Listing:
    schedules: list[ScheduleListing]


@dataclass(frozen=True)
class NeedsConfirm:
    """Nothing changed yet: the flow asks first (``booked``: people who would be told)."""

    action: str  # "cancel" or "remove"
    code: str
    day: date | None
    booked: int


@dataclass(frozen=True)
class OverrideDone:
    action: str  # "cancel", "move", "extra" or "clear"
    record: ScheduleRecord
    day: date
    new_day: date | None
    start: time  # the session's local times after the change
    end: time
    told: int
    off_day: bool  # a move or an extra onto a day that is not a working day


@dataclass(frozen=True)
class ScheduleDone:
    action: str  # "add", "edit" or "remove"
    record: ScheduleRecord
    sessions: list[SessionView]
    told: int
    was_sheet: bool = False  # an edit of a schedule the roster sheet had set
    reactivated: bool = False  # an edit of a removed schedule brings it back


Result = Listing | NeedsConfirm | OverrideDone | ScheduleDone


async def receptions_command(store: ReceptionAdminUseStore, *, person_id: int | None,
                             arg: str, now: datetime, setting: AdminSetting,
                             confirmed: bool = False) -> Result:
    """Run one ``/receptions`` command for ``person_id`` (see the module docstring)."""
    roles = {r for r, _ in await store.roles_of(person_id)} if person_id is not None else set()
    if Role.ADMIN.value not in roles:
        await store.audit("refused", person_id, {"action": "receptions", "why": "not_admin"},
                          now)
        raise AccessDenied("receptions.not_admin")
    request = parse_request(arg)
    if request.action == "list":
        return Listing([ScheduleListing(r, await store.upcoming_schedule_sessions(
            r.id, now, NEXT_SESSIONS) if r.active else [])
            for r in await store.reception_schedule_records()])
    if request.action in ("add", "edit"):
        return await save_schedule(store, person_id, request, now, setting)
    record = await _record(store, request.code)
    today = now.astimezone(ZoneInfo(setting.tz)).date()
    if request.action == "remove":
        return await _remove(store, person_id, record, now, today, setting, confirmed)
    return await _override(store, person_id, record, request, now, today, setting, confirmed)


async def _record(store: ReceptionAdminUseStore, code: str) -> ScheduleRecord:
    record = await store.reception_schedule_record(code)
    if record is None:
        raise InputError("receptions.unknown_code", code=code)
    return record


async def _materialise(store: ReceptionAdminUseStore, record: ScheduleRecord, first: date,
                       last: date, now: datetime, setting: AdminSetting) -> int:
    """Materialise the schedule's sessions on ``first``..``last``; tell the booked people
    of each that moved or was cancelled; return how many were told."""
    changed = await store.materialise_reception(
        first, last, schedule_id=record.id, expander=setting.expander,
        calendar=setting.calendar, tz=setting.tz, now=now)
    told = 0
    for session_id in changed:
        told += await tell_session_changed(store, session_id, now=now, tz_render=setting.tz,
                                           default_locale=setting.default_locale)
    return told


def _held(record: ScheduleRecord, overrides: list[DateOverride], day: date,
          setting: AdminSetting) -> list[Session]:
    """The schedule's sessions held on ``day`` or planned for it (its rule's date)."""
    margin = timedelta(days=MOVE_MARGIN_DAYS)
    return [s for s in sessions_between(record.schedule, overrides, day - margin, day + margin,
                                        expander=setting.expander, calendar=setting.calendar,
                                        tz=setting.tz)
            if s.day == day or s.origin == day]


async def _override(store: ReceptionAdminUseStore, person_id: int | None,
                    record: ScheduleRecord, request: AdminRequest, now: datetime,
                    today: date, setting: AdminSetting, confirmed: bool) -> Result:
    assert request.day is not None
    day, new_day = request.day, request.new_day
    if not record.active:
        raise InputError("receptions.inactive", code=record.schedule.code)
    for d in (day, new_day):
        if d is not None and d < today:
            raise InputError("receptions.past_date", day=d.isoformat(), today=today.isoformat())
    touched = {day} | ({new_day} if new_day else set())
    if request.action == "clear":
        removed = await store.drop_reception_overrides(record.id, day)
        if not removed:
            raise InputError("receptions.nothing_to_clear", code=record.schedule.code,
                             day=day.isoformat())
        touched |= {o.new_day for o in removed if o.new_day}
    else:
        action = OverrideAction(request.action)
        if action is OverrideAction.MOVE and new_day == day and request.start is None:
            raise InputError("receptions.move_nowhere", day=day.isoformat())
        if action is not OverrideAction.EXTRA:
            others = [o for o in await store.reception_overrides_of(record.id)
                      if (o.day, o.action) != (day, action)]
            found = _held(record, others, day, setting)
            if not found:
                raise InputError("receptions.no_session", code=record.schedule.code,
                                 day=day.isoformat())
            touched |= {s.origin for s in found} | {s.day for s in found}
        if action is OverrideAction.CANCEL and not confirmed:
            booked = await store.schedule_booked_people(record.id, now, day)
            if booked:
                return NeedsConfirm("cancel", record.schedule.code, day, booked)
        await store.put_reception_override(
            record.id, DateOverride(record.schedule.code, day, action, new_day, request.start,
                                    request.end), source=SOURCE_COMMAND, now=now)
    await store.audit("reception_override", person_id, {
        "action": request.action, "schedule": record.schedule.code, "day": day.isoformat(),
        "new_day": new_day.isoformat() if new_day else None,
        "start": f"{request.start:%H:%M}" if request.start else None,
        "end": f"{request.end:%H:%M}" if request.end else None}, now)
    told = await _materialise(store, record, max(min(touched), today), max(touched), now,
                              setting)
    held_on = new_day if request.action == "move" and new_day else day
    off_day = request.action in ("move", "extra") and not setting.calendar.is_workday(held_on)
    return OverrideDone(request.action, record, day, new_day,
                        request.start or record.schedule.start,
                        request.end or record.schedule.end, told, off_day)


async def _checked(store: ReceptionAdminUseStore, values: dict[str, str]) -> Schedule:
    """The row checked by the roster sheet's parser, against the stored roster."""
    leader = values.get("leader", "").strip()
    numbers = ([leader] if leader else []) + split_list(values.get("accompany", ""))
    unit = values.get("contact_unit", "").strip()
    refs = await store.reception_roster_refs(numbers, [unit] if unit else [])
    schedules, _, problems = reception_entries(
        [RosterRow(SHEET_LABEL, 1, values)], [], set(refs.numbers), set(refs.leaders),
        {code: UnitKind(kind) for code, kind in refs.unit_kinds.items()})
    if problems:
        raise InputError("receptions.bad_row", problems=[
            t("receptions.problem", column=p.column or "—", reason=t(p.key, **p.params))
            for p in problems])
    return schedules[0]


async def save_schedule(store: ReceptionAdminUseStore, person_id: int | None,
                        request: AdminRequest, now: datetime,
                        setting: AdminSetting) -> ScheduleDone:
    values = request.values
    before: ScheduleRecord | None = None
    if request.action == "add":
        code = values.get("code", "").strip()
        if code and await store.reception_schedule_record(code) is not None:
            raise InputError("receptions.code_exists", code=code)
    else:
        before = await _record(store, request.code)
        code = before.schedule.code
        if values.get("code", code).strip() != code:
            raise InputError("receptions.code_fixed", code=code)
        values = {**sheet_values(before.schedule), **values}
    schedule = await _checked(store, values)
    if before is not None and before.active and schedule == before.schedule:
        raise InputError("receptions.unchanged", code=code)
    await store.save_reception_schedule(schedule, source=SOURCE_COMMAND, now=now)
    await store.audit("reception_schedule", person_id, {
        "action": request.action, "schedule": schedule.code,
        "columns": sorted(request.values)}, now)
    record = await _record(store, schedule.code)
    today = now.astimezone(ZoneInfo(setting.tz)).date()
    last = max(today + timedelta(days=AHEAD_DAYS),
               await store.last_schedule_session_day(record.id) or today)
    told = await _materialise(store, record, today, last, now, setting)
    return ScheduleDone(request.action, record,
                        await store.upcoming_schedule_sessions(record.id, now, NEXT_SESSIONS),
                        told, was_sheet=before is not None and before.source == SOURCE_SHEET,
                        reactivated=before is not None and not before.active)


async def _remove(store: ReceptionAdminUseStore, person_id: int | None,
                  record: ScheduleRecord, now: datetime, today: date, setting: AdminSetting,
                  confirmed: bool) -> Result:
    if not record.active:
        raise InputError("receptions.inactive", code=record.schedule.code)
    if not confirmed:
        return NeedsConfirm("remove", record.schedule.code, None,
                            await store.schedule_booked_people(record.id, now))
    await store.deactivate_reception_schedule(record.id, now)
    await store.audit("reception_schedule", person_id, {
        "action": "remove", "schedule": record.schedule.code, "columns": []}, now)
    last = await store.last_schedule_session_day(record.id) or today
    told = await _materialise(store, record, today, max(last, today), now, setting)
    return ScheduleDone("remove", await _record(store, record.schedule.code), [], told)
