"""Store methods for people: their chat accounts (identities), the person and their units,
and binding codes (a mixin of SqlStore)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from core.model import PersonKind, RequesterProfile, UnitKind
from core.ports import BindingCodeView, IdentityView, PersonCard
from storage import tables as T


async def branch_and_college(s: Any, person_id: int | None) -> tuple[str | None, str | None]:
    """The codes of the branch and the college a person's unit sits in (None: none)."""
    if person_id is None:
        return None, None
    p = await s.get(T.Person, person_id)
    unit = await s.get(T.OrgUnit, p.unit_id) if p and p.unit_id else None
    branch = college = None
    while unit is not None:
        if unit.kind == UnitKind.BRANCH.value and branch is None:
            branch = unit.code
        if unit.kind == UnitKind.COLLEGE.value:
            college = unit.code
            break
        unit = await s.get(T.OrgUnit, unit.parent_id) if unit.parent_id else None
    return branch, college


def _identity(row: T.ChannelIdentity) -> IdentityView:
    return IdentityView(id=row.id, channel=row.channel, external_id=row.external_id,
                        chat_id=row.chat_id, person_id=row.person_id, locale=row.locale,
                        unreachable=row.unreachable_at is not None,
                        privacy_noticed=row.privacy_noticed_at is not None)


class PeopleStoreMixin:
    s: Any  # the AsyncSession, set by SqlStore
    _identities: dict[tuple[str, str], T.ChannelIdentity | None]  # filled by prefetch
    _colleges: list[tuple[str, str]] | None

    # -- identities -------------------------------------------------------------------
    async def upsert_identity(self, channel: str, external_id: str, chat_id: str, *,
                              username: str | None, display_name: str | None,
                              now: datetime) -> IdentityView:
        key = (channel, external_id)
        if key in self._identities:
            row = self._identities[key]
        else:
            row = (await self.s.execute(select(T.ChannelIdentity).where(
                T.ChannelIdentity.channel == channel,
                T.ChannelIdentity.external_id == external_id))).scalar_one_or_none()
        if row is None:
            row = T.ChannelIdentity(channel=channel, external_id=external_id, chat_id=chat_id,
                                    username=username, display_name=display_name, created_at=now)
            self.s.add(row)
            await self.s.flush()
            if key in self._identities:
                self._identities[key] = row
        else:
            row.chat_id, row.username, row.display_name = chat_id, username, display_name
            # A message from the user proves they unblocked the bot.
            row.unreachable_at = None
        return _identity(row)

    async def set_identity_locale(self, identity_id: int, locale: str) -> None:
        await self.s.execute(update(T.ChannelIdentity).where(T.ChannelIdentity.id == identity_id)
                             .values(locale=locale))

    async def mark_privacy_noticed(self, identity_id: int, now: datetime) -> None:
        row = await self.s.get(T.ChannelIdentity, identity_id)  # the cached row, if read
        if row is not None:
            row.privacy_noticed_at = now

    async def link_identity(self, identity_id: int, person_id: int) -> None:
        await self.s.execute(update(T.ChannelIdentity).where(T.ChannelIdentity.id == identity_id)
                             .values(person_id=person_id))

    async def identities_of(self, person_id: int) -> list[IdentityView]:
        rows = (await self.s.execute(select(T.ChannelIdentity).where(
            T.ChannelIdentity.person_id == person_id).order_by(T.ChannelIdentity.id))).scalars()
        return [_identity(r) for r in rows]

    async def mark_unreachable(self, channel: str, chat_id: str, now: datetime) -> list[int]:
        rows = (await self.s.execute(select(T.ChannelIdentity).where(
            T.ChannelIdentity.channel == channel, T.ChannelIdentity.chat_id == chat_id))).scalars()
        people = []
        for r in rows:
            r.unreachable_at = now
            if r.person_id:
                people.append(r.person_id)
        return people

    # -- people -----------------------------------------------------------------------
    async def person_card(self, person_id: int) -> PersonCard | None:
        p = await self.s.get(T.Person, person_id)
        if p is None:
            return None
        unit = await self.s.get(T.OrgUnit, p.unit_id) if p.unit_id else None
        college = unit
        while college is not None and college.kind not in (UnitKind.COLLEGE.value,):
            college = await self.s.get(T.OrgUnit, college.parent_id) if college.parent_id else None
        return PersonCard(id=p.id, name=p.name, number=p.number, kind=p.kind,
                          unit_name=unit.name if unit else None,
                          college_name=college.name if college else None,
                          dorm_building=p.dorm_building, dorm_room=p.dorm_room,
                          class_name=p.class_name, verified=p.verified)

    async def requester_profile(self, person_id: int) -> RequesterProfile:
        p = await self.s.get(T.Person, person_id)
        branch, college = await branch_and_college(self.s, person_id)
        return RequesterProfile(person_id=person_id, dorm_building=p.dorm_building if p else None,
                                class_name=p.class_name if p else None,
                                branch_code=branch, college_code=college)

    async def colleges(self) -> list[tuple[str, str]]:
        # Read once per store (one transaction); nothing in a handling transaction
        # changes org units, and a roster import commits in its own transaction.
        if self._colleges is None:
            rows = await self.s.execute(select(T.OrgUnit.code, T.OrgUnit.name).where(
                T.OrgUnit.kind == UnitKind.COLLEGE.value, T.OrgUnit.active.is_(True))
                .order_by(T.OrgUnit.code))
            self._colleges = [(c, n) for c, n in rows]
        return list(self._colleges)

    async def dorm_buildings(self) -> list[str]:
        rows = await self.s.execute(select(T.Person.dorm_building).where(
            T.Person.dorm_building.is_not(None), T.Person.dorm_building != "",
            T.Person.verified.is_(True)).distinct().order_by(T.Person.dorm_building))
        return [b for (b,) in rows]

    async def create_unverified_person(self, *, name: str, college_code: str,
                                       dorm_building: str, now: datetime) -> int:
        unit_id = (await self.s.execute(select(T.OrgUnit.id).where(
            T.OrgUnit.code == college_code))).scalar_one_or_none()
        p = T.Person(number=None, name=name, kind=PersonKind.STUDENT.value, unit_id=unit_id,
                     dorm_building=dorm_building, verified=False, active=True,
                     created_at=now, updated_at=now)
        self.s.add(p)
        await self.s.flush()
        return p.id

    async def place_unverified_person(self, person_id: int, *, college_code: str,
                                      dorm_building: str, now: datetime) -> bool:
        p = await self.s.get(T.Person, person_id)
        if p is None or p.verified:
            return False
        p.unit_id = (await self.s.execute(select(T.OrgUnit.id).where(
            T.OrgUnit.code == college_code))).scalar_one_or_none()
        p.dorm_building, p.updated_at = dorm_building, now
        return True

    async def people_with_role(self, role: str) -> list[int]:
        rows = await self.s.execute(select(T.RoleAssignment.person_id).join(
            T.Person, T.Person.id == T.RoleAssignment.person_id).where(
            T.RoleAssignment.role == role, T.Person.active.is_(True)).distinct())
        return sorted(p for (p,) in rows)

    # -- binding ----------------------------------------------------------------------
    async def find_binding_code(self, code_hash: str) -> BindingCodeView | None:
        found = (await self.s.execute(select(T.BindingCode, T.Person.active).join(
            T.Person, T.Person.id == T.BindingCode.person_id).where(
            T.BindingCode.code_hash == code_hash))).one_or_none()
        if found is None:
            return None
        r, active = found
        return BindingCodeView(r.id, r.person_id, r.expires_at, r.used_at, r.revoked_at,
                               bool(active))

    async def mark_code_used(self, code_id: int, now: datetime) -> None:
        await self.s.execute(update(T.BindingCode).where(T.BindingCode.id == code_id)
                             .values(used_at=now))

    async def failed_binding_attempts(self, channel: str, external_id: str,
                                      since: datetime) -> int:
        return (await self.s.execute(select(func.count()).select_from(T.BindingAttempt).where(
            T.BindingAttempt.channel == channel, T.BindingAttempt.external_id == external_id,
            T.BindingAttempt.ok.is_(False), T.BindingAttempt.created_at >= since))).scalar_one()

    async def add_binding_attempt(self, channel: str, external_id: str, ok: bool,
                                  now: datetime) -> None:
        self.s.add(T.BindingAttempt(channel=channel, external_id=external_id, ok=ok,
                                    created_at=now))

    async def unlink_person_identities(self, person_id: int, channel: str) -> None:
        await self.s.execute(update(T.ChannelIdentity).where(
            T.ChannelIdentity.person_id == person_id, T.ChannelIdentity.channel == channel)
            .values(person_id=None))
