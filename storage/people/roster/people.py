"""Questions about the roster as a whole, asked before importing one."""
from __future__ import annotations

from sqlalchemy import func, select

from core.model import Role, UnitKind
from core.people.roster import KnownRoster
from storage.tables import OrgUnit, Person, RoleAssignment
from storage.uow import Sessions, read_only


async def roster_is_empty(sf: Sessions) -> bool:
    """No person has been imported (or created) yet: a fresh database."""
    async with read_only(sf) as uow:
        count = (await uow.session.execute(select(func.count()).select_from(Person))).scalar_one()
    return count == 0


async def known_roster(sf: Sessions) -> KnownRoster:
    """The active units, the active roster people and who of them holds the party_member
    and leader roles: the base a file without some main sheets is checked against."""
    async with read_only(sf) as uow:
        s = uow.session
        units = (await s.execute(select(OrgUnit.code, OrgUnit.kind).where(
            OrgUnit.active.is_(True)))).tuples().all()
        people = (await s.execute(select(Person.number).where(
            Person.number.is_not(None), Person.active.is_(True),
            Person.verified.is_(True)))).scalars().all()
        roles = (await s.execute(select(Person.number, RoleAssignment.role).join(
            RoleAssignment, RoleAssignment.person_id == Person.id).where(
            Person.active.is_(True), Person.verified.is_(True),
            RoleAssignment.role.in_((Role.PARTY_MEMBER.value, Role.LEADER.value))))).tuples().all()
    held: dict[str, set[str]] = {}
    for number, role in roles:
        held.setdefault(role, set()).add(number or "")
    return KnownRoster(units={code: UnitKind(kind) for code, kind in units},
                       people=frozenset(n or "" for n in people),
                       party=frozenset(held.get(Role.PARTY_MEMBER.value, ())),
                       leaders=frozenset(held.get(Role.LEADER.value, ())))
