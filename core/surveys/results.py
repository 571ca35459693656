"""A survey's results as plain figures per question (``survey results CODE``): how many
answered, the count of each rating or option, a rating's mean, how many wrote text.
Issue 15 adds the breakdowns, charts and the workbook."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from core.surveys.model import Question, QuestionKind, Survey
from core.types import JSONObject


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answered: int
    counts: dict[str, int]  # per rating or option, in their order (empty for text)
    mean: float | None      # ratings only


def results(survey: Survey, answers: Sequence[JSONObject]) -> list[QuestionResult]:
    out = []
    for q in survey.questions:
        given = [a.get(q.id) for a in answers if a.get(q.id) not in (None, "", [])]
        tally: Counter[str] = Counter()
        for value in given:
            for v in value if isinstance(value, list) else [value]:
                tally[str(v)] += 1
        counts = {c: tally[c] for c in q.choices()}
        mean = None
        if q.kind is QuestionKind.RATING and given:
            mean = sum(int(str(v)) for v in given) / len(given)
        out.append(QuestionResult(q, len(given), counts, mean))
    return out
