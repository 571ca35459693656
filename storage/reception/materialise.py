"""Materialise the coming sessions of every active schedule into ``reception_sessions``, and
read a leader's sessions back (the iCalendar feed).

Idempotent: a session is found again by ``(schedule_id, origin_day, kind)`` and updated in
place; a row that no longer follows from its schedule (a cancel override, a changed rule, a
calendar override that makes a holiday, a schedule removed from the roster) is marked
``cancelled``, never deleted, so that later bookings can be told. Rows that start before
the window are history and left alone. One transaction, plain ORM statements (SQLite and
PostgreSQL).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.reception.booking import tell_session_changed
from core.reception.ports import RecurrenceExpander
from core.reception.sessions import MOVE_MARGIN_DAYS, Session, sessions_between
from core.workdays import WorkCalendar
from storage import tables as T
from storage.reception.codec import override_of, schedule_of
from storage.uow import Sessions, read_only, unit_of_work

SCHEDULED, MOVED, CANCELLED = "scheduled", "moved", "cancelled"


@dataclass
class MaterialiseCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    told: int = 0  # booked people told of a move or a cancellation


@dataclass(frozen=True)
class SessionRow:
    """A materialised session with what a calendar entry needs."""

    id: int
    schedule_code: str
    place: str
    origin: date
    kind: str
    day: date
    starts_at: datetime
    ends_at: datetime
    status: str
    moved_from: date | None
    visit_unit: str | None = None  # an outreach visit (下访): the unit's name


async def materialise_sessions(sf: Sessions, *, first: date, last: date,
                               expander: RecurrenceExpander, calendar: WorkCalendar,
                               tz: str, now: datetime,
                               default_locale: str = "zh_CN") -> MaterialiseCounts:
    """Make ``reception_sessions`` match the schedules for sessions held (or planned) on
    ``first``..``last``. A session that moved (a new start) or was cancelled tells its booked
    people in the same transaction (``core.reception.booking.tell_session_changed``: each
    booking once per version of the session)."""
    counts = MaterialiseCounts()
    async with unit_of_work(sf) as uow:
        changed = await materialise_rows(uow.session, first=first, last=last,
                                         expander=expander, calendar=calendar, tz=tz,
                                         now=now, counts=counts)
        for session_id in changed:
            counts.told += await tell_session_changed(
                uow.store, session_id, now=now, tz_render=tz, default_locale=default_locale)
    return counts


async def materialise_rows(s: AsyncSession, *, first: date, last: date,
                           expander: RecurrenceExpander, calendar: WorkCalendar, tz: str,
                           now: datetime, counts: MaterialiseCounts | None = None,
                           schedule_id: int | None = None) -> list[int]:
    """``materialise_sessions``'s rows in the caller's transaction: every schedule's, or
    only the schedule with ``schedule_id`` (an admin's ``/receptions`` change); return the
    ids of the sessions that moved or were cancelled (flushed), whose booked people the
    caller tells."""
    counts = counts or MaterialiseCounts()
    one = (T.ReceptionSchedule.id == schedule_id,) if schedule_id is not None else ()
    schedules = list(await s.scalars(select(T.ReceptionSchedule).where(*one)))
    people = {i for r in schedules for i in (r.leader_id, *r.accompany)}
    numbers = {p.id: p.number or "" for p in await s.scalars(
        select(T.Person).where(T.Person.id.in_(people)))} if people else {}
    units = {u.id: u.code for u in await s.scalars(select(T.OrgUnit))}
    overrides = list(await s.scalars(select(T.ReceptionOverride).where(
        *((T.ReceptionOverride.schedule_id == schedule_id,) if schedule_id is not None else ()))))
    mine_only = (T.ReceptionSession.schedule_id == schedule_id,) if schedule_id is not None else ()
    wanted: dict[tuple[int, date, str], Session] = {}
    for row in schedules:
        if not row.active:
            continue
        mine = [override_of(o, row.code) for o in overrides if o.schedule_id == row.id]
        for found in sessions_between(
                schedule_of(row, numbers, units), mine, first,
                last + timedelta(days=MOVE_MARGIN_DAYS), expander=expander,
                calendar=calendar, tz=tz):
            if first <= found.day <= last or first <= found.origin <= last:
                wanted[(row.id, found.origin, found.kind)] = found
    have = {(r.schedule_id, r.origin_day, r.kind): r for r in await s.scalars(
        select(T.ReceptionSession).where(or_(
            T.ReceptionSession.local_date.between(first, last),
            T.ReceptionSession.origin_day.between(first, last)), *mine_only))}
    keys = [k for k in wanted if k not in have]
    if keys:  # rows planned outside the window (e.g. moved into it) are found by key
        for r in await s.scalars(select(T.ReceptionSession).where(
                T.ReceptionSession.origin_day.in_({k[1] for k in keys}), *mine_only)):
            have.setdefault((r.schedule_id, r.origin_day, r.kind), r)
    changed: list[T.ReceptionSession] = []
    for key, found in wanted.items():
        old = have.get(key)
        before = (old.starts_at, old.status) if old is not None else None
        _upsert(s, old, key, found, now, counts)
        if old is not None and before != (old.starts_at, old.status):
            changed.append(old)
    for key, r in have.items():
        if key not in wanted and r.status != CANCELLED and r.local_date >= first:
            r.status, r.updated_at = CANCELLED, now
            counts.cancelled += 1
            changed.append(r)
    await s.flush()
    return [r.id for r in changed]


def _upsert(s: AsyncSession, row: T.ReceptionSession | None, key: tuple[int, date, str],
            found: Session, now: datetime, counts: MaterialiseCounts) -> None:
    desired = {"local_date": found.day, "starts_at": found.starts_at, "ends_at": found.ends_at,
               "cutoff_at": found.cutoff_at, "moved_from": found.moved_from,
               "status": MOVED if found.moved_from else SCHEDULED}
    if row is None:
        s.add(T.ReceptionSession(schedule_id=key[0], origin_day=key[1], kind=key[2],
                                 updated_at=now, **desired))
        counts.created += 1
        return
    changed = False
    for name, value in desired.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.updated_at = now
        counts.updated += 1
    else:
        counts.unchanged += 1


async def leader_sessions(sf: Sessions, number: str, *, since: datetime) -> list[SessionRow] | None:
    """The materialised sessions of the leader with person ``number`` ending after ``since``,
    cancelled ones included, in time order; None if nobody has that number."""
    async with read_only(sf) as uow:
        s = uow.session
        person = await s.scalar(select(T.Person).where(T.Person.number == number))
        if person is None:
            return None
        return await sessions_of(s, person.id, since)


async def sessions_of(s: AsyncSession, leader_id: int, since: datetime) -> list[SessionRow]:
    """``leader_sessions`` in the caller's transaction, by person id (the feed's route)."""
    rows = await s.execute(
        select(T.ReceptionSession, T.ReceptionSchedule, T.OrgUnit.name)
        .join(T.ReceptionSchedule, T.ReceptionSchedule.id == T.ReceptionSession.schedule_id)
        .outerjoin(T.OrgUnit, T.OrgUnit.id == T.ReceptionSchedule.contact_unit_id)
        .where(T.ReceptionSchedule.leader_id == leader_id, T.ReceptionSession.ends_at > since)
        .order_by(T.ReceptionSession.starts_at, T.ReceptionSession.id))
    return [SessionRow(r.id, sc.code, sc.place, r.origin_day, r.kind, r.local_date,
                       r.starts_at, r.ends_at, r.status, r.moved_from, unit)
            for r, sc, unit in rows]


async def is_leader(sf: Sessions, number: str) -> bool:
    """True if ``number`` holds the leader role or hosts a schedule."""
    async with read_only(sf) as uow:
        s = uow.session
        person = await s.scalar(select(T.Person).where(T.Person.number == number))
        if person is None:
            return False
        role = await s.scalar(select(T.RoleAssignment.person_id).where(
            T.RoleAssignment.person_id == person.id, T.RoleAssignment.role == "leader"))
        hosts = await s.scalar(select(T.ReceptionSchedule.id).where(
            T.ReceptionSchedule.leader_id == person.id))
        return role is not None or hosts is not None
