"""The results of evaluation questions (民主测评) per subject, from plain data: the ratings
stored apart from the responses (``evaluation_ports.Rating``) and the subjects' roster
names. Pure and stdlib-only but for ``read_evaluations``, which reads both through the
store. The workbook's 民主测评 sheets (``bot/surveys/workbook_evaluation.py``) and the
plain table (``bot/surveys/evaluation_table.py``) show them. docs/decisions/0024:

- Per subject: how many rated it (each respondent rates a subject once), the count of
  each grade (best first), and the shares of the best grade (优秀) and of the best two
  (优秀 + 合格) among its raters.
- In an anonymous survey a subject rated by fewer than ``min_group`` respondents is
  listed without figures (人数不足，不单独显示): a zone may hold one student. No figure
  sums several subjects, so none of them can be recovered from the others.
- A named survey shows every subject.
- These figures are a dimension of their own: nothing here reads or writes the 三率 of
  the concerns (response, resolution and satisfaction rates).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.surveys.evaluation import evaluations
from core.surveys.evaluation_ports import EvaluationStore, Rating
from core.surveys.model import Question, Survey

MIN_GROUP = 5  # [surveys] min_group's default


@dataclass(frozen=True)
class SubjectFigures:
    key: str                # p:<person number> | u:<unit code>
    name: str | None        # the roster's name (None: no longer on it)
    raters: int | None      # None: hidden (too few raters in an anonymous survey)
    counts: dict[str, int]  # per grade, best first; empty when hidden

    @property
    def code(self) -> str:
        """The person's number or the unit's code."""
        return self.key.split(":", 1)[-1]

    @property
    def shown(self) -> bool:
        return self.raters is not None

    def share(self, grades: Sequence[str]) -> float | None:
        """The share of raters who gave one of ``grades``; None when hidden."""
        if not self.raters:
            return None
        return sum(self.counts.get(g, 0) for g in grades) / self.raters


@dataclass(frozen=True)
class EvaluationFigures:
    question: Question
    subjects: tuple[SubjectFigures, ...]  # by key: members by number, units by code
    min_group: int
    anonymous: bool

    @property
    def best(self) -> tuple[str, ...]:
        """The best grade (优秀)."""
        return self.question.grades[:1]

    @property
    def best_two(self) -> tuple[str, ...]:
        """The best two grades (优秀, 合格)."""
        return self.question.grades[:2]

    @property
    def hidden(self) -> int:
        return sum(1 for s in self.subjects if not s.shown)


def _subject(q: Question, key: str, grades: Counter[str], name: str | None,
             hide: bool) -> SubjectFigures:
    raters = sum(grades.values())
    if hide:
        return SubjectFigures(key, name, None, {})
    return SubjectFigures(key, name, raters, {g: grades[g] for g in q.grades})


def evaluation_figures(survey: Survey, ratings: Sequence[Rating], names: Mapping[str, str],
                       *, min_group: int = MIN_GROUP) -> tuple[EvaluationFigures, ...]:
    """One ``EvaluationFigures`` per evaluation question of ``survey``, in order; a rating
    of another question or with a grade the question does not have is left out."""
    out = []
    for q in evaluations(survey):
        tally: dict[str, Counter[str]] = {}
        for r in ratings:
            if r.question == q.id and r.grade in q.grades:
                tally.setdefault(r.subject, Counter())[r.grade] += 1
        subjects = tuple(
            _subject(q, key, tally[key], names.get(key),
                     survey.anonymous and sum(tally[key].values()) < min_group)
            for key in sorted(tally, key=lambda k: (not k.startswith("p:"), k)))
        out.append(EvaluationFigures(q, subjects, min_group, survey.anonymous))
    return tuple(out)


async def read_evaluations(store: EvaluationStore, survey_id: int, survey: Survey, *,
                           min_group: int = MIN_GROUP) -> tuple[EvaluationFigures, ...]:
    """The per-subject figures of the survey's evaluation questions, with the subjects'
    names from the roster (none when it has no evaluation question)."""
    if not evaluations(survey):
        return ()
    ratings = await store.survey_ratings(survey_id)
    names = await store.survey_subject_names(sorted({r.subject for r in ratings}))
    return evaluation_figures(survey, ratings, names, min_group=min_group)
