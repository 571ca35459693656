"""A survey as data (docs/decisions/0020). Pure and stdlib-only; the file form is
``core/surveys/definition.py``, the example ``examples/surveys/satisfaction.toml``.

- Questions: a rating 1-5, a single choice, a multiple choice (with a maximum), free
  text, or an evaluation (民主测评: one grade per subject, the subjects found for each
  respondent, docs/decisions/0024); required or optional; shown only if an earlier
  question's answer is one of given values (``ShowIf``; for a multiple choice: if any of
  them was chosen).
- Answers are kept as text per question id: a rating "1".."5", a choice by its option's
  text, several choices as a list, free text as written, an evaluation as a grade per
  subject key (``{"p:2023010101": "优秀"}``).
- The audience (``Audience``) is fields ANDed together, each field's values ORed, minus
  an ``except`` audience of the same form; or an explicit list of person numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class QuestionKind(StrEnum):
    RATING = "rating"      # 1 (very dissatisfied) .. 5 (very satisfied)
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"
    EVALUATION = "evaluation"  # 民主测评: a grade for each subject found for the respondent


RATINGS = ("1", "2", "3", "4", "5")
#: Where an evaluation's subjects come from: the Party members whose zones cover the
#: respondent, or the Party branches of the respondent's college.
ZONE_MEMBERS, COLLEGE_BRANCHES = "zone_members", "college_branches"
SUBJECT_SOURCES = (ZONE_MEMBERS, COLLEGE_BRANCHES)
GRADES = ("优秀", "合格", "基本合格", "不合格")
#: The zone scopes whose members are an evaluation's subjects unless the file says others.
ZONE_SCOPES = ("dorm_building", "class")

#: A survey's states: draft (a file checked in chat, not stored yet), created (stored, nobody told), pushing, paused, open (pushed, being
#: answered), cancelled (the push stopped before the end), closed (answering ended).
STATES = ("draft", "created", "pushing", "paused", "open", "cancelled", "closed")


def state_name(status: str) -> dict[str, str]:
    """A survey state as words to show (locale ``survey_state.*``), never the raw code."""
    return {"t": f"survey_state.{status if status in STATES else 'other'}"}


@dataclass(frozen=True)
class ShowIf:
    """Show the question only if ``question``'s answer is (or, for a multiple choice,
    includes) one of ``values``."""

    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    id: str
    kind: QuestionKind
    text: str
    required: bool = True
    options: tuple[str, ...] = ()      # single and multiple choice
    max_choices: int | None = None     # multiple choice: at most this many (None: all)
    max_chars: int = 1000              # free text
    show_if: ShowIf | None = None
    subjects: str | None = None        # evaluation: ZONE_MEMBERS | COLLEGE_BRANCHES
    scopes: tuple[str, ...] = ()       # evaluation of zone members: the zone scopes
    grades: tuple[str, ...] = ()       # evaluation: best first

    def choices(self) -> tuple[str, ...]:
        """The answers a button can give: the ratings, the options or the grades; none for
        text."""
        if self.kind is QuestionKind.RATING:
            return RATINGS
        if self.kind is QuestionKind.EVALUATION:
            return self.grades
        return self.options


@dataclass(frozen=True)
class Audience:
    """Who is asked: people matching every given field (any of its values), not matching
    ``excluded``; ``numbers`` (an explicit list) are added as they are."""

    roles: tuple[str, ...] = ()
    colleges: tuple[str, ...] = ()     # unit codes
    branches: tuple[str, ...] = ()     # unit codes
    grades: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    buildings: tuple[str, ...] = ()    # dorm buildings
    kinds: tuple[str, ...] = ()        # student | staff
    numbers: tuple[str, ...] = ()      # an explicit list (a list file's person numbers)
    excluded: Audience | None = None

    def filters(self) -> bool:
        """Whether any field selects people (an audience of only ``numbers`` does not)."""
        return any((self.roles, self.colleges, self.branches, self.grades, self.classes,
                    self.buildings, self.kinds))


@dataclass(frozen=True)
class Survey:
    code: str                          # unique, e.g. "satisfaction-2026-autumn"
    title: str
    intro: str
    anonymous: bool
    audience: Audience
    opens_at: datetime                 # aware
    closes_at: datetime                # aware
    questions: tuple[Question, ...]
    #: reminders to those who have not submitted, this long after the push
    reminders: tuple[timedelta, ...] = ()
    #: roles that may see the results (admins always may)
    results_for: tuple[str, ...] = ("admin",)
    kind: str = "survey"               # survey | consultation (重大决策征求意见)

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


Answers = dict[str, "str | list[str] | dict[str, str]"]


def shown(q: Question, answers: Answers) -> bool:
    """Whether ``q`` is asked, given the answers so far (a skip rule never names an
    evaluation, whose answer is a grade per subject)."""
    if q.show_if is None:
        return True
    given = answers.get(q.show_if.question)
    if given is None or isinstance(given, dict):
        return False
    picked = given if isinstance(given, list) else [given]
    return any(v in q.show_if.values for v in picked)


def visible(survey: Survey, answers: Answers) -> list[Question]:
    """The questions asked, in order, given the answers so far."""
    return [q for q in survey.questions if shown(q, answers)]


@dataclass
class Draft:
    """A person's answers so far and where they are (named or anonymous alike: a draft
    is deleted on submit)."""

    answers: Answers = field(default_factory=dict)
    position: int = 0  # index into ``visible``
