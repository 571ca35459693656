"""A survey's results as plain figures per question: how many answered, the count of each
rating or option, a rating's mean. A narrow view of ``core/surveys/figures.py`` (which
has the rules, the breakdowns and the response rate) for callers that need only this."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.surveys.figures import figures
from core.surveys.model import Question, Survey
from core.surveys.ports import Groups, ResponseRow
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
