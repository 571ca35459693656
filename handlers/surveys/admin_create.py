"""Creating a survey from chat: ``/survey files`` lists the survey files of the folder the
bot is configured with (``[surveys] folder``), ``/survey create NAME`` checks one as the
CLI's ``survey create`` does (the file alone, then against the roster) and shows what it
would create, with a confirmation button; nothing is stored before the press. The file is
read again at the press: if it changed in between, nothing is created and the admin is
asked to check it again."""
from __future__ import annotations

import hashlib
from zoneinfo import ZoneInfo

from core.actions import Verb, encode
from core.errors import InputError
from core.replies import Button, t
from core.surveys.admin import Preview, SurveyFileInvalid, check_survey, create_survey
from core.surveys.ports import SurveyFiles
from handlers.context import FlowContext

#: at most this many of a file's problems are shown in chat (the CLI lists all)
SHOWN_PROBLEMS = 10


def _files(ctx: FlowContext) -> SurveyFiles:
    if ctx.config.survey_files is None:
        raise InputError("survey_admin.no_folder")
    return ctx.config.survey_files


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def list_files(ctx: FlowContext) -> None:
    names = _files(ctx).names()
    if not names:
        ctx.say("survey_admin.no_files")
        return
    ctx.say("survey_admin.files", names=[f"· {n}" for n in names])


def _invalid(ctx: FlowContext, name: str, exc: SurveyFileInvalid) -> None:
    lines = []
    for p in exc.problems[:SHOWN_PROBLEMS]:
        where = p.file or name
        lines.append(t("survey_admin.problem_line", where=where if p.line is None
                       else f"{where}:{p.line}", problem=t(p.key, **p.params)))
    more = len(exc.problems) - SHOWN_PROBLEMS
    if more > 0:
        lines.append(t("survey_admin.more_problems", count=more))
    ctx.say("survey_admin.invalid_in_chat", name=name,
            problems=t("unit.problems", count=len(exc.problems)), lines=lines)


async def _check(ctx: FlowContext, name: str) -> tuple[Preview, str] | None:
    text, list_files_of = _files(ctx).read(name)
    try:
        found = await check_survey(ctx.store, text=text, list_files=list_files_of,
                                   now=ctx.now, max_reminders=ctx.config.survey_max_reminders)
    except SurveyFileInvalid as exc:
        _invalid(ctx, name, exc)
        return None
    return found, _digest(text)


async def create_asked(ctx: FlowContext, name: str) -> None:
    """Check the file and ask to confirm; the conversation keeps the file's digest."""
    checked = await _check(ctx, name)
    if checked is None:
        return
    found, digest = checked
    s, c = found.survey, found.counts()
    tz = ZoneInfo(ctx.config.rules.timezone)
    ctx.conv.goto("survey_admin", "confirm", action="create", code=s.code, file=name,
                  digest=digest)
    ok = Button("survey_admin.create_button", encode(Verb.SA_CONFIRM, "", ctx.conv.version))
    keep = Button("survey_admin.keep_button", encode(Verb.CANCEL, "", ctx.conv.version))
    ctx.say("survey_admin.confirm_create", ((ok, keep),), name=name, code=s.code,
            title=s.title, kind=t(f"survey_kind.{s.kind}"),
            anonymity=t("survey_admin.anonymous" if s.anonymous else "survey_admin.named"),
            questions=t("unit.questions", count=len(s.questions)),
            opens=s.opens_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            closes=s.closes_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            audience=c["audience"], reachable=c["reachable"],
            unreachable=c["audience"] - c["reachable"])


async def create_confirmed(ctx: FlowContext, name: str, digest: str) -> None:
    """Create the survey the admin confirmed, if its file is still what was checked."""
    text, list_files_of = _files(ctx).read(name)
    if _digest(text) != digest:
        raise InputError("survey_admin.file_changed", name=name)
    try:
        found = await create_survey(ctx.store, text=text, list_files=list_files_of,
                                    person_id=ctx.identity.person_id, now=ctx.now,
                                    max_reminders=ctx.config.survey_max_reminders)
    except SurveyFileInvalid as exc:  # the roster changed since the check
        _invalid(ctx, name, exc)
        return
    ctx.say("survey_admin.created", edit=True, code=found.survey.code,
            title=found.survey.title)
