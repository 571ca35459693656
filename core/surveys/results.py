"""A survey's results for the people who may read them: ``survey_figures`` reads the
responses and computes their figures (``core/surveys/figures.py`` has the rules), and
``results_reader`` says who may (the survey's ``results_for`` roles; admins always).
``results`` is the narrow per-question view (counts, mean) some callers need. Charts are
drawn outside core, behind ``ResultCharts`` (``bot/surveys/chart_files.py``)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.errors import InputError
from core.model import Role
from core.ports import Store
from core.surveys.data import survey_of
from core.surveys.figures import NONE, OTHER, SurveyFigures, figures
from core.surveys.model import Question, Survey
from core.surveys.ports import Groups, ResponseRow, SurveyRow
from core.types import JSONObject


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answered: int
    counts: dict[str, int]  # per rating or option, in their order (empty for text)
    mean: float | None      # ratings only


def results(survey: Survey, answers: Sequence[JSONObject]) -> list[QuestionResult]:
    rows = [ResponseRow(a, Groups(None, None, None, None)) for a in answers]
    return [QuestionResult(f.question, f.answered, f.counts, f.mean)
            for f in figures(survey, rows, audience=0).questions]


async def survey_figures(store: Store, code: str, *, min_group: int,
                         ) -> tuple[SurveyRow, SurveyFigures, dict[str, str]]:
    """The survey's row, its figures and the names of the units its breakdowns show."""
    row = await store.survey_by_code(code)
    if row is None:
        raise InputError("survey_admin.unknown_survey", code=code)
    survey = survey_of(row.definition)
    named = not (row.anonymous or survey.anonymous)
    responses = await store.survey_responses(row.id, named=named)
    found = figures(survey, responses, audience=sum(row.counts.values()),
                    min_group=min_group)
    codes = [k for k in (*found.colleges, *found.branches) if k not in (OTHER, NONE)]
    return row, found, await store.survey_unit_names(codes)


async def results_reader(store: Store, person_id: int | None, survey: Survey,
                         now: datetime) -> int:
    """The person, if they may read this survey's results (an admin, or a role of its
    ``results_for``); else refused and audited."""
    roles = {r for r, _ in await store.roles_of(person_id)} if person_id is not None else set()
    if person_id is None or not roles & {Role.ADMIN.value, *survey.results_for}:
        await store.audit("refused", person_id, {"action": "survey_results",
                                                 "survey": survey.code}, now)
        raise InputError("survey_results.not_allowed", code=survey.code)
    return person_id


class ResultCharts(Protocol):
    """Draws a survey's figures as pictures for the chat: photo attachments
    (``{"kind": "photo", "refs": {...}, "n": question number, "by": "college" for a
    breakdown}``), one per question with choices and one per rating's college
    breakdown, in question order, at most ``limit``; its words in ``locale``; ``units``
    names the unit codes of the breakdowns."""

    async def draw(self, found: SurveyFigures, units: dict[str, str], locale: str,
                   limit: int) -> list[JSONObject]: ...
