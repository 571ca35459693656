"""`python -m bot privacy sweep|export` (docs/decisions/0027).

``sweep`` runs the privacy sweep once, as the running bot does every ``[privacy]
sweep_hours``; ``--dry-run`` changes nothing and prints what it would touch, one count per
kind (in the locale files' words: ``--lang``, default ``[app] default_locale``).
``export PERSON`` prints everything held about the person with that roster number as
JSON (or writes it to ``--out FILE``, readable by its owner only); each export is audited.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from bot.config import Settings
from bot.privacy_files import folder_files
from core.clock import SystemClock
from core.privacy.mydata import export_by_number
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
                    "retention_days ago are anonymised, sent messages and handled inbox "
                    "rows older than message_days deleted, /mydata files older than "
                    "export_hours removed. Prints one count per kind.")
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
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    sf = session_factory(engine)
    try:
        if args.privacy_command == "sweep":
            files = folder_files(settings)
            report = await privacy_sweep(sf, SystemClock(), rules=settings.privacy.rules(),
                                         files=files, dry_run=args.dry_run)
            print(catalog.render_plain(locale, "privacy.cli_dry_run" if args.dry_run
                                       else "privacy.cli_done"))
            for kind, count in report.counts().items():
                print(catalog.render_plain(locale, "privacy.cli_line", {
                    "what": t(KINDS[kind]), "count": count}))
            return 0
        async with unit_of_work(sf) as uow:
            data = await export_by_number(uow.store, args.person, now=SystemClock().now())
    finally:
        await engine.dispose()
    if data is None:
        print(catalog.render_plain(locale, "privacy.cli_unknown_person",
                                   {"number": args.person}), file=sys.stderr)
        return 1
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if not args.out:
        sys.stdout.write(text)
        return 0
    fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(catalog.render_plain(locale, "privacy.cli_written", {"path": args.out}),
          file=sys.stderr)
    return 0
