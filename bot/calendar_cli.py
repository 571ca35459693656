"""`python -m bot calendar show|set|clear|list`: the working-day calendar for operators.

``show YEAR`` prints one line per day, for machines: ``YYYY-MM-DD KIND SOURCE`` with KIND
one of workday, weekend, holiday, makeup-workday and SOURCE one of package
(chinese_calendar), fallback (the holidays package or weekends only) or override (an
admin's correction). ``set`` and ``clear`` change the overrides in one transaction; a bad
date, a reversed or too long range is refused (exit 2) before anything is written, with
the message of the locale files in ``--lang`` or ``[app] default_locale`` (the help texts
too, ``[cli_help]``). A running bot picks changes up within
``scheduler.calendar_refresh.REFRESH_MINUTES``.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date

from bot.config import Settings
from bot.workcalendar import ChinaWorkCalendar
from core.calendar.days import MAX_LABEL, classify, day_range, days_of
from core.clock import SystemClock
from core.errors import DomainError, check_length
from core.replies import t
from core.types import JSON
from locales import Catalog
from storage.calendar.overrides import clear_overrides, list_overrides, load_overrides, \
    set_overrides
from storage.db import make_engine, session_factory
from storage.migrate import upgrade_async

FIRST_YEAR, LAST_YEAR = 1950, 2100  # what the holidays package covers; weekends beyond


def add_parser(sub: argparse._SubParsersAction, h: Callable[[str], str]) -> None:
    """``h``: a ``[cli_help]`` key's text in the chosen language."""
    cal = sub.add_parser("calendar", help=h("cli_help.calendar"))
    csub = cal.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    show = csub.add_parser("show", help=h("cli_help.calendar_show"),
                           description=h("cli_help.calendar_show_desc"))
    show.add_argument("year", type=int, metavar="YEAR")
    setp = csub.add_parser("set", help=h("cli_help.calendar_set"))
    setp.add_argument("first", metavar="FROM", help=h("cli_help.calendar_set_first"))
    setp.add_argument("last", nargs="?", metavar="TO", help=h("cli_help.calendar_set_last"))
    how = setp.add_mutually_exclusive_group(required=True)
    how.add_argument("--closed", action="store_true", help=h("cli_help.calendar_set_closed"))
    how.add_argument("--open", action="store_true", help=h("cli_help.calendar_set_open"))
    setp.add_argument("--label", default="", help=h("cli_help.calendar_set_label"))
    clear = csub.add_parser("clear", help=h("cli_help.calendar_clear"))
    clear.add_argument("first", metavar="FROM")
    clear.add_argument("last", nargs="?", metavar="TO")
    csub.add_parser("list", help=h("cli_help.calendar_list"))


async def run(settings: Settings, args: argparse.Namespace) -> int:
    catalog = Catalog.load(settings.app.default_locale)
    locale = getattr(args, "lang", None) or settings.app.default_locale

    def say(key: str, params: dict[str, JSON], *, error: bool = False) -> None:
        print(catalog.render_plain(locale, key, params), file=sys.stderr if error else sys.stdout)

    action = args.calendar_command
    try:
        if action == "show" and not FIRST_YEAR <= args.year <= LAST_YEAR:
            say("calendar.bad_year", {"year": str(args.year)}, error=True)
            return 2
        if action in ("set", "clear"):
            first, last = day_range(args.first, args.last)
            if action == "set":
                check_length(args.label, MAX_LABEL, "too_long.calendar_label")
    except DomainError as err:
        say(err.key, dict(err.params), error=True)
        return 2
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    sf = session_factory(engine)
    try:
        if action == "show":
            calendar = ChinaWorkCalendar(overrides=await load_overrides(sf))
            out = []
            for day in days_of(date(args.year, 1, 1), date(args.year, 12, 31)):
                working, source = calendar.decide(day)
                out.append(f"{day.isoformat()} {classify(day, working)} {source}\n")
            sys.stdout.write("".join(out))
        elif action == "list":
            for o in await list_overrides(sf):
                print(f"{o.day.isoformat()} {'open' if o.working else 'closed'} {o.source} "
                      f"{o.label}".rstrip())
        elif action == "set":
            count = await set_overrides(sf, first, last, working=bool(args.open),
                                        label=args.label, now=SystemClock().now())
            say("calendar.set", {"span": _span(first, last), "count": count,
                                 "status": t("calendar.open" if args.open else "calendar.closed"),
                                 "label": args.label or "—"})
        else:
            count = await clear_overrides(sf, first, last, now=SystemClock().now())
            say("calendar.cleared", {"span": _span(first, last), "count": count})
    finally:
        await engine.dispose()
    return 0


def _span(first: date, last: date) -> JSON:
    return first.isoformat() if first == last else \
        t("calendar.span", first=first.isoformat(), last=last.isoformat())
