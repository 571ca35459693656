"""Evaluation questions (民主测评) while answering (docs/decisions/0024): each one is asked
once per subject found for the respondent, in steps of its own.

- The subjects are found when the respondent starts (``find_subjects``) and kept in the
  draft under ``SUBJECTS`` (a key no question id can take), so a roster change while
  they answer does not shift their questions; a question with no subject is not asked.
- The answer is a grade per subject key: ``{"members": {"p:2023010101": "优秀"}}``.
- On submit the grades become ``Rating`` rows apart from the response (``ratings``); the
  response keeps them only in a named survey, an anonymous one keeps ``RATED`` (answered)
  instead, so its subjects cannot single the respondent out (``stored``).
"""
from __future__ import annotations

from collections.abc import Mapping

from core.surveys.evaluation_ports import EvaluationStore, Rating, Subject
from core.surveys.model import Answers, Question, QuestionKind, Survey, visible
from core.types import JSON, is_object

SUBJECTS = "*subjects"   # the draft's subjects per question id
RATED = "rated"          # an anonymous response's answer to an evaluation it answered

Subjects = dict[str, tuple[Subject, ...]]
Slot = tuple[Question, Subject | None]  # one step: a question, and its subject if any


def evaluations(survey: Survey) -> list[Question]:
    return [q for q in survey.questions if q.kind is QuestionKind.EVALUATION]


async def find_subjects(store: EvaluationStore, person_id: int, survey: Survey) -> Subjects:
    """The subjects of each evaluation question of ``survey`` for this person."""
    return {q.id: tuple(await store.evaluation_subjects(person_id, q.subjects or "",
                                                        q.scopes))
            for q in evaluations(survey)}


def subjects_data(subjects: Subjects) -> dict[str, JSON]:
    return {qid: [{"key": s.key, "name": s.name, "about": list(s.about)} for s in found]
            for qid, found in subjects.items()}


def subjects_of(data: JSON) -> Subjects | None:
    """The subjects a draft keeps (None: not found yet)."""
    if not is_object(data):
        return None
    out: Subjects = {}
    for qid, found in data.items():
        if isinstance(found, list):
            out[qid] = tuple(Subject(str(s["key"]), str(s["name"]),
                                     tuple(str(a) for a in about)
                                     if isinstance(about := s.get("about"), list) else ())
                             for s in found if is_object(s))
    return out


def slots(survey: Survey, answers: Answers, subjects: Subjects) -> list[Slot]:
    """The steps asked, in order: each visible question once, an evaluation once per
    subject (not at all without one)."""
    out: list[Slot] = []
    for q in visible(survey, answers):
        if q.kind is QuestionKind.EVALUATION:
            out += [(q, s) for s in subjects.get(q.id, ())]
        else:
            out.append((q, None))
    return out


def slot_answer(answers: Answers, slot: Slot) -> str | list[str] | None:
    """The current answer of one step (a subject's grade for an evaluation)."""
    q, subject = slot
    given = answers.get(q.id)
    if subject is None:
        return None if isinstance(given, dict) else given
    return given.get(subject.key) if isinstance(given, dict) else None


def graded(answers: Answers, q: Question, subject: Subject, grade: str) -> dict[str, str]:
    """The question's grades with ``subject``'s set to ``grade``."""
    given = answers.get(q.id)
    out = dict(given) if isinstance(given, dict) else {}
    out[subject.key] = grade
    return out


def grades_of(value: JSON) -> dict[str, str] | None:
    """A draft's grades of an evaluation (None: not that shape)."""
    if isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
        return {str(k): str(v) for k, v in value.items()}
    return None


def ratings(survey: Survey, answers: Answers, subjects: Subjects) -> list[Rating]:
    """The grades given, one ``Rating`` each: only to the subjects found and only grades
    of the question."""
    out = []
    for q in evaluations(survey):
        given = answers.get(q.id)
        if not isinstance(given, dict):
            continue
        out += [Rating(q.id, s.key, given[s.key]) for s in subjects.get(q.id, ())
                if given.get(s.key) in q.grades]
    return out


def stored(answers: Answers, given: list[Rating], *, anonymous: bool) -> Answers:
    """The answers as the response keeps them: an evaluation as its grades (named) or as
    ``RATED`` (anonymous) when a subject was graded, else not at all."""
    out: Answers = {qid: v for qid, v in answers.items() if not isinstance(v, dict)}
    grades: dict[str, dict[str, str]] = {}
    for r in given:
        grades.setdefault(r.question, {})[r.subject] = r.grade
    for qid, by_subject in grades.items():
        out[qid] = RATED if anonymous else by_subject
    return out
