"""A survey file (TOML) checked into a ``core.surveys.model.Survey``, or every problem
found, each with its line (docs/surveys.md describes the format; the example is
``examples/surveys/satisfaction.toml``).

Pure and stdlib-only: the caller reads the file, and passes ``list_files`` to read an
audience's list file by the name the survey gives (``bot/surveys/survey_file.py`` reads
them beside the survey file). Codes that need the roster (a college, a building) are
checked by ``survey create``, not here. The top level is read here, the questions by
``definition_questions.py``, the audience by ``definition_audience.py``.
"""
from __future__ import annotations

import re
import tomllib
from datetime import datetime, timedelta

from core.replies import t
from core.surveys.definition_audience import (
    ROLES,
    ListFileError,
    ListFiles,
    audience_words,
    read_audience,
)
from core.surveys.definition_fields import Fields, Problem, Table
from core.surveys.definition_questions import read_questions
from core.surveys.model import Question, Survey
from core.surveys.toml_lines import key_lines
from core.types import JSON

__all__ = ["ListFileError", "ListFiles", "Problem", "parse_survey", "summary_params"]

KEYS = ("code", "title", "intro", "kind", "anonymous", "opens", "closes", "reminders",
        "results_for", "audience", "questions")
MAX_TITLE = 100
MAX_INTRO = 3000        # the first message also carries the title and the buttons
MAX_REMINDERS = 3       # the default of [surveys] max_reminders
SURVEY_KINDS = ("survey", "consultation")
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,58}[a-z0-9]")
_REMINDER = re.compile(r"([0-9]{1,4})([dh])")
_AT = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)\s*$")


def parse_survey(text: str, *, list_files: ListFiles | None = None,
                 max_reminders: int = MAX_REMINDERS) -> tuple[Survey | None, list[Problem]]:
    """The survey a file's text describes, or None and every problem found (sorted by
    line; a list file's problems after the survey file's own). A leading BOM and CRLF
    line ends are fine. ``list_files(name)`` returns a list file's text, raising
    ``ListFileError`` (or ``OSError``/``ValueError``) when it cannot; without it, an
    audience ``list`` is a problem. ``max_reminders`` is ``[surveys] max_reminders``."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [_syntax(text, exc)]
    f = Fields(key_lines(text))
    top = f.table(data, (), KEYS)
    survey = None if top is None else _survey(f, top, list_files, max_reminders)
    problems = sorted(f.problems, key=lambda p: (p.file is not None, p.line or 0))
    return (None if problems else survey), problems


def _survey(f: Fields, top: Table, list_files: ListFiles | None,
            max_reminders: int) -> Survey | None:
    code = f.text(top, (), "code", limit=200)
    if code is not None and not _CODE.fullmatch(code):
        f.bad(("code",), "survey_file.bad_code", code=code)
    title = f.text(top, (), "title", limit=MAX_TITLE)
    intro = f.text(top, (), "intro", limit=MAX_INTRO, required=False) or ""
    kind = f.text(top, (), "kind", limit=200, required=False) or "survey"
    if kind not in SURVEY_KINDS:
        f.bad(("kind",), "survey_file.bad_survey_kind", value=kind,
              known=", ".join(SURVEY_KINDS))
    anonymous = f.flag(top, (), "anonymous", None)
    opens, closes = _time(f, top, "opens"), _time(f, top, "closes")
    if opens is not None and closes is not None and opens >= closes:
        f.bad(("closes",), "survey_file.closes_before_opens")
    reminders = _reminders(f, top, opens, closes, max_reminders)
    results_for: tuple[str, ...] = ("admin",)
    given = f.texts(top, (), "results_for")
    if given is not None:
        results_for = f.known(given, ROLES, "survey_file.unknown_role")
    audience = None
    if not f.missing(top, (), "audience"):
        audience = read_audience(f, top["audience"], list_files)
    questions: tuple[Question, ...] = ()
    if not f.missing(top, (), "questions"):
        questions = read_questions(f, top["questions"])
    if (code is None or title is None or anonymous is None or opens is None
            or closes is None or audience is None or not questions):
        return None
    return Survey(code=code, title=title, intro=intro, anonymous=anonymous,
                  audience=audience, opens_at=opens, closes_at=closes,
                  questions=questions, reminders=reminders, results_for=results_for,
                  kind=kind)


def _time(f: Fields, top: Table, name: str) -> datetime | None:
    """A TOML date-time with its offset (a local one would be read in no known zone)."""
    if f.missing(top, (), name):
        return None
    value = top[name]
    if not isinstance(value, datetime):
        f.bad((name,), "survey_file.wrong_type", key=name,
              expected=t("survey_file.type_datetime"))
        return None
    if value.tzinfo is None:
        f.bad((name,), "survey_file.naive_time", key=name)
        return None
    return value


def _reminders(f: Fields, top: Table, opens: datetime | None, closes: datetime | None,
               max_reminders: int) -> tuple[timedelta, ...]:
    given = f.texts(top, (), "reminders")
    if given is None:
        return ()
    if len(given) > max_reminders:
        f.bad(given[max_reminders][1], "survey_file.too_many_reminders", count=max_reminders)
    out: list[timedelta] = []
    for text, at in given:
        m = _REMINDER.fullmatch(text.lower().replace(" ", ""))
        if m is None or int(m[1]) == 0:
            f.bad(at, "survey_file.bad_reminder", value=text)
            continue
        after = timedelta(days=int(m[1])) if m[2] == "d" else timedelta(hours=int(m[1]))
        if after in out:
            f.bad(at, "survey_file.repeated_value", key="reminders", value=text)
        elif opens is not None and closes is not None and after >= closes - opens:
            f.bad(at, "survey_file.reminder_too_late", value=text)
        out.append(after)
    return tuple(sorted(set(out)))


def _syntax(text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    """tomllib's own message, with its line; "at end of document" is the last line."""
    message = str(exc)
    m = _AT.search(message)
    detail = message[:m.start()] if m else message
    line = int(m[1]) if m and m[1] else max(1, len(text.splitlines()))
    return Problem(line, "survey_file.syntax", {"detail": detail})


def summary_params(survey: Survey) -> dict[str, JSON]:
    """The parameters of ``survey_file.valid``: a checked survey in one line."""
    return {"title": survey.title,
            "kind": t("survey_file.kind_consultation" if survey.kind == "consultation"
                      else "survey_file.kind_survey"),
            "questions": t("survey_file.n_questions", count=len(survey.questions)),
            "anonymity": t("survey_file.anonymous" if survey.anonymous
                           else "survey_file.named"),
            "audience": audience_words(survey.audience)}
