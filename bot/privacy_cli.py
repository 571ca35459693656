"""`python -m bot privacy sweep|export` (docs/decisions/0027).

``sweep`` runs the privacy sweep once, as the running bot does every ``[privacy]
sweep_hours``; ``--dry-run`` changes nothing and prints what it would touch, one count per
kind (in the locale files' words: ``--lang``, default ``[app] default_locale``).
``export PERSON`` prints everything held about the person with that roster number as
JSON (or writes it to ``--out FILE``, readable by its owner only); each export is audited.
It leaves out the person's anonymous concerns (docs/decisions/0008: only the identity
supervisor may learn who wrote one) and says how many on stderr; the person gets them
with /mydata. A file that cannot be written, or an upload folder the sweep cannot
handle, is one sentence and exit 2, never a traceback, and leaves no file.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.config import Settings
from bot.output_files import OutputFile, OutputProblem, reserve
from bot.privacy_files import folder_files
from bot.privacy_summary import localised
from core.clock import SystemClock
from core.privacy.mydata import ANONYMOUS_CONCERNS, export_by_number
from core.replies import t
from locales import Catalog
from scheduler.privacy_sweep import privacy_sweep
from storage.db import make_engine, session_factory
from storage.migrate import upgrade_async
from storage.uow import unit_of_work

LANGS = ("zh_CN", "en")
#: each count's words (core/privacy/retention.py ``RetentionReport.counts``)
KINDS = {"concerns": "privacy.kind_concerns", "attachments": "privacy.kind_attachments",
         "relay_messages": "privacy.kind_relay_messages", "events": "privacy.kind_events",
         "outbox_rows": "privacy.kind_outbox_rows", "inbox_rows": "privacy.kind_inbox_rows",
         "reception_topics": "privacy.kind_reception_topics",
         "reception_bookings": "privacy.kind_reception_bookings",
         "survey_drafts": "privacy.kind_survey_drafts",
         "accounts": "privacy.kind_accounts", "survey_answers": "privacy.kind_survey_answers",
         "files": "privacy.kind_files", "sent_messages": "privacy.kind_sent_messages",
         "handled_inbox": "privacy.kind_handled_inbox", "exports": "privacy.kind_exports"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("privacy", help="personal information: the retention sweep, a "
                                       "person's data")
    psub = p.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    sweep = psub.add_parser(
        "sweep", help="anonymise concerns past [privacy] retention_days; delete old "
                      "messages and /mydata files",
        description="Run the privacy sweep once: concerns closed more than [privacy] "
                    "retention_days ago are anonymised, and reception topics and bookings "
                    "that long after their session; sent messages, handled inbox rows and "
                    "abandoned survey drafts older than message_days deleted (drafts of "
                    "surveys that are over at once); /mydata files older than export_hours "
                    "removed, and upload files no row names any more. Prints one count per "
                    "kind.")
    sweep.add_argument("--dry-run", action="store_true",
                       help="change nothing: print what the sweep would touch now")
    sweep.add_argument("--lang", choices=LANGS, help="language of the lines "
                                                     "(default: [app] default_locale)")
    export = psub.add_parser("export", help="everything held about one person, as JSON")
    export.add_argument("person", metavar="PERSON_NUMBER")
    export.add_argument("--out", metavar="FILE", help="write the JSON here instead of stdout")
    export.add_argument("--lang", choices=LANGS, help="language of the messages")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    catalog = Catalog.load(settings.app.default_locale)
    locale = args.lang or settings.app.default_locale
    if args.privacy_command == "sweep":
        return await _sweep(settings, args, catalog, locale)
    return await _export(settings, args, catalog, locale)


async def _sweep(settings: Settings, args: argparse.Namespace, catalog: Catalog,
                 locale: str) -> int:
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    try:
        files = folder_files(settings)
        report = await privacy_sweep(session_factory(engine), SystemClock(),
                                     rules=settings.privacy.rules(), files=files,
                                     dry_run=args.dry_run)
    except OSError as exc:  # the upload folder: unreadable, a file that cannot go
        if exc.filename is None:  # not a file's (a connection's): not the folder's fault
            raise
        print(catalog.render_plain(locale, "privacy.cli_folder_error", {
            "folder": settings.web.upload_dir, "error": exc.strerror or str(exc)}),
            file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(catalog.render_plain(locale, "privacy.cli_dry_run" if args.dry_run
                               else "privacy.cli_done"))
    for kind, count in report.counts().items():
        print(catalog.render_plain(locale, "privacy.cli_line", {
            "what": t(KINDS[kind]), "count": count}))
    return 0


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _left_out(not_included: object) -> int:
    """How many anonymous concerns an officer's export left out."""
    for item in not_included if isinstance(not_included, list) else []:
        if isinstance(item, dict) and item.get("code") == ANONYMOUS_CONCERNS:
            return int(item.get("count") or 0)
    return 0


def _cannot_write(catalog: Catalog, locale: str, problem: OutputProblem) -> int:
    print(catalog.render_plain(locale, "privacy.cli_cannot_write", {
        "path": str(problem.path),
        "reason": t(problem.reason, **problem.params)}), file=sys.stderr)
    return 2


async def _export(settings: Settings, args: argparse.Namespace, catalog: Catalog,
                  locale: str) -> int:
    """The person's data as JSON on stdout or in ``--out`` (checked before anything is
    read, written before the export's audit row commits: a failure leaves neither)."""
    target: OutputFile | None = None
    if args.out:
        try:
            target = reserve(args.out)
        except OutputProblem as problem:
            return _cannot_write(catalog, locale, problem)
    text, committed = "", False
    try:
        await upgrade_async(settings.database.url)
        engine = make_engine(settings.database.url)
        try:
            async with unit_of_work(session_factory(engine)) as uow:
                data = await export_by_number(uow.store, args.person, now=SystemClock().now())
                if data is not None:
                    text = json.dumps(localised(catalog, locale, data), ensure_ascii=False,
                                      indent=2, sort_keys=True) + "\n"
                    if target is not None:
                        target.publish(lambda path: _write(path, text))
            committed = True
        finally:
            await engine.dispose()
    except OutputProblem as problem:
        return _cannot_write(catalog, locale, problem)
    finally:  # a file written for an export whose audit row did not commit goes too
        if target is not None and not (committed and target.published):
            target.abandon()
    if data is None:
        print(catalog.render_plain(locale, "privacy.cli_unknown_person",
                                   {"number": args.person}), file=sys.stderr)
        return 1
    left_out = _left_out(data.get("not_included"))
    if left_out:
        print(catalog.render_plain(locale, "privacy.cli_left_out", {"count": left_out}),
              file=sys.stderr)
    if target is None:
        sys.stdout.write(text)
        return 0
    print(catalog.render_plain(locale, "privacy.cli_written", {"path": args.out}),
          file=sys.stderr)
    return 0
