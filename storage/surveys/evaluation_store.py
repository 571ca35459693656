"""``core.surveys.evaluation_ports.EvaluationStore`` (a mixin of SqlStore): the subjects a
respondent rates in an evaluation question (民主测评), their ratings apart from the
response, and the subjects' names for the results (docs/decisions/0024).

A zone covers a respondent as routing matches a requester (``core/concerns/routing.py``):
its value equals the person's dorm building, class, branch code or college code, spaces
around and case ignored."""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select

from core.model import ZONE_SPECIFICITY, UnitKind, ZoneScope
from core.surveys.evaluation_ports import Rating, Subject
from core.surveys.model import COLLEGE_BRANCHES, ZONE_MEMBERS
from storage import tables as T
from storage.people.people_store import branch_and_college

_Z, _P, _U, _Ra = T.ResponsibilityZone, T.Person, T.OrgUnit, T.SurveyRating
MEMBER, UNIT = "p:", "u:"


def _norm(value: str) -> str:
    return value.strip().casefold()


class SurveyEvaluationMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def evaluation_subjects(self, person_id: int, source: str,
                                  scopes: Sequence[str]) -> list[Subject]:
        person = await self.s.get(_P, person_id)
        if person is None:
            return []
        branch, college = await branch_and_college(self.s, person_id)
        if source == COLLEGE_BRANCHES:
            return await self._college_branches(college)
        if source != ZONE_MEMBERS:
            return []
        where = {ZoneScope.DORM_BUILDING.value: person.dorm_building,
                 ZoneScope.CLASS.value: person.class_name,
                 ZoneScope.BRANCH.value: branch, ZoneScope.COLLEGE.value: college}
        mine = {s: _norm(v) for s in scopes if (v := where.get(s))}
        if not mine:
            return []
        rows = (await self.s.execute(
            select(_Z.scope, _Z.value, _Z.id, _P.number, _P.name)
            .join(_P, _P.id == _Z.member_id)
            .where(_Z.active.is_(True), _P.active.is_(True), _Z.scope.in_(list(mine)),
                   _P.number.is_not(None), _P.id != person_id))).all()
        units = await self._unit_names([v for sc, v, *_ in rows
                                        if sc in (ZoneScope.BRANCH, ZoneScope.COLLEGE)])
        found: dict[str, tuple[int, str, list[tuple[int, int, str]]]] = {}
        for scope, value, zone_id, number, name in rows:
            if _norm(value) != mine[scope]:
                continue
            rank = ZONE_SPECIFICITY[ZoneScope(scope)]
            best, _, about = found.setdefault(number, (rank, name, []))
            found[number] = (min(best, rank), name, about)
            shown = units.get(value.strip(), value.strip())
            if shown not in (a for _, _, a in about):
                about.append((rank, zone_id, shown))
        ordered = sorted(found.items(), key=lambda kv: (kv[1][0], kv[0]))
        return [Subject(MEMBER + number, name, tuple(a for _, _, a in sorted(about)))
                for number, (_, name, about) in ordered]

    async def _college_branches(self, college: str | None) -> list[Subject]:
        if college is None:
            return []
        parent = select(_U.id).where(_U.code == college).scalar_subquery()
        rows = await self.s.execute(
            select(_U.code, _U.name).where(_U.kind == UnitKind.BRANCH.value,
                                           _U.active.is_(True), _U.parent_id == parent)
            .order_by(_U.code))
        return [Subject(UNIT + code, name) for code, name in rows]

    async def _unit_names(self, codes: Sequence[str]) -> dict[str, str]:
        wanted = sorted({c.strip() for c in codes})
        if not wanted:
            return {}
        rows = await self.s.execute(select(_U.code, _U.name).where(_U.code.in_(wanted)))
        return {code: name for code, name in rows}

    async def add_survey_ratings(self, survey_id: int, ratings: Sequence[Rating]) -> None:
        if ratings:
            await self.s.execute(insert(_Ra), [
                {"id": secrets.token_hex(16), "survey_id": survey_id,
                 "question": r.question, "subject": r.subject, "grade": r.grade}
                for r in ratings])

    async def survey_ratings(self, survey_id: int) -> list[Rating]:
        rows = await self.s.execute(select(_Ra.question, _Ra.subject, _Ra.grade)
                                    .where(_Ra.survey_id == survey_id).order_by(_Ra.id))
        return [Rating(q, subject, grade) for q, subject, grade in rows]

    async def survey_subject_names(self, keys: Sequence[str]) -> dict[str, str]:
        numbers = sorted({k[len(MEMBER):] for k in keys if k.startswith(MEMBER)})
        codes = sorted({k[len(UNIT):] for k in keys if k.startswith(UNIT)})
        out: dict[str, str] = {}
        if numbers:
            rows = await self.s.execute(select(_P.number, _P.name)
                                        .where(_P.number.in_(numbers)))
            out.update({MEMBER + n: name for n, name in rows})
        if codes:
            out.update({UNIT + c: name for c, name in (await self._unit_names(codes)).items()})
        return out
