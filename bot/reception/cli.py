"""`python -m bot reception sessions|ics|feed`: reception days for operators.

``sessions [--weeks N]`` materialises the coming N weeks (default 8) of every active
schedule, as the running bot does at start and every few hours, and prints the counts.
``ics PERSON_NUMBER [--out FILE]`` writes that leader's upcoming sessions as iCalendar to
FILE, or to stdout with nothing else on it; an unknown person or one who is not a leader
is told on stderr (exit 1). ``feed PERSON_NUMBER [--revoke]`` prints a leader's new
calendar-feed link, or stops their links (``bot/reception/feed_cli.py``). Texts in
``--lang`` or ``[app] default_locale``.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.reception.feed_cli import run_feed
from bot.reception.ics import build_ics
from bot.reception.recurrence import RruleExpander
from bot.workcalendar import ChinaWorkCalendar
from core.clock import SystemClock
from locales import Catalog
from storage.calendar.overrides import load_overrides
from storage.db import make_engine, session_factory
from storage.migrate import upgrade_async
from storage.reception.materialise import is_leader, leader_sessions, materialise_sessions


def add_parser(sub: argparse._SubParsersAction, h: Callable[[str], str]) -> None:
    """``h``: a ``[cli_help]`` key's text in the chosen language."""
    rec = sub.add_parser("reception", help=h("cli_help.reception"))
    rsub = rec.add_subparsers(dest="reception_command", metavar="ACTION", required=True)
    ses = rsub.add_parser("sessions", help=h("cli_help.reception_sessions"))
    ses.add_argument("--weeks", type=int, default=8, metavar="N",
                     help=h("cli_help.reception_sessions_weeks"))
    ics = rsub.add_parser("ics", help=h("cli_help.reception_ics"))
    ics.add_argument("person", metavar="PERSON_NUMBER")
    ics.add_argument("--out", metavar="FILE", help=h("cli_help.reception_ics_out"))
    feed = rsub.add_parser("feed", help=h("cli_help.reception_feed"))
    feed.add_argument("person", metavar="PERSON_NUMBER")
    feed.add_argument("--revoke", action="store_true",
                      help=h("cli_help.reception_feed_revoke"))


async def run(settings: Settings, args: argparse.Namespace) -> int:
    catalog = Catalog.load(settings.app.default_locale)
    locale = getattr(args, "lang", None) or settings.app.default_locale
    tz = settings.app.timezone
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    sf = session_factory(engine)
    now = SystemClock().now()
    try:
        if args.reception_command == "feed":
            return await run_feed(settings, sf, args)
        if args.reception_command == "sessions":
            if not 1 <= args.weeks <= 104:
                print(catalog.render_plain(locale, "reception.bad_weeks", {}), file=sys.stderr)
                return 2
            today = now.astimezone(ZoneInfo(tz)).date()
            calendar = ChinaWorkCalendar(overrides=await load_overrides(sf))
            counts = await materialise_sessions(
                sf, first=today, last=today + timedelta(weeks=args.weeks),
                expander=RruleExpander(), calendar=calendar, tz=tz, now=now)
            print(catalog.render_plain(locale, "cli.sessions", {
                "created": counts.created, "updated": counts.updated,
                "unchanged": counts.unchanged, "cancelled": counts.cancelled}))
            return 0
        sessions = await leader_sessions(sf, args.person, since=now)
        if sessions is None or not await is_leader(sf, args.person):
            key = "reception.unknown_person" if sessions is None else "reception.not_leader"
            print(catalog.render_plain(locale, key, {"number": args.person}), file=sys.stderr)
            return 1
        data = build_ics(sessions, name=args.person, now=now)
        if args.out:
            Path(args.out).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return 0
    finally:
        await engine.dispose()
