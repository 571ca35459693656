"""``core.surveys.ports.SurveyStore`` over the store's session (a mixin of SqlStore):
surveys, audiences resolved against the roster."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, insert, not_, or_, select, update
from sqlalchemy.orm import aliased

from core.surveys.model import Audience
from core.surveys.ports import BLOCKED, DEACTIVATED, NEVER_BOUND, Reach, RosterCodes, SurveyRow
from core.types import JSONObject
from storage import tables as T

_P, _U = T.Person, T.OrgUnit


def _units(codes: tuple[str, ...]) -> Any:
    return select(_U.id).where(_U.code.in_(codes))


def _matches(a: Audience) -> ColumnElement[bool]:
    """People matching every field of ``a`` (any of a field's values), or listed."""
    parts: list[ColumnElement[bool]] = []
    if a.kinds:
        parts.append(_P.kind.in_(a.kinds))
    if a.grades:
        parts.append(_P.grade.in_(a.grades))
    if a.classes:
        parts.append(_P.class_name.in_(a.classes))
    if a.buildings:
        parts.append(_P.dorm_building.in_(a.buildings))
    if a.branches:
        parts.append(_P.unit_id.in_(_units(a.branches)))
    if a.colleges:  # the college itself and the units under it
        parts.append(or_(_P.unit_id.in_(_units(a.colleges)), _P.unit_id.in_(
            select(_U.id).where(_U.parent_id.in_(_units(a.colleges))))))
    if a.roles:
        parts.append(_P.id.in_(select(T.RoleAssignment.person_id).where(
            T.RoleAssignment.role.in_(a.roles))))
    chosen = and_(*parts) if parts else false()
    if a.numbers:
        chosen = or_(chosen, _P.number.in_(a.numbers))
    return chosen


class SurveyStoreMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def survey_roster_codes(self, units: list[str], buildings: list[str],
                                  numbers: list[str]) -> RosterCodes:
        found = dict((await self.s.execute(
            select(_U.code, _U.kind).where(_U.code.in_(units)))).all()) if units else {}
        known_buildings = frozenset(await self.s.scalars(select(_P.dorm_building).where(
            _P.dorm_building.in_(buildings)).distinct())) if buildings else frozenset()
        known: set[str] = set()
        for i in range(0, len(numbers), 1000):
            known |= set(await self.s.scalars(select(_P.number).where(
                _P.number.in_(numbers[i:i + 1000]))))
        return RosterCodes(found, known_buildings, frozenset(known))

    async def survey_row(self, survey_id: int) -> SurveyRow:
        row = await self._survey_row(await self.s.get(T.Survey, survey_id))
        assert row is not None
        return row

    async def survey_by_code(self, code: str) -> SurveyRow | None:
        return await self._survey_row(
            await self.s.scalar(select(T.Survey).where(T.Survey.code == code)))

    async def _survey_row(self, row: T.Survey | None) -> SurveyRow | None:
        if row is None:
            return None
        counts = dict((await self.s.execute(
            select(T.SurveyDelivery.status, func.count()).where(
                T.SurveyDelivery.survey_id == row.id).group_by(T.SurveyDelivery.status))).all())
        return SurveyRow(row.id, row.code, row.title, row.anonymous, row.status, row.opens_at,
                         row.closes_at, row.definition, counts)

    async def add_survey(self, *, code: str, title: str, kind: str, anonymous: bool,
                         definition: JSONObject, source: str, opens_at: datetime,
                         closes_at: datetime, created_by: int | None, now: datetime) -> int:
        row = T.Survey(code=code, title=title, kind=kind, anonymous=anonymous,
                       definition=definition, source=source, opens_at=opens_at,
                       closes_at=closes_at, status="created", created_by=created_by,
                       created_at=now, updated_at=now)
        self.s.add(row)
        await self.s.flush()
        return row.id

    async def survey_reach(self, audience: Audience) -> Reach:
        chosen = _matches(audience)
        if audience.excluded is not None:
            # NULL-safe: a person without the excluded field (no class, say) is not excluded
            chosen = and_(chosen, not_(func.coalesce(_matches(audience.excluded), false())))
        ident = aliased(T.ChannelIdentity)
        rows = (await self.s.execute(
            select(_P.id, _P.number, _P.active, func.count(ident.id),
                   func.count(ident.id).filter(ident.unreachable_at.is_(None)))
            .outerjoin(ident, ident.person_id == _P.id)
            .where(chosen).group_by(_P.id, _P.number, _P.active).order_by(_P.id))).all()
        reachable: list[int] = []
        unreachable: dict[int, str] = {}
        for pid, _, active, chats, live in rows:
            if not active:
                unreachable[pid] = DEACTIVATED
            elif not chats:
                unreachable[pid] = NEVER_BOUND
            elif not live:
                unreachable[pid] = BLOCKED
            else:
                reachable.append(pid)
        found = {number for _, number, *_ in rows}
        unknown = tuple(n for n in audience.numbers if n not in found)
        return Reach(tuple(reachable), unreachable, unknown)

    async def add_survey_deliveries(self, survey_id: int, reachable: list[int],
                                    unreachable: dict[int, str], now: datetime) -> None:
        rows = [{"survey_id": survey_id, "person_id": p, "status": "pending", "reason": None,
                 "reminders": 0, "created_at": now, "updated_at": now} for p in reachable]
        rows += [{"survey_id": survey_id, "person_id": p, "status": "unreachable",
                  "reason": why, "reminders": 0, "created_at": now, "updated_at": now}
                 for p, why in unreachable.items()]
        for i in range(0, len(rows), 1000):
            await self.s.execute(insert(T.SurveyDelivery), rows[i:i + 1000])

    async def set_survey_status(self, survey_id: int, status: str, now: datetime, *,
                                pushed: bool = False) -> None:
        values: dict[str, Any] = {"status": status, "updated_at": now}
        if pushed:
            values["pushed_at"] = now
        await self.s.execute(update(T.Survey).where(T.Survey.id == survey_id).values(**values))
