"""Store methods for routing, availability, merge/reject and the /branch view (SqlStore mixin)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import aliased

from core.concerns.lifecycle import OPEN_STATUSES
from core.model import ConcernType, UnitKind
from core.ports import ConcernRow
from storage import tables as T
from storage.concerns.handling_store import concern_row

_OPEN = [s.value for s in OPEN_STATUSES]


class RoutingStoreMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def unavailable_people(self, person_ids: list[int], now: datetime) -> set[int]:
        """Who is away (away_until in the future) or has no reachable channel identity."""
        if not person_ids:
            return set()
        away = {p for (p,) in await self.s.execute(select(T.Person.id).where(
            T.Person.id.in_(person_ids), T.Person.away_until.is_not(None),
            T.Person.away_until > now))}
        reachable = {p for (p,) in await self.s.execute(select(T.ChannelIdentity.person_id).where(
            T.ChannelIdentity.person_id.in_(person_ids),
            T.ChannelIdentity.unreachable_at.is_(None)).distinct())}
        return away | (set(person_ids) - reachable)

    async def unavailability(self, person_ids: list[int], now: datetime) -> dict[int, str]:
        """Why each person cannot take a concern now: "inactive" (left the roster),
        "away" (/away), "unbound" (no chat account), "unreachable" (every account blocked
        the bot), or "available"."""
        if not person_ids:
            return {}
        people = {p: (active, away) for p, active, away in await self.s.execute(
            select(T.Person.id, T.Person.active, T.Person.away_until).where(
                T.Person.id.in_(person_ids)))}
        accounts: dict[int, list[bool]] = {}
        for p, gone in await self.s.execute(select(
                T.ChannelIdentity.person_id, T.ChannelIdentity.unreachable_at.is_not(None))
                .where(T.ChannelIdentity.person_id.in_(person_ids))):
            accounts.setdefault(p, []).append(bool(gone))
        out = {}
        for p in person_ids:
            active, away = people.get(p, (False, None))
            out[p] = ("inactive" if not active else "away" if away and away > now
                      else "unbound" if p not in accounts
                      else "unreachable" if all(accounts[p]) else "available")
        return out

    async def reachable_people(self, person_ids: list[int]) -> list[int]:
        """The active ones among them with at least one chat account that works."""
        if not person_ids:
            return []
        rows = await self.s.execute(select(T.ChannelIdentity.person_id).join(
            T.Person, T.Person.id == T.ChannelIdentity.person_id).where(
            T.ChannelIdentity.person_id.in_(person_ids), T.Person.active.is_(True),
            T.ChannelIdentity.unreachable_at.is_(None)).distinct())
        found = {p for (p,) in rows}
        return [p for p in person_ids if p in found]

    async def branches_of(self, person_ids: list[int]) -> dict[int, str | None]:
        """Each person's own Party branch code (None when their unit is not a branch)."""
        if not person_ids:
            return {}
        rows = await self.s.execute(select(T.Person.id, T.OrgUnit.code, T.OrgUnit.kind).join(
            T.OrgUnit, T.OrgUnit.id == T.Person.unit_id, isouter=True).where(
            T.Person.id.in_(person_ids)))
        return {p: (code if kind == UnitKind.BRANCH.value else None) for p, code, kind in rows}

    async def college_of_unit(self, unit_code: str) -> str | None:
        unit = (await self.s.execute(select(T.OrgUnit).where(
            T.OrgUnit.code == unit_code))).scalar_one_or_none()
        while unit is not None:
            if unit.kind == UnitKind.COLLEGE.value:
                return unit.code
            unit = await self.s.get(T.OrgUnit, unit.parent_id) if unit.parent_id else None
        return None

    async def branch_units_of_college(self, college_code: str) -> list[tuple[str, str]]:
        """(code, name) of the college's Party branches, by code."""
        parent = aliased(T.OrgUnit)
        rows = await self.s.execute(select(T.OrgUnit.code, T.OrgUnit.name).join(
            parent, parent.id == T.OrgUnit.parent_id).where(
            parent.code == college_code, T.OrgUnit.kind == UnitKind.BRANCH.value,
            T.OrgUnit.active.is_(True)).order_by(T.OrgUnit.code))
        return [(c, n) for c, n in rows]

    async def branch_codes_of_college(self, college_code: str) -> list[str]:
        return [c for c, _ in await self.branch_units_of_college(college_code)]

    async def set_away(self, person_id: int, until: datetime | None) -> None:
        await self.s.execute(update(T.Person).where(T.Person.id == person_id)
                             .values(away_until=until))

    async def concern_id_by_number(self, number: str) -> int | None:
        return (await self.s.execute(select(T.Concern.id).where(
            T.Concern.number == number))).scalar_one_or_none()

    async def merged_followers(self, concern_id: int) -> list[int]:
        """Requesters of duplicates merged into this concern: they follow it from then on."""
        rows = await self.s.execute(select(T.Concern.requester_id).where(
            T.Concern.merged_into_id == concern_id).distinct())
        return sorted(p for (p,) in rows)

    async def open_concern_ids_of(self, member_ids: list[int]) -> list[int]:
        if not member_ids:
            return []
        rows = await self.s.execute(select(T.Concern.id).where(
            T.Concern.assigned_member_id.in_(member_ids), T.Concern.status.in_(_OPEN),
            T.Concern.crisis.is_(False)).order_by(T.Concern.id))
        return [i for (i,) in rows]

    async def subtree_concern_rows(self, branch_codes: list[str], *, college_level: bool,
                                   limit: int = 1000) -> list[ConcernRow]:
        """Open concerns whose handler or requester belongs to one of these branches.

        Below college level, concerns about a Party member are left out: the branch must
        never see a complaint about one of its own (conflict of interest).
        """
        if not branch_codes:
            return []
        handler, requester = aliased(T.Person), aliased(T.Person)
        hu, ru = aliased(T.OrgUnit), aliased(T.OrgUnit)
        q = (select(T.Concern).join(requester, requester.id == T.Concern.requester_id)
             .join(ru, ru.id == requester.unit_id, isouter=True)
             .join(handler, handler.id == T.Concern.assigned_member_id, isouter=True)
             .join(hu, hu.id == handler.unit_id, isouter=True)
             .where(T.Concern.status.in_(_OPEN), T.Concern.crisis.is_(False),
                    T.Concern.type != ConcernType.REPORT.value,  # the discipline office's
                    or_(hu.code.in_(branch_codes), ru.code.in_(branch_codes)))
             .order_by(T.Concern.id).limit(limit))
        if not college_level:
            q = q.where(T.Concern.about_member.is_(False))
        return [concern_row(c) for c in (await self.s.execute(q)).scalars()]
