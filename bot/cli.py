"""`python -m bot`: run the bot and the operator's commands."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot import calendar_cli, roster_cli, roster_export
from bot.reception import cli as reception_cli
from bot.surveys import cli as survey_cli
from bot import privacy_cli
from bot.config import ConfigError, Settings, StartupError, load_settings
from bot.crisis.model import CrisisModelMissing

DESCRIPTION = "Xinqiao (心桥): the campus contact-and-serve chat bot."
SWEEPS = ("followup", "crisis", "ladder", "reception")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description=DESCRIPTION)
    p.add_argument("--config", help="config file (default: config.toml or $XQ_CONFIG)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = sub.add_parser("run", help="migrate the database and run the bot")
    run.add_argument("--seed-if-empty", metavar="ROSTER",
                     help="import this roster first when the database has no people")
    sub.add_parser("migrate", help="upgrade the database schema to the latest revision")
    roster_cli.add_parser(sub)
    roster_export.add_parser(sub.choices["roster"])
    sweep = sub.add_parser(
        "sweep", help="run the periodic sweeps once (follow-ups, crisis escalation, "
                      "the 催办/督办 ladder, reception sessions and reminders)",
        description="Run the periodic sweeps once. At the real time (no --now) all run, as "
                    "in the bot. With --now only the follow-ups run unless --only crisis, "
                    "--only ladder or --only reception is given: a sweep at a chosen time "
                    "would page live crisis cases, escalate live concerns, or send "
                    "reception reminders, before their time.")
    sweep.add_argument("--now", metavar="TIME",
                       help="act as if it were this ISO time (e.g. 2026-12-01T09:00+08:00)")
    sweep.add_argument("--only", action="append", choices=SWEEPS, metavar="SWEEP",
                       help="run only this sweep: followup, crisis, ladder or reception "
                            "(repeat for several)")
    sub.add_parser("status", help="inbox and outbox backlogs, dead rows, unreachable people")
    calendar_cli.add_parser(sub)
    reception_cli.add_parser(sub)
    survey_cli.add_parser(sub)
    privacy_cli.add_parser(sub)
    hist = sub.add_parser("history", help="print every event of one concern, oldest first")
    hist.add_argument("number", metavar="NUMBER",
                      help="the concern's number, e.g. DEMO-2026-000001")
    hist.add_argument("--lang", choices=("zh_CN", "en"),
                      help="language of the lines (default: [app] default_locale)")
    crisis = sub.add_parser("crisis", help="try crisis wording as the bot would judge it")
    csub = crisis.add_subparsers(dest="crisis_command", metavar="ACTION", required=True)
    check = csub.add_parser(
        "check", help="judge messages, one per line: crisis, review or none, and why",
        description="Read one message per line (stdin when no FILE) and print one JSON "
                    "object per line: {\"text\", \"verdict\": crisis|review|none, \"why\"}, "
                    "with this deployment's configuration. Nothing is stored or sent.")
    check.add_argument("file", nargs="?", metavar="FILE", help="UTF-8 text, one message per line")
    check.add_argument("--conversation", action="store_true",
                       help="the lines are one person's successive messages (one minute apart)")
    webp = sub.add_parser("web", help="the local web chat")
    wsub = webp.add_subparsers(dest="web_command", metavar="ACTION", required=True)
    tok = wsub.add_parser("token", help="issue a web chat link for one person")
    tok.add_argument("person", metavar="PERSON_NUMBER")
    rev = wsub.add_parser("revoke", help="end every web chat link of one person")
    rev.add_argument("person", metavar="PERSON_NUMBER")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic narrates plugin set-up and each migration step; we print one line instead.
    # Likewise APScheduler (each job added) and aiohttp's per-request access log.
    for noisy in ("alembic", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2

    if args.command == "crisis":  # no database: judge the lines and stop
        from bot.crisis import check
        from bot.crisis.factory import build_assessor

        try:
            assessor = build_assessor(settings.crisis)
        except CrisisModelMissing as exc:
            print(exc, file=sys.stderr)
            return 2
        return check.run(assessor, args.file, conversation=args.conversation)

    if args.command == "survey" and args.survey_command == "validate":  # no database
        return survey_cli.validate(args.file, locale=args.lang or settings.app.default_locale,
                                   max_reminders=settings.surveys.max_reminders)

    from storage.db import DatabaseFolderError, DatabaseUnavailable, ensure_sqlite_folder

    try:
        ensure_sqlite_folder(settings.database.url)
        return asyncio.run(_run(args, settings))
    except StartupError as exc:
        print(exc, file=sys.stderr)
        return 2
    except CrisisModelMissing as exc:  # the bot never runs crisis detection half-built
        print(exc, file=sys.stderr)
        return 2
    except DatabaseFolderError as exc:
        print(f"Cannot create the folder {exc.folder} for the SQLite database ({exc.reason}): "
              f"set [database] url (XQ_DATABASE__URL) to a file in a folder that exists or "
              f"can be created.", file=sys.stderr)
        return 2
    except DatabaseUnavailable as exc:  # one sentence: which database, what to do
        from locales import Catalog

        locale = getattr(args, "lang", None) or settings.app.default_locale
        print(Catalog.load(locale).render_plain(locale, exc.key, exc.params), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot import commands

    if args.command == "migrate":
        return await commands.migrate(settings)
    if args.command == "sweep":
        return await commands.sweep(settings, args.now, args.only)
    if args.command == "status":
        return await commands.status(settings)
    if args.command == "calendar":
        return await calendar_cli.run(settings, args)
    if args.command == "reception":
        return await reception_cli.run(settings, args)
    if args.command == "privacy":
        return await privacy_cli.run(settings, args)
    if args.command == "survey":
        from bot.surveys import admin_cli as survey_admin_cli

        return await survey_admin_cli.run(settings, args)
    if args.command == "history":
        from bot.concern_history import history

        return await history(settings, args.number, args.lang)
    if args.command == "roster" and args.roster_command == "export":
        return await roster_export.run(settings, args)
    if args.command == "roster":
        return await roster_cli.run(settings, args)
    if args.command == "web":
        if args.web_command == "revoke":
            return await commands.web_revoke(settings, args.person)
        return await commands.web_token(settings, args.person)
    if args.command == "run":
        return await commands.run(settings, args.seed_if_empty)
    raise AssertionError(args.command)
