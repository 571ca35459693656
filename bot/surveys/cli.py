"""`python -m bot survey validate FILE`: check a survey file alone, without a database.

Prints every problem as ``FILE:LINE: message`` (the survey's or a list file's line) in
``[app] default_locale`` or ``--lang``, then a count, and exits 1; a good file gets one
line (title, kind, questions, anonymous or named, the audience in words) and exit 0; a
file that cannot be read (missing, a folder, over 1 MB, not UTF-8) one line on stderr and
exit 2. The format is docs/surveys.md.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.surveys import admin_cli
from bot.surveys.survey_file import SurveyFileError, load_survey, problem_file
from core.surveys.definition import summary_params
from locales import Catalog


def add_parser(sub: argparse._SubParsersAction) -> None:
    survey = sub.add_parser("survey", help="surveys and consultations: check a survey file")
    ssub = survey.add_subparsers(dest="survey_command", metavar="ACTION", required=True)
    validate = ssub.add_parser(
        "validate", help="check a survey file without a database; list every problem",
        description="Check a survey file (TOML, docs/surveys.md) and the list files it "
                    "names, without a database. Exit 0 when it is valid, 1 with problems, "
                    "2 when the file cannot be read.")
    validate.add_argument("file", metavar="FILE", help="the survey file, e.g. "
                          "examples/surveys/satisfaction.toml")
    validate.add_argument("--lang", choices=("zh_CN", "en"),
                          help="language of the messages (default: [app] default_locale)")
    admin_cli.add_parsers(ssub)


def validate(file: str, *, locale: str, max_reminders: int) -> int:
    """The command: 0 valid, 1 with problems, 2 when the file cannot be read."""
    catalog = Catalog.load(locale)
    path = Path(file)
    try:
        survey, problems = load_survey(path, max_reminders=max_reminders)
    except SurveyFileError as exc:
        print(f"{file}: {catalog.render_plain(locale, exc.key)}", file=sys.stderr)
        return 2
    for p in problems:
        where = str(problem_file(path, p)) + ("" if p.line is None else f":{p.line}")
        print(f"{where}: {catalog.render_plain(locale, p.key, p.params)}")
    if survey is None:
        print(catalog.render_plain(locale, "survey_file.invalid", {"count": len(problems)}))
        return 1
    print(catalog.render_plain(locale, "survey_file.valid", summary_params(survey)))
    return 0
