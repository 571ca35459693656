"""The store port of evaluation questions (民主测评, docs/decisions/0024), one of
``core.surveys.ports.SurveyStore``'s bases; implemented by
``storage/surveys/evaluation_store.py``. Imports nothing of ``core.ports``."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Subject:
    """One subject a respondent rates: ``key`` is stable across roster imports
    (``p:<person number>`` for a Party member, ``u:<unit code>`` for a branch), ``name``
    the roster's name, ``about`` what it is responsible for where the respondent is (a
    member's zones: the dorm building, the class, the unit's name; empty for a branch)."""

    key: str
    name: str
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rating:
    """One grade given to one subject of an evaluation question. Kept apart from the
    response and from everything else of the respondent (no id of theirs, no time)."""

    question: str
    subject: str
    grade: str


class EvaluationStore(Protocol):
    async def evaluation_subjects(self, person_id: int, source: str,
                                  scopes: Sequence[str]) -> list[Subject]:
        """The subjects the person rates, in the order to ask them. ``zone_members``: the
        members (never the deputies, never the person) of the active zones of ``scopes``
        that cover the person, each once; ``college_branches``: the active branches of
        the person's college. None found: an empty list."""
        ...

    async def add_survey_ratings(self, survey_id: int, ratings: Sequence[Rating]) -> None:
        """Each rating as a row of its own with a random id, in the caller's transaction
        (the mix sweep rewrites them in id order with the survey's responses)."""
        ...

    async def survey_ratings(self, survey_id: int) -> list[Rating]:
        """Every rating of the survey (in no meaningful order)."""
        ...

    async def survey_subject_names(self, keys: Sequence[str]) -> dict[str, str]:
        """The roster's names of these subject keys (keys it does not know are left
        out)."""
        ...
