"""``core.surveys.ports.AnswerStore`` (a mixin of SqlStore): access, drafts, submitting;
the responses read back for the results (a person only for a named survey).

Submitting writes participation and the response in the caller's transaction and deletes
the draft. Participation's primary key refuses a second submission. Nothing here writes a
time finer than the day, or touches the person's delivery row (its ``updated_at`` would
tell when they answered)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from core.surveys.ports import Groups, ResponseRow, SurveyAccess
from core.types import JSONObject
from storage import tables as T

_Sv, _D, _Dr = T.Survey, T.SurveyDelivery, T.SurveyDraft
_Pa, _R = T.SurveyParticipation, T.SurveyResponse


def _access(row: T.Survey, delivered: bool, answered: bool) -> SurveyAccess:
    return SurveyAccess(row.id, row.status, row.anonymous, row.opens_at, row.closes_at,
                        row.definition, delivered, answered)


class SurveyAnswerMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def survey_access(self, survey_id: int, person_id: int) -> SurveyAccess | None:
        row = await self.s.get(_Sv, survey_id)
        if row is None:
            return None
        delivered = await self.s.scalar(select(exists().where(
            _D.survey_id == survey_id, _D.person_id == person_id)))
        answered = await self.s.scalar(select(exists().where(
            _Pa.survey_id == survey_id, _Pa.person_id == person_id)))
        return _access(row, bool(delivered), bool(answered))

    async def open_surveys_of(self, person_id: int, now: datetime) -> list[SurveyAccess]:
        done = select(_Pa.survey_id).where(_Pa.person_id == person_id)
        rows = await self.s.scalars(
            select(_Sv).join(_D, (_D.survey_id == _Sv.id) & (_D.person_id == person_id))
            .where(_Sv.status.in_(("pushing", "paused", "open")), _Sv.opens_at <= now,
                   _Sv.closes_at > now, _Sv.id.not_in(done))
            .order_by(_Sv.closes_at, _Sv.id))
        return [_access(r, True, False) for r in rows]

    async def survey_draft(self, survey_id: int, person_id: int) -> tuple[JSONObject, int] | None:
        row = await self.s.get(_Dr, (survey_id, person_id))
        return (row.answers, row.position) if row is not None else None

    async def save_survey_draft(self, survey_id: int, person_id: int, answers: JSONObject,
                                position: int, now: datetime) -> None:
        row = await self.s.get(_Dr, (survey_id, person_id))
        if row is None:
            self.s.add(_Dr(survey_id=survey_id, person_id=person_id, answers=dict(answers),
                           position=position, updated_at=now))
        else:
            row.answers, row.position, row.updated_at = dict(answers), position, now
        await self.s.flush()

    async def respondent_groups(self, person_id: int) -> Groups:
        unit, parent = aliased(T.OrgUnit), aliased(T.OrgUnit)
        row = (await self.s.execute(
            select(T.Person.kind, T.Person.grade, unit.code, unit.kind, parent.code)
            .outerjoin(unit, unit.id == T.Person.unit_id)
            .outerjoin(parent, parent.id == unit.parent_id)
            .where(T.Person.id == person_id))).first()
        if row is None:
            return Groups(None, None, None, None)
        kind, grade, code, unit_kind, parent_code = row
        if unit_kind == "branch":
            return Groups(parent_code, code, kind, grade)
        return Groups(code if unit_kind == "college" else None, None, kind, grade)

    async def submit_survey(self, survey_id: int, person_id: int, *, response_id: str,
                            answers: JSONObject, day: date, groups: Groups,
                            named: bool) -> bool:
        try:
            async with self.s.begin_nested():  # a second submission: refused, not fatal
                self.s.add(_Pa(survey_id=survey_id, person_id=person_id, day=day))
                await self.s.flush()
        except IntegrityError:
            return False
        self.s.add(_R(id=response_id, survey_id=survey_id, day=day, answers=dict(answers),
                      person_id=person_id if named else None, college=groups.college,
                      branch=groups.branch, person_kind=groups.kind, grade=groups.grade))
        await self.s.execute(delete(_Dr).where(_Dr.survey_id == survey_id,
                                               _Dr.person_id == person_id))
        await self.s.execute(update(T.Survey).where(T.Survey.id == survey_id)
                             .values(unmixed=T.Survey.unmixed + 1))  # for the mix sweep
        await self.s.flush()
        return True

    async def survey_answers(self, survey_id: int) -> list[JSONObject]:
        return list(await self.s.scalars(select(_R.answers).where(_R.survey_id == survey_id)
                                         .order_by(_R.id)))

    async def survey_responses(self, survey_id: int, *, named: bool) -> list[ResponseRow]:
        cols = (_R.answers, _R.college, _R.branch, _R.person_kind, _R.grade)
        if not named:  # no person is read, whatever a row holds
            rows = await self.s.execute(select(*cols).where(_R.survey_id == survey_id)
                                        .order_by(_R.id))
            return [ResponseRow(a, Groups(c, b, k, g)) for a, c, b, k, g in rows]
        rows = await self.s.execute(
            select(*cols, T.Person.number, T.Person.name)
            .outerjoin(T.Person, T.Person.id == _R.person_id)
            .where(_R.survey_id == survey_id).order_by(_R.id))
        return [ResponseRow(a, Groups(c, b, k, g), number, name)
                for a, c, b, k, g, number, name in rows]

    async def survey_unit_names(self, codes: Sequence[str]) -> dict[str, str]:
        wanted = sorted(set(codes))
        if not wanted:
            return {}
        return dict((await self.s.execute(
            select(T.OrgUnit.code, T.OrgUnit.name).where(T.OrgUnit.code.in_(wanted)))).all())
