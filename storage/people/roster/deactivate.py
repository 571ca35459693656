"""Deactivate exactly the listed roster people (graduates, leavers), in one transaction.

The same report as an import (``diff.ImportReport``: the people's counts and names), the
same ``decide`` before the commit, and the same consequences as an import that leaves
them out: their unused binding codes are cancelled and their open concerns re-dispatched.
Roles and zones stay as they are (routing passes over inactive people).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from core.concerns.redispatch import redispatch_from
from storage.people.roster.codes import UnknownPeople, cancel_unused_codes
from storage.people.roster.diff import Decide, HeldBack, ImportReport, PersonRef
from storage.store import SqlStore
from storage.tables import AuditLog, OrgUnit, Person
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
            if decide is not None and not decide(report):
                raise HeldBack
            for p in gone:
                p.active, p.updated_at = False, now
            ids = [p.id for p in gone]
            report.changes.codes_cancelled = await cancel_unused_codes(s, ids, now)
            s.add(AuditLog(kind="roster_deactivate", actor_id=actor_id, created_at=now,
                           detail={"deactivated": len(gone), "unchanged": people.unchanged,
                                   "codes_cancelled": report.changes.codes_cancelled,
                                   "source": source}))
            if ids:  # their open concerns go to whoever routing now picks
                await s.flush()
                await redispatch_from(SqlStore(s), ids, now=now, default_locale=default_locale)
    except HeldBack:
        return report
    report.applied = True
    return report
