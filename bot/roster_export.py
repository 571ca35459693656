"""`python -m bot roster export FILE.xlsx`: the current roster in the import format.

The officer edits the export and imports it again instead of keeping a copy of their own;
an export imported unchanged changes nothing. The query is storage/people/roster/export.py,
the workbook storage/people/roster/workbook.py (the template's format: text columns,
drop-downs, the 说明 sheet). The target is checked before the database is touched and
written through a temporary file (bot/output_files.py). Output follows ``[app]
default_locale`` or ``--lang``. Exit codes: 0 written, 1 cannot write, 2 not an .xlsx name.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings
from bot.output_files import OutputProblem, reserve
from bot.roster_codes import guarded, refuse_control_chars
from locales import Catalog
from storage.db import make_engine, session_factory, shown_url, sqlite_file_missing
from storage.migrate import upgrade_async
from storage.people.roster.export import COLUMNS, roster_tables
from storage.people.roster.people import roster_is_empty
from storage.people.roster.workbook import write_roster_workbook


def add_parser(roster: argparse.ArgumentParser) -> None:
    """Add ``export`` to the ``roster`` command's actions."""
    actions = next(a for a in roster._actions if isinstance(a, argparse._SubParsersAction))
    export = actions.add_parser(
        "export", help="write the current roster (active people) as an .xlsx to edit and "
                       "import again",
        description="Write every sheet the import reads (units, people, roles, zones, "
                    "calendar, reception, reception_dates) for the active people; importing "
                    "the file unchanged changes nothing.")
    export.add_argument("file", metavar="FILE.xlsx", help="the workbook to write")
    export.add_argument("--lang", choices=("zh_CN", "en"),
                        help="language of the messages (default: [app] default_locale)")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    locale = args.lang or settings.app.default_locale
    catalog = Catalog.load(locale)

    def say(key: str, params: dict[str, object], *, err: bool = False) -> None:
        print(catalog.render_plain(locale, key, params), file=sys.stderr if err else sys.stdout)

    path = Path(args.file)
    if path.suffix.lower() != ".xlsx":
        say("roster_export.not_xlsx", {"path": str(path)}, err=True)
        return 2
    if sqlite_file_missing(settings.database.url):  # a mistyped path: create nothing
        say("roster_export.empty_roster", {"url": shown_url(settings.database.url)}, err=True)
        return 1
    try:
        target = reserve(path)
    except OutputProblem as exc:
        say("roster_export.cannot_write", {"path": str(path),
                                           "reason": {"t": exc.reason, "p": exc.params}},
            err=True)
        return 1
    try:
        await upgrade_async(settings.database.url)
        engine = make_engine(settings.database.url)
        try:
            empty = await roster_is_empty(session_factory(engine))
            tables = {} if empty else await roster_tables(session_factory(engine))
        finally:
            await engine.dispose()
        if empty:  # a fresh or mistyped database: no file that looks like a roster
            say("roster_export.empty_roster", {"url": shown_url(settings.database.url)},
                err=True)
            return 1
        for rows in tables.values():
            refuse_control_chars(path, rows)
        target.publish(guarded(lambda tmp: write_roster_workbook(
            tmp, {sheet: (COLUMNS[sheet], rows) for sheet, rows in tables.items()})))
    except OutputProblem as exc:
        say("roster_export.cannot_write", {"path": str(path),
                                           "reason": {"t": exc.reason, "p": exc.params}},
            err=True)
        return 1
    finally:
        if not target.published:
            target.abandon()
    say("roster_export.done", {"count": len(tables["people"]), "path": str(path)})
    return 0
