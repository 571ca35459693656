"""The admins' reception schedules and overrides (``/receptions``):
``core.reception.admin_ports.ReceptionAdminStore`` over the store's session (composed into
``storage/store.py`` ``SqlStore``). Materialising reuses the sweep's own code
(``storage/reception/materialise.py`` ``materialise_rows``), limited to one schedule."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.reception.admin_ports import RosterRefs, ScheduleRecord
from core.reception.ports import RecurrenceExpander, SessionView
from core.reception.schedule import DateOverride, Schedule
from core.workdays import WorkCalendar
from storage import tables as T
from storage.reception.codec import override_of, recurrence_data, schedule_of

_S, _Sc, _B = T.ReceptionSession, T.ReceptionSchedule, T.ReceptionBooking
CANCELLED = "cancelled"


class ReceptionAdminMixin:
    s: AsyncSession

    async def _records(self, *where: Any) -> list[ScheduleRecord]:
        rows = list(await self.s.scalars(select(_Sc).where(*where).order_by(_Sc.code)))
        ids = {i for r in rows for i in (r.leader_id, *r.accompany)}
        people = {p.id: p for p in await self.s.scalars(
            select(T.Person).where(T.Person.id.in_(ids)))} if ids else {}
        units = {u.id: u.code for u in await self.s.scalars(select(T.OrgUnit))}
        numbers = {i: p.number or "" for i, p in people.items()}
        return [ScheduleRecord(r.id, schedule_of(r, numbers, units),
                               people[r.leader_id].name if r.leader_id in people else "",
                               r.active, r.source) for r in rows]

    async def reception_schedule_records(self) -> list[ScheduleRecord]:
        return await self._records()

    async def reception_schedule_record(self, code: str) -> ScheduleRecord | None:
        found = await self._records(_Sc.code == code)
        return found[0] if found else None

    async def reception_overrides_of(self, schedule_id: int) -> list[DateOverride]:
        code = await self.s.scalar(select(_Sc.code).where(_Sc.id == schedule_id)) or ""
        return [override_of(o, code) for o in await self.s.scalars(
            select(T.ReceptionOverride).where(T.ReceptionOverride.schedule_id == schedule_id)
            .order_by(T.ReceptionOverride.day, T.ReceptionOverride.id))]

    async def put_reception_override(self, schedule_id: int, override: DateOverride, *,
                                     source: str, now: datetime) -> None:
        await self.s.execute(delete(T.ReceptionOverride).where(
            T.ReceptionOverride.schedule_id == schedule_id,
            T.ReceptionOverride.day == override.day,
            T.ReceptionOverride.action == override.action.value))
        self.s.add(T.ReceptionOverride(
            schedule_id=schedule_id, day=override.day, action=override.action.value,
            new_day=override.new_day, start_time=override.start, end_time=override.end,
            source=source, created_at=now))
        await self.s.flush()

    async def drop_reception_overrides(self, schedule_id: int, day: date) -> list[DateOverride]:
        found = await self.reception_overrides_of(schedule_id)
        await self.s.execute(delete(T.ReceptionOverride).where(
            T.ReceptionOverride.schedule_id == schedule_id, T.ReceptionOverride.day == day))
        return [o for o in found if o.day == day]

    async def save_reception_schedule(self, schedule: Schedule, *, source: str,
                                      now: datetime) -> int:
        e = schedule
        numbers = [e.leader, *e.accompany]
        ids: dict[str | None, int] = {n: i for n, i in await self.s.execute(
            select(T.Person.number, T.Person.id).where(T.Person.number.in_(numbers)))}
        unit_id = await self.s.scalar(select(T.OrgUnit.id).where(
            T.OrgUnit.code == e.contact_unit)) if e.contact_unit else None
        desired: dict[str, Any] = {
            "leader_id": ids[e.leader], "place": e.place, "start_time": e.start,
            "end_time": e.end, "recurrence": recurrence_data(e.recurrence),
            "capacity": e.capacity, "cutoff_days": e.cutoff.workdays_before,
            "cutoff_time": e.cutoff.at, "holiday_policy": e.holiday_policy.value,
            "accompany": [ids[n] for n in e.accompany], "contact_unit_id": unit_id,
            "active": True, "source": source, "updated_at": now}
        row = await self.s.scalar(select(_Sc).where(_Sc.code == e.code))
        if row is None:
            row = _Sc(code=e.code, created_at=now, **desired)
            self.s.add(row)
        else:
            for key, value in desired.items():
                setattr(row, key, value)
        await self.s.flush()
        return row.id

    async def deactivate_reception_schedule(self, schedule_id: int, now: datetime) -> None:
        row = await self.s.get(_Sc, schedule_id)
        if row is not None:
            row.active, row.updated_at = False, now
            await self.s.flush()

    async def upcoming_schedule_sessions(self, schedule_id: int, since: datetime,
                                         limit: int) -> list[SessionView]:
        live = (select(func.count(T.ReceptionTopic.id))
                .where(T.ReceptionTopic.session_id == _S.id,
                       T.ReceptionTopic.cancelled_at.is_(None))
                .correlate(_S).scalar_subquery())
        rows = await self.s.execute(
            select(_S, _Sc.place, _Sc.capacity, T.Person.name, live)
            .join(_Sc, _Sc.id == _S.schedule_id).join(T.Person, T.Person.id == _Sc.leader_id)
            .where(_S.schedule_id == schedule_id, _S.ends_at > since, _S.status != CANCELLED)
            .order_by(_S.starts_at, _S.id).limit(limit))
        return [SessionView(id=r.id, day=r.local_date, starts_at=r.starts_at, ends_at=r.ends_at,
                            cutoff_at=r.cutoff_at, status=r.status, moved_from=r.moved_from,
                            place=place, leader_name=name, capacity=capacity, topics=int(n or 0))
                for r, place, capacity, name, n in rows]

    async def schedule_booked_people(self, schedule_id: int, since: datetime,
                                     day: date | None = None) -> int:
        on_day = (or_(_S.local_date == day, _S.origin_day == day),) if day else ()
        return int(await self.s.scalar(
            select(func.count(_B.id)).join(_S, _S.id == _B.session_id)
            .where(_S.schedule_id == schedule_id, _S.ends_at > since,
                   _S.status != CANCELLED, _B.cancelled_at.is_(None), *on_day)) or 0)

    async def last_schedule_session_day(self, schedule_id: int) -> date | None:
        return await self.s.scalar(select(func.max(_S.local_date)).where(
            _S.schedule_id == schedule_id))

    async def reception_roster_refs(self, numbers: list[str], units: list[str]) -> RosterRefs:
        found: dict[str | None, int] = {n: i for n, i in await self.s.execute(
            select(T.Person.number, T.Person.id).where(
                T.Person.number.in_(numbers), T.Person.active.is_(True)))} if numbers else {}
        leaders = set((await self.s.scalars(select(T.RoleAssignment.person_id).where(
            T.RoleAssignment.person_id.in_(found.values()),
            T.RoleAssignment.role == "leader"))).all()) if found else set()
        kinds: dict[str, str] = {c: k for c, k in await self.s.execute(
            select(T.OrgUnit.code, T.OrgUnit.kind).where(
                T.OrgUnit.code.in_(units), T.OrgUnit.active.is_(True)))} if units else {}
        return RosterRefs(frozenset(n for n in found if n), frozenset(
            n for n, i in found.items() if n and i in leaders), kinds)

    async def materialise_reception(self, first: date, last: date, *, schedule_id: int,
                                    expander: RecurrenceExpander, calendar: WorkCalendar,
                                    tz: str, now: datetime) -> list[int]:
        # Imported here: materialise.py imports storage.uow, which imports this mixin.
        from storage.reception.materialise import materialise_rows

        return await materialise_rows(self.s, first=first, last=last, expander=expander,
                                      calendar=calendar, tz=tz, now=now,
                                      schedule_id=schedule_id)

    async def leader_contact_units(self, leader_id: int) -> list[tuple[str, str]]:
        rows = await self.s.execute(
            select(T.OrgUnit.code, T.OrgUnit.name)
            .join(T.LeaderContactUnit, T.LeaderContactUnit.unit_id == T.OrgUnit.id)
            .where(T.LeaderContactUnit.leader_id == leader_id).order_by(T.OrgUnit.code))
        return [(code, name) for code, name in rows]
