"""Deactivate exactly the listed roster people (graduates, leavers), in one transaction,
and what hangs on people who are deactivated (``release_people``, an import's too).

The same report as an import (``diff.ImportReport``: the people's counts and names), the
same ``decide`` before the commit, and the same consequences as an import that leaves
them out: their unused binding codes are cancelled and their open concerns re-dispatched.
What an import would refuse to keep for a person it no longer has goes with them, in the
diff before ``--apply`` (docs/decisions/0025): their roles and contact units are removed,
the zones they are the member of deactivated, their place as a zone's deputy cleared, the
reception schedules they lead deactivated and they leave the schedules they accompany. So
``roster export`` after a deactivation imports again as "nothing changed".
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.concerns.redispatch import redispatch_from
from storage.people.roster.codes import UnknownPeople, cancel_unused_codes
from storage.people.roster.diff import (
    Counts,
    Decide,
    HeldBack,
    ImportReport,
    Named,
    PersonRef,
    RoleRef,
    ScheduleRef,
)
from storage.store import SqlStore
from storage.tables import (
    AuditLog,
    LeaderContactUnit,
    OrgUnit,
    Person,
    ReceptionSchedule,
    ResponsibilityZone,
    RoleAssignment,
)
from storage.uow import Sessions, unit_of_work

_CHUNK = 500  # bound the IN (...) list: SQLite and asyncpg cap bind parameters


async def deactivate_people(sf: Sessions, numbers: Sequence[str], *, now: datetime,
                            decide: Decide | None = None, actor_id: int | None = None,
                            source: str | None = None,
                            default_locale: str = "zh_CN") -> ImportReport:
    """Deactivate the roster people with these numbers; those already inactive are
    counted as unchanged. A number no roster person has raises UnknownPeople and nothing
    changes. ``decide(report)`` before the commit: False holds it all back."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    report = ImportReport()
    people = report.people
    try:
        async with unit_of_work(sf) as uow:
            s = uow.session
            found: dict[str, Person] = {}
            for start in range(0, len(wanted), _CHUNK):
                for p in await s.scalars(select(Person).where(
                        Person.number.in_(wanted[start:start + _CHUNK]),
                        Person.verified.is_(True))):
                    found[p.number or ""] = p
            missing = [n for n in wanted if n not in found]
            if missing:
                raise UnknownPeople(missing)
            report.changes.active_before["people"] = (await s.execute(
                select(func.count()).select_from(Person).where(
                    Person.verified.is_(True), Person.active.is_(True)))).scalar_one()
            codes = dict((await s.execute(select(OrgUnit.id, OrgUnit.code))).tuples().all())
            gone = [found[n] for n in wanted if found[n].active]
            people.deactivated, people.unchanged = len(gone), len(wanted) - len(gone)
            report.changes.deactivated_people = [
                PersonRef(p.number or "", p.name, codes.get(p.unit_id or 0, "")) for p in gone]
            for p in gone:
                p.active, p.updated_at = False, now
            # Everyone listed, so what an earlier deactivation left behind goes too.
            await release_people(s, {found[n].id: found[n] for n in wanted}, codes, report,
                                 now)
            report.changes.sort()
            if decide is not None and not decide(report):
                raise HeldBack
            ids = [p.id for p in gone]
            report.changes.codes_cancelled = await cancel_unused_codes(s, ids, now)
            s.add(AuditLog(kind="roster_deactivate", actor_id=actor_id, created_at=now,
                           detail={"deactivated": len(gone), "unchanged": people.unchanged,
                                   **{sheet: c for sheet, c in report.as_dict().items()
                                      if sheet != "people" and any(c.values())},
                                   "codes_cancelled": report.changes.codes_cancelled,
                                   "source": source}))
            if ids:  # their open concerns go to whoever routing now picks
                await s.flush()
                await redispatch_from(SqlStore(s), ids, now=now, default_locale=default_locale)
    except HeldBack:
        return report
    report.applied = True
    return report


async def release_people(s: AsyncSession, people: Mapping[int, Person],
                         unit_codes: Mapping[int, str], report: ImportReport,
                         now: datetime) -> None:
    """Take away what hangs on these (deactivated) people, counting it in ``report``.

    Each table is read once, whole (an import may deactivate thousands). In an import
    most of it is already done by the sheets (a roles sheet removes their roles, the file
    cannot name them in a zone or a schedule); this catches the rest, e.g. contact units
    and schedules when the file has no such column or sheet.
    """
    if not people:
        return
    ch = report.changes
    for a in await s.scalars(select(RoleAssignment)):
        if a.person_id in people:
            await s.delete(a)
            report.roles.removed += 1
            who = people[a.person_id]
            ch.removed_roles.append(RoleRef(who.number or "", who.name, a.role,
                                            unit_codes.get(a.unit_id, "")))
    pairs = [c for c in await s.scalars(select(LeaderContactUnit)) if c.leader_id in people]
    if pairs:
        ch.contact_units = ch.contact_units or Counts()
        ch.contact_units.removed += len(pairs)
        for c in pairs:
            await s.delete(c)
            who = people[c.leader_id]
            ch.removed_contacts.append(PersonRef(who.number or "", who.name,
                                                 unit_codes.get(c.unit_id, "")))
    zones = list(await s.scalars(select(ResponsibilityZone)))
    ch.active_before.setdefault("zones", sum(1 for z in zones if z.active))
    for z in zones:
        if z.active and z.member_id in people:
            z.active = False
            report.zones.deactivated += 1
            ch.deactivated_zones.append(Named(z.code, z.name))
        elif z.active and z.deputy_id in people:
            z.deputy_id = None
            report.zones.updated += 1
            ch.cleared_deputies.append(Named(z.code, z.name))
    for r in await s.scalars(select(ReceptionSchedule).where(ReceptionSchedule.active.is_(True))):
        led, accompanied = r.leader_id in people, any(i in people for i in r.accompany)
        if not (led or accompanied):
            continue
        counts = report.reception = report.reception or Counts()
        r.updated_at = now
        if led:
            r.active = False
            counts.deactivated += 1
            who = people[r.leader_id]
            ch.deactivated_schedules.append(ScheduleRef(r.code, who.number or "", who.name,
                                                        r.place))
        else:
            r.accompany = [i for i in r.accompany if i not in people]
            counts.updated += 1
