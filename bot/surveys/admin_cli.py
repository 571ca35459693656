"""`python -m bot survey create FILE | preview CODE | push CODE`: the Organisation
Department's survey commands that need the database (``validate`` is in cli.py). Output
follows ``[app] default_locale`` or ``--lang``; a problem goes to stderr with exit 1."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings
from bot.surveys.survey_file import SurveyFileError, list_reader, problem_file, \
    read_survey_text
from core.clock import SystemClock
from core.errors import DomainError
from core.surveys.admin import Preview, SurveyFileInvalid, create_survey, preview
from core.surveys.model import state_name
from bot.surveys.progress import results_command, watch
from core.surveys.push import control, start_push
from locales import Catalog
from storage.db import make_engine, session_factory
from storage.migrate import upgrade_async
from storage.uow import unit_of_work


CODE_COMMANDS = ("preview", "push", "status", "pause", "resume", "cancel", "close",
                 "results")


def add_parsers(ssub: argparse._SubParsersAction) -> None:
    create = ssub.add_parser("create", help="check a survey file against the roster and "
                             "store it (nobody is told yet); prints its preview")
    create.add_argument("file", metavar="FILE")
    for name, text in (("preview", "the audience: how many it reaches, how many it cannot "
                                   "and why"),
                       ("push", "start sending the survey to its audience (the running bot "
                                "sends it at the platform's rate)"),
                       ("status", "where a push stands: sent, failed, unreachable, "
                                  "ambiguous, remaining, rate, ETA"),
                       ("pause", "stop feeding the push (what is queued still goes)"),
                       ("resume", "go on with a paused push"),
                       ("cancel", "cancel what is not sent yet"),
                       ("close", "end answering now (and any push still running)"),
                       ("results", "the answers per question, as a plain table or, with "
                                   "--out, as an Excel workbook")):
        cmd = ssub.add_parser(name, help=text)
        cmd.add_argument("code", metavar="CODE")
    ssub.choices["results"].add_argument(
        "--out", metavar="FILE.xlsx", help="write the workbook (summary, a sheet per "
        "question, raw answers) to this file instead of printing the table")
    ssub.choices["status"].add_argument(
        "--watch", action="store_true", help="a live progress bar until the push is done")
    for cmd in (create, *(ssub.choices[n] for n in CODE_COMMANDS)):
        cmd.add_argument("--lang", choices=("zh_CN", "en"),
                         help="language of the messages (default: [app] default_locale)")


def _print_preview(catalog: Catalog, locale: str, found: Preview) -> None:
    c = found.counts()
    print(catalog.render_plain(locale, "survey_cli.preview", {
        "code": found.survey.code, "title": found.survey.title,
        "status": state_name(found.status),
        "audience": c["audience"], "reachable": c["reachable"],
        "never_bound": c["never_bound"], "blocked": c["blocked"],
        "deactivated": c["deactivated"], "unknown": c["unknown"]}))


async def run(settings: Settings, args: argparse.Namespace) -> int:
    locale = args.lang or settings.app.default_locale
    catalog = Catalog.load(locale)
    text = ""
    if args.survey_command == "create":
        try:
            text = read_survey_text(Path(args.file))
        except SurveyFileError as exc:
            print(f"{args.file}: {catalog.render_plain(locale, exc.key)}", file=sys.stderr)
            return 2
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    now = SystemClock().now()
    try:
        async with unit_of_work(session_factory(engine)) as uow:
            if args.survey_command == "create":
                found = await create_survey(
                    uow.store, text=text, list_files=list_reader(Path(args.file).parent),
                    person_id=None, now=now, max_reminders=settings.surveys.max_reminders)
            elif args.survey_command == "preview":
                found = await preview(uow.store, args.code)
            elif args.survey_command == "push":
                found = await start_push(uow.store, args.code, person_id=None, now=now)
            elif args.survey_command == "status":
                return await watch(engine, catalog, locale, args.code, args.watch)
            elif args.survey_command == "results":
                return await results_command(uow.store, catalog, locale, args.code,
                                             out=args.out,
                                             min_group=settings.surveys.min_group)
            else:
                status = await control(uow.store, args.code, args.survey_command,
                                       person_id=None, now=now)
                print(catalog.render_plain(locale, "survey_cli.controlled",
                                           {"code": args.code, "status": state_name(status)}))
                return 0
    except SurveyFileInvalid as exc:
        print(catalog.render_plain(locale, exc.key, exc.params), file=sys.stderr)
        for p in exc.problems:
            where = str(problem_file(Path(args.file), p)) + \
                ("" if p.line is None else f":{p.line}")
            print(f"{where}: {catalog.render_plain(locale, p.key, p.params)}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(catalog.render_plain(locale, exc.key, exc.params), file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    _print_preview(catalog, locale, found)
    if args.survey_command == "push":
        print(catalog.render_plain(locale, "survey_cli.pushed",
                                   {"count": found.counts()["reachable"]}))
    return 0
