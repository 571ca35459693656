"""The Organisation Department's survey work: create a survey from its file (checked
alone, then against the roster), and preview its audience: how many it reaches, how many
it cannot and why (never bound, blocked the bot, deactivated), and an explicit list's
numbers the roster does not know. docs/decisions/0020."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.errors import InputError
from core.model import Role, UnitKind
from core.replies import t
from core.ports import Store
from core.surveys.data import survey_data, survey_of
from core.surveys.definition import Problem, parse_survey
from core.surveys.model import Audience, Survey
from core.surveys.ports import BLOCKED, DEACTIVATED, NEVER_BOUND, Reach


class SurveyFileInvalid(InputError):
    """The file has problems; ``problems`` lists them (each with its line where known)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("survey_admin.invalid", problems=t("unit.problems", count=len(problems)))
        self.problems = problems


@dataclass(frozen=True)
class Preview:
    survey: Survey
    survey_id: int
    status: str
    reach: Reach

    def counts(self) -> dict[str, int]:
        why = list(self.reach.unreachable.values())
        return {"audience": len(self.reach.reachable) + len(why),
                "reachable": len(self.reach.reachable),
                NEVER_BOUND: why.count(NEVER_BOUND), BLOCKED: why.count(BLOCKED),
                DEACTIVATED: why.count(DEACTIVATED),
                "unknown": len(self.reach.unknown_numbers)}


def _all(a: Audience | None) -> list[Audience]:
    return [] if a is None else [a, *_all(a.excluded)]


async def roster_problems(store: Store, audience: Audience) -> list[Problem]:
    """The audience's codes the roster does not know, or of the wrong kind."""
    parts = _all(audience)
    colleges = sorted({c for a in parts for c in a.colleges})
    branches = sorted({b for a in parts for b in a.branches})
    buildings = sorted({b for a in parts for b in a.buildings})
    numbers = sorted({n for a in parts for n in a.numbers})
    known = await store.survey_roster_codes(colleges + branches, buildings, numbers)
    out: list[Problem] = []
    for code in colleges:
        if known.units.get(code) != UnitKind.COLLEGE.value:
            out.append(Problem(None, "survey_admin.unknown_college", {"code": code}))
    for code in branches:
        if known.units.get(code) != UnitKind.BRANCH.value:
            out.append(Problem(None, "survey_admin.unknown_branch", {"code": code}))
    out += [Problem(None, "survey_admin.unknown_building", {"name": b})
            for b in buildings if b not in known.buildings]
    out += [Problem(None, "survey_admin.unknown_number", {"number": n})
            for n in numbers if n not in known.numbers]
    return out


async def check_survey(store: Store, *, text: str, list_files: Callable[[str], str] | None,
                       now: datetime, max_reminders: int) -> Preview:
    """Check the file and the roster as ``create_survey`` does, storing nothing; the
    preview's ``survey_id`` is 0 and its status ``draft``."""
    survey, problems = parse_survey(text, list_files=list_files, max_reminders=max_reminders)
    if survey is None or problems:
        raise SurveyFileInvalid(problems)
    problems = await roster_problems(store, survey.audience)
    if problems:
        raise SurveyFileInvalid(problems)
    if await store.survey_by_code(survey.code) is not None:
        raise InputError("survey_admin.code_exists", code=survey.code)
    if survey.closes_at <= now:
        raise InputError("survey_admin.closes_in_past", closes=survey.closes_at.isoformat())
    return Preview(survey, 0, "draft", await store.survey_reach(survey.audience))


async def create_survey(store: Store, *, text: str, list_files: Callable[[str], str] | None,
                        person_id: int | None, now: datetime,
                        max_reminders: int) -> Preview:
    """Check the file and the roster, store the survey (status ``created``, nobody told
    yet), audit it; return its preview."""
    checked = await check_survey(store, text=text, list_files=list_files, now=now,
                                 max_reminders=max_reminders)
    survey = checked.survey
    sid = await store.add_survey(code=survey.code, title=survey.title, kind=survey.kind,
                                 anonymous=survey.anonymous, definition=survey_data(survey),
                                 source=text, opens_at=survey.opens_at,
                                 closes_at=survey.closes_at, created_by=person_id, now=now)
    await store.audit("survey_created", person_id, {"survey": survey.code, "id": sid}, now)
    return Preview(survey, sid, "created", checked.reach)


async def preview(store: Store, code: str) -> Preview:
    row = await store.survey_by_code(code)
    if row is None:
        raise InputError("survey_admin.unknown_survey", code=code)
    survey = survey_of(row.definition)
    return Preview(survey, row.id, row.status, await store.survey_reach(survey.audience))


async def require_admin(store: Store, person_id: int | None, now: datetime) -> int:
    """The person, if an admin (the Organisation Department); else refused and audited."""
    roles = {r for r, _ in await store.roles_of(person_id)} if person_id is not None else set()
    if person_id is None or Role.ADMIN.value not in roles:
        await store.audit("refused", person_id, {"action": "survey_admin", "why": "not_admin"},
                          now)
        raise InputError("survey_admin.not_admin")
    return person_id
