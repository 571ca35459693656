"""Answering a survey in chat, one question at a time (docs/decisions/0020).

A person may answer a survey that was pushed to them, while it is open (between its
opening and closing times, not cancelled or closed), once. Their answers so far live in a
draft (resumable after a restart, days later); back goes to the previous question asked
(answers kept, editable); a required question needs an answer, an optional one can be
skipped; a question whose skip rule no longer holds (an earlier answer changed) is
dropped from the answers. Submitting records participation and the response together
and deletes the draft; for an anonymous survey the response carries no person, a random
id and the day only. Refusals raise ``InputError`` with the key the flow says; no answer
text is audited.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.errors import InputError
from core.replies import t
from core.surveys.data import survey_of
from core.surveys.model import Answers, Question, QuestionKind, Survey, visible
from core.ports import Store
from core.surveys.ports import SurveyAccess
from core.types import JSON, JSONObject, is_str_list

ANSWERABLE = ("pushing", "paused", "open")
_WHY = {"not_for_you": "survey.not_for_you", "already_answered": "survey.already_answered",
        "closed": "survey.closed"}


@dataclass(frozen=True)
class Step:
    """What to show: question ``index`` (0-based) of ``total`` asked so far, its current
    answer; ``question`` None means every question is answered: the submit step."""

    survey: Survey
    survey_id: int
    question: Question | None
    index: int
    total: int
    current: str | list[str] | None


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
        if isinstance(value, str):
            out[qid] = value
        elif is_str_list(value):
            out[qid] = list(value)
    return out


def _step(survey: Survey, survey_id: int, answers: Answers, position: int) -> Step:
    asked = visible(survey, answers)
    if position >= len(asked):
        return Step(survey, survey_id, None, len(asked), len(asked), None)
    q = asked[position]
    return Step(survey, survey_id, q, position, len(asked), answers.get(q.id))


async def _load(store: Store, person_id: int | None, survey_id: int,
                now: datetime) -> tuple[SurveyAccess, int, Survey, Answers, int]:
    access, pid = await _access(store, person_id, survey_id, now)
    draft = await store.survey_draft(survey_id, pid)
    answers, position = (_answers(draft[0]), draft[1]) if draft else ({}, 0)
    return access, pid, survey_of(access.definition), answers, position


async def current_step(store: Store, person_id: int | None, survey_id: int,
                       now: datetime) -> Step:
    """Where the person is (the first question when they start)."""
    _, _, survey, answers, position = await _load(store, person_id, survey_id, now)
    return _step(survey, survey_id, answers, position)


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
    """Answer question ``index`` (the one shown; a stale index is refused). A choice or a
    rating moves on; a multiple choice toggles and stays until "next"; text moves on."""
    _, pid, survey, answers, position = await _load(store, person_id, survey_id, now)
    step = _step(survey, survey_id, answers, position)
    if step.question is None or index != step.index:
        raise InputError("error.stale")
    q = step.question
    answers[q.id] = _checked(q, value, step.current)
    if q.kind is not QuestionKind.MULTIPLE:
        position += 1
    answers = _pruned(survey, answers)
    await store.save_survey_draft(survey_id, pid, _data(answers), position, now)
    return _step(survey, survey_id, answers, position)


async def move(store: Store, person_id: int | None, survey_id: int, index: int,
               forward: bool, now: datetime) -> Step:
    """Back to the previous question, or on to the next: past an optional question or a
    finished multiple choice (a required one needs an answer first)."""
    _, pid, survey, answers, position = await _load(store, person_id, survey_id, now)
    step = _step(survey, survey_id, answers, position)
    if index != step.index:
        raise InputError("error.stale")
    if forward:
        q = step.question
        if q is None:
            raise InputError("error.stale")
        if q.required and not step.current:
            raise InputError("survey.required")
        position += 1
    else:
        position = max(position - 1, 0)
    await store.save_survey_draft(survey_id, pid, _data(answers), position, now)
    return _step(survey, survey_id, answers, position)


def _pruned(survey: Survey, answers: Answers) -> Answers:
    """Only the answers of questions still asked (an earlier answer may hide some)."""
    asked = {q.id for q in visible(survey, answers)}
    return {qid: v for qid, v in answers.items() if qid in asked}


def _data(answers: Answers) -> dict[str, JSON]:
    return {qid: (list(v) if isinstance(v, list) else v) for qid, v in answers.items()}


async def submit(store: Store, person_id: int | None, survey_id: int, *,
                 now: datetime, tz: str) -> Survey:
    """Record the answers once; the draft goes, an anonymous response keeps no person."""
    access, pid, survey, answers, _ = await _load(store, person_id, survey_id, now)
    answers = _pruned(survey, answers)
    missing = [q for q in visible(survey, answers) if q.required and not answers.get(q.id)]
    if missing:
        raise InputError("survey.missing")
    groups = await store.respondent_groups(pid)
    if not await store.submit_survey(survey_id, pid, response_id=secrets.token_hex(16),
                                     answers=_data(answers),
                                     day=now.astimezone(ZoneInfo(tz)).date(), groups=groups,
                                     named=not access.anonymous):
        raise InputError("survey.already_answered")
    return survey
