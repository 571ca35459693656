"""Answering a survey in chat, one question at a time (docs/decisions/0020).

A person may answer a survey that was pushed to them, while it is open (between its
opening and closing times, not cancelled or closed), once. Their answers so far live in a
draft (resumable after a restart, days later); back goes to the previous question asked
(answers kept, editable); a required question needs an answer, an optional one can be
skipped; a question whose skip rule no longer holds (an earlier answer changed) is
dropped from the answers. An evaluation question (民主测评) is one step per subject found
for the respondent when they start (``core/surveys/evaluation.py``). Submitting records
participation, the response and an evaluation's ratings together and deletes the draft;
for an anonymous survey the response carries no person, a random id and the day only,
and the ratings nothing of the response. Refusals raise ``InputError`` with the key the
flow says; no answer text is audited.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.errors import InputError
from core.replies import t
from core.surveys.data import survey_of
from core.surveys.evaluation import SUBJECTS, Subjects, evaluations, find_subjects, \
    graded, grades_of, ratings, slot_answer, slots, stored, subjects_data, subjects_of
from core.surveys.evaluation_ports import Subject
from core.surveys.model import Answers, Question, QuestionKind, Survey
from core.ports import Store
from core.surveys.ports import SurveyAccess
from core.types import JSON, JSONObject, is_str_list

ANSWERABLE = ("pushing", "paused", "open")
_WHY = {"not_for_you": "survey.not_for_you", "already_answered": "survey.already_answered",
        "closed": "survey.closed"}


@dataclass(frozen=True)
class Step:
    """What to show: step ``index`` (0-based) of ``total`` asked so far, its question
    (and the subject it rates, for an evaluation), its current answer; ``question`` None
    means every question is answered: the submit step."""

    survey: Survey
    survey_id: int
    question: Question | None
    index: int
    total: int
    current: str | list[str] | None
    subject: Subject | None = None


async def _refuse(store: Store, person_id: int | None, survey_id: int, why: str,
                  now: datetime) -> InputError:
    """Audit a refusal (never an answer) and return the error to raise."""
    await store.audit("refused", person_id, {"action": "survey", "why": why,
                                             "survey": survey_id}, now)
    return InputError(_WHY[why])


async def _access(store: Store, person_id: int | None, survey_id: int,
                  now: datetime) -> tuple[SurveyAccess, int]:
    access = await store.survey_access(survey_id, person_id) if person_id is not None else None
    if person_id is None or access is None or not access.delivered:
        raise await _refuse(store, person_id, survey_id, "not_for_you", now)
    if access.answered:
        raise await _refuse(store, person_id, survey_id, "already_answered", now)
    if access.status not in ANSWERABLE or not access.opens_at <= now < access.closes_at:
        raise await _refuse(store, person_id, survey_id, "closed", now)
    return access, person_id


def _answers(data: JSONObject) -> Answers:
    out: Answers = {}
    for qid, value in data.items():
        if qid == SUBJECTS:
            continue
        if isinstance(value, str):
            out[qid] = value
        elif is_str_list(value):
            out[qid] = list(value)
        elif (grades := grades_of(value)) is not None:
            out[qid] = grades
    return out


@dataclass
class _Draft:
    access: SurveyAccess
    person_id: int
    survey: Survey
    answers: Answers
    position: int
    subjects: Subjects


def _step(d: _Draft, survey_id: int) -> Step:
    asked = slots(d.survey, d.answers, d.subjects)
    if d.position >= len(asked):
        return Step(d.survey, survey_id, None, len(asked), len(asked), None)
    q, subject = asked[d.position]
    return Step(d.survey, survey_id, q, d.position, len(asked),
                slot_answer(d.answers, asked[d.position]), subject)


async def _load(store: Store, person_id: int | None, survey_id: int,
                now: datetime) -> _Draft:
    """The person's draft; on their first step the subjects of the survey's evaluation
    questions are found and kept in it, so they stay the same until submit."""
    access, pid = await _access(store, person_id, survey_id, now)
    draft = await store.survey_draft(survey_id, pid)
    answers, position = (_answers(draft[0]), draft[1]) if draft else ({}, 0)
    survey = survey_of(access.definition)
    subjects = subjects_of(draft[0].get(SUBJECTS)) if draft else None
    d = _Draft(access, pid, survey, answers, position, subjects or {})
    if subjects is None and evaluations(survey):
        d.subjects = await find_subjects(store, pid, survey)
        await _save(store, survey_id, d, now)
    return d


async def _save(store: Store, survey_id: int, d: _Draft, now: datetime) -> None:
    data = _data(d.answers)
    if evaluations(d.survey):
        data[SUBJECTS] = subjects_data(d.subjects)
    await store.save_survey_draft(survey_id, d.person_id, data, d.position, now)


async def current_step(store: Store, person_id: int | None, survey_id: int,
                       now: datetime) -> Step:
    """Where the person is (the first question when they start)."""
    return _step(await _load(store, person_id, survey_id, now), survey_id)


def _checked(q: Question, value: str, current: str | list[str] | None) -> str | list[str]:
    """The new answer to ``q`` given a pressed choice or typed text."""
    if q.kind is QuestionKind.TEXT:
        text = value.strip()
        if not text:
            raise InputError("survey.empty_text")
        if len(text) > q.max_chars:
            raise InputError("survey.text_too_long", limit=t("unit.chars", count=q.max_chars))
        return text
    if value not in q.choices():
        raise InputError("error.forged")
    if q.kind is not QuestionKind.MULTIPLE:
        return value
    picked = list(current) if isinstance(current, list) else []
    if value in picked:
        picked.remove(value)
    elif q.max_choices is not None and len(picked) >= q.max_choices:
        raise InputError("survey.too_many", most=t("unit.choices", count=q.max_choices))
    else:
        picked.append(value)
    return [o for o in q.options if o in picked]  # in the options' order


async def answer(store: Store, person_id: int | None, survey_id: int, index: int,
                 value: str, now: datetime) -> Step:
    """Answer step ``index`` (the one shown; a stale index is refused). A choice, a rating
    or a subject's grade moves on; a multiple choice toggles and stays until "next"; text
    moves on."""
    d = await _load(store, person_id, survey_id, now)
    step = _step(d, survey_id)
    if step.question is None or index != step.index:
        raise InputError("error.stale")
    q = step.question
    checked = _checked(q, value, step.current)
    if step.subject is not None and isinstance(checked, str):
        d.answers[q.id] = graded(d.answers, q, step.subject, checked)
    else:
        d.answers[q.id] = checked
    if q.kind is not QuestionKind.MULTIPLE:
        d.position += 1
    d.answers = _pruned(d)
    await _save(store, survey_id, d, now)
    return _step(d, survey_id)


async def move(store: Store, person_id: int | None, survey_id: int, index: int,
               forward: bool, now: datetime) -> Step:
    """Back to the previous question, or on to the next: past an optional question or a
    finished multiple choice (a required one needs an answer first)."""
    d = await _load(store, person_id, survey_id, now)
    step = _step(d, survey_id)
    if index != step.index:
        raise InputError("error.stale")
    if forward:
        q = step.question
        if q is None:
            raise InputError("error.stale")
        if q.required and not step.current:
            raise InputError("survey.required")
        d.position += 1
    else:
        d.position = max(d.position - 1, 0)
    await _save(store, survey_id, d, now)
    return _step(d, survey_id)


def _pruned(d: _Draft) -> Answers:
    """Only the answers of questions still asked (an earlier answer may hide some)."""
    asked = {q.id for q, _ in slots(d.survey, d.answers, d.subjects)}
    return {qid: v for qid, v in d.answers.items() if qid in asked}


def _data(answers: Answers) -> dict[str, JSON]:
    return {qid: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
            for qid, v in answers.items()}


async def submit(store: Store, person_id: int | None, survey_id: int, *,
                 now: datetime, tz: str) -> Survey:
    """Record the answers once; the draft goes, an anonymous response keeps no person and
    an evaluation's ratings go apart from the response."""
    d = await _load(store, person_id, survey_id, now)
    answers = _pruned(d)
    asked = slots(d.survey, answers, d.subjects)
    if any(q.required and not slot_answer(answers, (q, s)) for q, s in asked):
        raise InputError("survey.missing")
    given = ratings(d.survey, answers, d.subjects)
    anonymous = d.access.anonymous or d.survey.anonymous
    groups = await store.respondent_groups(d.person_id)
    if not await store.submit_survey(survey_id, d.person_id,
                                     response_id=secrets.token_hex(16),
                                     answers=_data(stored(answers, given, anonymous=anonymous)),
                                     day=now.astimezone(ZoneInfo(tz)).date(), groups=groups,
                                     named=not d.access.anonymous):
        raise InputError("survey.already_answered")
    if given:
        await store.add_survey_ratings(survey_id, given)
    return d.survey
