"""The surveys area's store port (``storage/surveys/``), one of ``core.ports.Store``'s
bases. This module imports nothing of ``core.ports``, which imports it."""
from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from core.surveys.evaluation_ports import EvaluationStore
from core.surveys.model import Audience
from core.types import JSONObject

#: Why a person of the audience cannot be reached (``survey preview`` counts each).
NEVER_BOUND, BLOCKED, DEACTIVATED = "never_bound", "blocked", "deactivated"


class SurveyFiles(Protocol):
    """The survey files an admin may create a survey from in chat: the files of the
    configured folder (``[surveys] folder``), by name; implemented by
    ``bot/surveys/survey_file.py``. Errors are ``InputError`` with a ``survey_file.*`` key."""

    def names(self) -> list[str]: ...

    def read(self, name: str) -> tuple[str, Callable[[str], str]]:
        """The file's text and the reader of its list files (by name, beside it)."""
        ...


@dataclass(frozen=True)
class Reach:
    """An audience resolved against the roster: the people who can get the survey, those
    who cannot and why, and an explicit list's numbers that are not on the roster."""

    reachable: tuple[int, ...]
    unreachable: dict[int, str]  # person id -> NEVER_BOUND | BLOCKED | DEACTIVATED
    unknown_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveyRow:
    id: int
    code: str
    title: str
    anonymous: bool
    status: str
    opens_at: datetime
    closes_at: datetime
    definition: JSONObject
    counts: dict[str, int] = field(default_factory=dict)  # deliveries by status


@dataclass(frozen=True)
class RosterCodes:
    """Which of a survey's audience codes the roster knows."""

    units: dict[str, str]  # code -> kind (college, branch, ...)
    buildings: frozenset[str]
    numbers: frozenset[str]


@dataclass(frozen=True)
class SurveyAccess:
    """One survey as one person may answer it."""

    id: int
    status: str
    anonymous: bool
    opens_at: datetime
    closes_at: datetime
    definition: JSONObject
    delivered: bool  # the push reached (or was meant for) this person
    answered: bool   # participation recorded


@dataclass(frozen=True)
class Groups:
    """The respondent's groups kept with a response, for results per college and branch."""

    college: str | None
    branch: str | None
    kind: str | None
    grade: str | None


@dataclass(frozen=True)
class ResponseRow:
    """One submitted response for the results: its answers and its respondent's groups;
    ``number`` and ``name`` only for a named survey (an anonymous one keeps no person)."""

    answers: JSONObject
    groups: Groups
    number: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Claimed:
    """A delivery claimed for feeding: whom, and which round (0 invitation, n reminder)."""

    delivery_id: int
    survey_id: int
    person_id: int
    round: int


@dataclass(frozen=True)
class OutboxWrite:
    """One bulk outbox row of a delivery (one per reachable chat of the person)."""

    delivery_id: int
    channel: str
    chat_id: str
    person_id: int
    reply: JSONObject
    locale: str


class PushStore(Protocol):
    async def survey_to_mix(self, skip: Collection[int] = ()) -> tuple[int, int] | None:
        """(survey id, unmixed responses) of the next survey, not in ``skip``, whose new
        responses still keep their submission order (docs/decisions/0023); or None."""
        ...

    async def mix_chunk(self, survey_id: int, ratings: bool, after: str,
                        size: int) -> tuple[str | None, int]:
        """Rewrite the survey's next ``size`` responses (or ratings) after id ``after`` in
        id order: (the last id, None after the last slice; rows rewritten)."""
        ...

    async def mark_mixed(self, survey_id: int, count: int) -> None:
        """Count ``count`` responses as mixed."""
        ...

    async def bulk_backlog(self) -> int:
        """Bulk-lane outbox rows waiting or being sent."""
        ...

    async def claim_deliveries(self, limit: int, now: datetime) -> list[Claimed]:
        """Mark up to ``limit`` pending deliveries of pushing surveys queued."""
        ...

    async def write_push_rows(self, rows: Sequence[OutboxWrite], now: datetime) -> None: ...

    async def set_deliveries(self, ids: Sequence[int], status: str, now: datetime, *,
                             reason: str | None = None) -> None: ...

    async def queued_outcomes(self, limit: int) -> dict[int, list[str]]:
        """Queued deliveries and the states of their outbox rows."""
        ...

    async def finish_pushes(self, now: datetime) -> list[int]: ...

    async def cancel_deliveries(self, survey_id: int, now: datetime) -> int: ...

    async def push_sent_since(self, survey_id: int, since: datetime) -> int: ...

    async def watched_surveys(self) -> list[tuple[SurveyRow, str, str, datetime | None]]:
        """Surveys whose progress an admin watches in chat: (row, channel, chat, last
        edited)."""
        ...

    async def watch_survey(self, survey_id: int, channel: str | None, chat_id: str | None,
                           now: datetime, *, done: bool = False) -> None:
        """Watch from this chat (or note an edit); ``done``: stop watching."""
        ...

    async def progress_message_id(self, channel: str, chat_id: str, code: str) -> str | None:
        """The channel's id of the last progress message of ``code`` sent to that chat."""
        ...

    async def recent_surveys(self, limit: int) -> list[SurveyRow]: ...

    async def survey_answers(self, survey_id: int) -> list[JSONObject]:
        """Every submitted response's answers (in no meaningful order)."""
        ...

    async def survey_responses(self, survey_id: int, *, named: bool) -> list[ResponseRow]:
        """Every submitted response with its groups (in no meaningful order); the person
        only when ``named`` (the caller passes ``not survey.anonymous``)."""
        ...

    async def survey_unit_names(self, codes: Sequence[str]) -> dict[str, str]:
        """The roster's names of these unit codes (codes it does not know are left out)."""
        ...

    async def surveys_for_reminders(self, now: datetime,
                                    ) -> list[tuple[SurveyRow, datetime, int]]:
        """Open surveys (the push done, not closed) with their push time and the number
        of reminder rounds started."""
        ...

    async def start_reminder_round(self, survey_id: int, round_: int, now: datetime) -> int:
        """Deliveries sent to people who have not submitted become pending again for
        ``round_``; the survey is pushing again; return how many."""
        ...


class AnswerStore(Protocol):
    async def survey_access(self, survey_id: int, person_id: int) -> SurveyAccess | None: ...

    async def open_surveys_of(self, person_id: int, now: datetime) -> list[SurveyAccess]:
        """Surveys pushed to the person, open now, not answered, by closing time."""
        ...

    async def survey_draft(self, survey_id: int, person_id: int) -> tuple[JSONObject, int] | None:
        """(answers, position) of the person's draft, if any."""
        ...

    async def save_survey_draft(self, survey_id: int, person_id: int, answers: JSONObject,
                                position: int, now: datetime) -> None: ...

    async def respondent_groups(self, person_id: int) -> Groups: ...

    async def submit_survey(self, survey_id: int, person_id: int, *, response_id: str,
                            answers: JSONObject, day: date, groups: Groups,
                            named: bool) -> bool:
        """Record participation (once: False if already) and the response, and delete the
        draft, in the caller's transaction. An anonymous response carries no person."""
        ...


class SurveyStore(AnswerStore, PushStore, EvaluationStore, Protocol):
    """Surveys, audiences, deliveries (see also ``AnswerStore``, ``EvaluationStore``)."""

    async def survey_roster_codes(self, units: list[str], buildings: list[str],
                                  numbers: list[str]) -> RosterCodes: ...

    async def survey_by_code(self, code: str) -> SurveyRow | None: ...

    async def survey_row(self, survey_id: int) -> SurveyRow: ...

    async def add_survey(self, *, code: str, title: str, kind: str, anonymous: bool,
                         definition: JSONObject, source: str, opens_at: datetime,
                         closes_at: datetime, created_by: int | None, now: datetime) -> int: ...

    async def survey_reach(self, audience: Audience) -> Reach:
        """Resolve the audience against the active roster and the people's chats."""
        ...

    async def add_survey_deliveries(self, survey_id: int, reachable: list[int],
                                    unreachable: dict[int, str], now: datetime) -> None:
        """A delivery row per person: ``pending`` for the reachable, ``unreachable`` with
        its reason for the others."""
        ...

    async def set_survey_status(self, survey_id: int, status: str, now: datetime, *,
                                pushed: bool = False) -> None: ...
