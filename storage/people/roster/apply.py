"""Write a validated Roster to the database: one transaction, all or nothing.

Rows are matched by their natural keys (unit code, person number, zone code) and updated
in place, so a reimport never duplicates anyone. Nobody is deleted: people, units and
zones missing from the new file are deactivated (unless ``partial``), because concerns
and audit rows point at them; the deactivated people's unused binding codes are cancelled.
A ``calendar`` sheet, when present, replaces the calendar overrides an earlier sheet set
(those set by command stay; storage/calendar/calendar_store.py); a sheet the file does
not have leaves its data as it is.

The report is the diff: what the transaction wrote, collected while writing. ``decide``
sees it before the commit and may hold the whole change back (docs/decisions/0025).
Only plain ORM statements are used, so the same code runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.calendar.days import days_of
from core.concerns.redispatch import redispatch_from
from core.people.roster import CalendarEntry, Roster
from core.reception.schedule import DateOverride
from storage.calendar.calendar_store import replace_sheet_overrides
from storage.people.roster.codes import cancel_unused_codes
from storage.people.roster.deactivate import release_people
from storage.people.roster.diff import (
    Counts,
    DateRef,
    DayRef,
    Decide,
    HeldBack,
    ImportReport,
    PersonRef,
    RoleRef,
    RosterChanges,
    ScheduleRef,
)
from storage.people.roster.rows import apply_people, apply_units, apply_zones
from storage.reception.roster_apply import (
    apply_contact_units,
    apply_reception,
    apply_reception_dates,
)
from storage.store import SqlStore
from storage.tables import (
    AuditLog,
    LeaderContactUnit,
    Person,
    ReceptionSchedule,
    RoleAssignment,
)
from storage.uow import unit_of_work

Progress = Callable[[int, int], None]  # (done, total), e.g. a tqdm bar's update

__all__ = ["Counts", "ImportReport", "Progress", "apply_roster"]


class _Ticker:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


async def apply_roster(session_factory: async_sessionmaker[AsyncSession], roster: Roster, *,
                       now: datetime, progress: Progress | None = None,
                       actor_id: int | None = None, source: str | None = None,
                       default_locale: str = "zh_CN", partial: bool = False,
                       decide: Decide | None = None) -> ImportReport:
    """Make the database match ``roster`` in one transaction and audit the counts.

    ``partial``: add and update only; nobody and nothing missing from the file is
    deactivated or removed (roles and contact units are only added). The calendar and
    reception sheets replace what an earlier sheet set either way (their removals show in
    the report).
    ``decide(report)`` runs when every row is written, before anything else: False rolls
    the whole change back (``report.applied`` stays False). ``progress(done, total)`` is
    called once per roster row. If anything fails (including the progress callback)
    nothing is written.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    report = ImportReport(missing=roster.missing)
    changes = report.changes
    keep = roster.missing  # main sheets the file lacks: their rows stay as they are
    tick = _Ticker(progress, len(roster.units) + len(roster.people)
                   + len(roster.roles) + len(roster.zones))
    deactivated: list[int] = []
    try:
        async with unit_of_work(session_factory) as uow:
            session = uow.session
            unit_ids = await apply_units(session, roster.units, report.units, tick, changes,
                                         partial=partial or "units" in keep)
            unit_codes = {i: code for code, i in unit_ids.items()}
            person_ids, people = await apply_people(
                session, roster.people, unit_ids, unit_codes, now, report.people, tick,
                changes, deactivated, partial=partial or "people" in keep)
            wanted_roles = set()
            for r in roster.roles:
                wanted_roles.add((person_ids[r.number], r.role.value, unit_ids[r.unit_code]))
                tick()
            scope: set[int] = set() if partial or "roles" in keep else set(person_ids.values())
            await _apply_roles(session, wanted_roles, scope, report.roles, changes, people,
                               unit_codes)
            await apply_zones(session, roster.zones, person_ids, report.zones, tick, changes,
                              partial=partial or "zones" in keep)
            if roster.calendar is not None:
                report.calendar = await _apply_calendar(session, roster.calendar, changes,
                                                        actor_id, now)
            if roster.contact_units is not None:
                changes.contact_units, pairs = await _contact_units(
                    session, roster.contact_units, person_ids, unit_ids, people, unit_codes,
                    changes, partial=partial)
                await apply_contact_units(session, pairs, person_ids, unit_ids)
            if roster.reception is not None:
                created, updated, unchanged, gone = await apply_reception(
                    session, roster.reception, person_ids, unit_ids, now)
                report.reception = Counts(created, updated, unchanged, len(gone))
                changes.deactivated_schedules = [_schedule(r, people) for r in gone]
                if roster.reception_dates is not None:
                    report.reception_dates = await _apply_dates(
                        session, roster.reception_dates, changes, now)
            # What hangs on the people deactivated goes with them (what a sheet the file
            # lacks still holds: contact units, schedules they lead or accompany).
            await release_people(session, {i: people[i] for i in deactivated}, unit_codes,
                                 report, now)
            changes.sort()
            if decide is not None and not decide(report):
                raise HeldBack
            changes.codes_cancelled = await cancel_unused_codes(session, deactivated, now)
            session.add(AuditLog(kind="roster_import", actor_id=actor_id, created_at=now,
                                 detail={**report.as_dict(), "source": source,
                                         **({"partial": True} if partial else {}),
                                         **({"codes_cancelled": changes.codes_cancelled}
                                            if changes.codes_cancelled else {})}))
            if deactivated:  # their open concerns go to whoever routing now picks
                await session.flush()
                await redispatch_from(SqlStore(session), deactivated, now=now,
                                      default_locale=default_locale)
    except HeldBack:
        return report
    report.applied = True
    return report


async def _apply_calendar(session: AsyncSession, entries: Sequence[CalendarEntry],
                          changes: RosterChanges, actor_id: int | None,
                          now: datetime) -> Counts:
    """The sheet's days replace the overrides an earlier sheet set; commands' are kept."""
    wanted = {day: (e.working, e.label) for e in entries for day in days_of(e.first, e.last)}
    created, updated, unchanged, removed = await replace_sheet_overrides(
        session, wanted, set_by=actor_id, now=now)
    changes.removed_days = [DayRef(day.isoformat(), working, label)
                            for day, working, label in removed]
    return Counts(created=created, updated=updated, unchanged=unchanged, removed=len(removed))


def _schedule(row: ReceptionSchedule, people: dict[int, Person]) -> ScheduleRef:
    leader = people.get(row.leader_id)
    return ScheduleRef(row.code, leader.number or "" if leader else "",
                       leader.name if leader else "", row.place)


def _who(people: dict[int, Person], person_id: int, unit: str) -> PersonRef:
    """A stored person (number, name) with a unit's code."""
    p = people.get(person_id)
    return PersonRef(p.number or "" if p else "", p.name if p else "", unit)


async def _apply_dates(session: AsyncSession, overrides: Sequence[DateOverride],
                       changes: RosterChanges, now: datetime) -> Counts:
    """The reception_dates sheet's overrides replace those an earlier sheet set."""
    done = await apply_reception_dates(session, overrides, now)
    changes.removed_dates = [DateRef(code, day.isoformat(), action)
                             for code, day, action in done.removed_keys]
    return Counts(created=done.created, updated=done.updated, unchanged=done.unchanged,
                  removed=done.removed)


async def _apply_roles(session: AsyncSession, wanted: set[tuple[int, str, int]],
                       scope: set[int], counts: Counts, changes: RosterChanges,
                       people: dict[int, Person], unit_codes: dict[int, str]) -> None:
    """Replace the role set of everyone in ``scope``; people outside it keep theirs."""
    have = {(a.person_id, a.role, a.unit_id): a
            for a in await session.scalars(select(RoleAssignment))}
    for key, assignment in have.items():
        if key not in wanted and key[0] in scope:
            await session.delete(assignment)
            counts.removed += 1
            ref = _who(people, key[0], unit_codes.get(key[2], ""))
            changes.removed_roles.append(RoleRef(ref.number, ref.name, key[1], ref.unit))
    for key in wanted:
        if key in have:
            counts.unchanged += 1
        else:
            session.add(RoleAssignment(person_id=key[0], role=key[1], unit_id=key[2]))
            counts.created += 1


async def _contact_units(session: AsyncSession, pairs: Sequence[tuple[str, str]],
                         person_ids: dict[str, int], unit_ids: dict[str, int],
                         people: dict[int, Person], unit_codes: dict[int, str],
                         changes: RosterChanges, *,
                         partial: bool) -> tuple[Counts, list[tuple[str, str]]]:
    """What the file's contact-unit column changes, and the pairs to store (apply_contact_units
    writes them): the file's, plus with ``partial`` every stored pair (nothing removed)."""
    wanted = {(person_ids[n], unit_ids[u]) for n, u in pairs}
    have = set((await session.execute(
        select(LeaderContactUnit.leader_id, LeaderContactUnit.unit_id))).tuples())
    kept = have - wanted if partial else set()
    removed = have - wanted - kept
    counts = Counts(created=len(wanted - have), unchanged=len(wanted & have) + len(kept),
                    removed=len(removed))
    changes.removed_contacts += [_who(people, p, unit_codes.get(u, "")) for p, u in removed]
    return counts, [*pairs, *((people[p].number or "", unit_codes[u]) for p, u in sorted(kept))]
