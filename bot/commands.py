"""The operator's commands behind `python -m bot`. Each prints what it did or why not."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from tqdm import tqdm

from bot.config import Settings
from core.clock import Clock, SystemClock
from core.people.roster import RosterInvalid
from core.people.roster_validation import validate_roster
from core.workdays import WorkCalendar
from storage import inbox, outbox
from storage.db import Engine, make_engine, session_factory
from storage.migrate import upgrade_async
from storage.people.roster import (
    RosterFileError,
    UnknownPeople,
    apply_roster,
    issue_codes,
    read_roster,
    roster_is_empty,
    write_codes_csv,
)


async def migrate(settings: Settings) -> int:
    await upgrade_async(settings.database.url)
    print(f"Database is at the latest schema: {settings.database.url}")
    return 0


async def _import(settings: Settings, file: Path) -> bool:
    try:
        roster = validate_roster(read_roster(file))
    except RosterFileError as exc:
        print(f"Cannot read the roster: {exc}", file=sys.stderr)
        return False
    except RosterInvalid as exc:
        print(f"The roster {file} has {len(exc.problems)} problem(s); nothing was imported:",
              file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return False
    total = len(roster.units) + len(roster.people) + len(roster.roles) + len(roster.zones)
    engine = make_engine(settings.database.url)
    try:
        with tqdm(total=total, desc="importing", unit="row", disable=total < 500,
                  file=sys.stderr) as bar:
            report = await apply_roster(session_factory(engine), roster,
                                        now=SystemClock().now(),
                                        progress=lambda done, _t: bar.update(done - bar.n),
                                        source=str(file),
                                        default_locale=settings.app.default_locale)
    finally:
        await engine.dispose()
    for name, counts in report.as_dict().items():
        print(f"{name:6}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("Roster imported." if report.changed else "Roster imported: nothing changed.")
    return True


async def roster_import(settings: Settings, file: Path, codes_csv: str | None) -> int:
    await upgrade_async(settings.database.url)
    if not await _import(settings, file):
        return 1
    if codes_csv:
        return await roster_codes(settings, Path(codes_csv), None, "")
    return 0


async def roster_codes(settings: Settings, out: Path, people: list[str] | None,
                       bot_username: str) -> int:
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    try:
        codes = await issue_codes(session_factory(engine), now=SystemClock().now(),
                                  ttl=timedelta(hours=settings.binding.code_ttl_hours),
                                  person_numbers=people, only_unbound=people is None)
    except UnknownPeople as exc:
        print(f"No codes issued: {exc}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    username = bot_username or settings.telegram.bot_username or await _username_from_telegram(
        settings)
    write_codes_csv(out, codes, username)
    print(f"Issued {len(codes)} binding code(s), valid {settings.binding.code_ttl_hours} h: {out}")
    if not username and not settings.telegram.token.get_secret_value():
        print("No bot username known, so the CSV has no t.me links: pass --bot-username "
              "or set [telegram] bot_username.")
    return 0


async def _username_from_telegram(settings: Settings) -> str:
    """The bot's username from Telegram's getMe when a token is set; "" (saying why in one
    sentence) when there is no token or getMe fails."""
    if not settings.telegram.token.get_secret_value():
        return ""
    import asyncio

    from aiogram.exceptions import TelegramAPIError

    from bot.app import make_bot

    bot = make_bot(settings)
    try:
        me = await asyncio.wait_for(bot.get_me(), timeout=30)
    except (TelegramAPIError, TimeoutError) as exc:
        print(f"Could not ask Telegram for the bot's username (getMe at "
              f"{settings.telegram.api_base}: {exc or 'no answer in 30 s'}), so the CSV has no "
              f"t.me links: pass --bot-username or set [telegram] bot_username.",
              file=sys.stderr)
        return ""
    finally:
        await bot.session.close()
    print(f"Bot username from Telegram (getMe): @{me.username}")
    return me.username or ""


async def status(settings: Settings) -> int:
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    sf = session_factory(engine)
    try:
        ib, ob = await inbox.backlog(sf), await outbox.backlog(sf)
        gone = await outbox.unreachable_people(sf)
    finally:
        await engine.dispose()
    print(f"inbox : pending {ib.get('pending', 0)}, dead {ib.get('dead', 0)}, "
          f"done {ib.get('done', 0)}")
    print(f"outbox: pending {ob.get('pending', 0)}, dead {ob.get('dead', 0)}, "
          f"sent {ob.get('sent', 0)}, unreachable {ob.get('unreachable', 0)}")
    print(f"unreachable people: {len(gone)}")
    for channel, chat, since in gone[:20]:
        print(f"  {channel} chat {chat} since {since:%Y-%m-%d %H:%M} UTC")
    return 0


async def run(settings: Settings, seed: str | None) -> int:
    from bot.app import check_channels, serve

    check_channels(settings)
    await upgrade_async(settings.database.url)
    if seed:
        engine = make_engine(settings.database.url)
        try:
            empty = await roster_is_empty(session_factory(engine))
        finally:
            await engine.dispose()
        if empty:
            print(f"Empty database: seeding the demo roster from {seed}")
            if not await _import(settings, Path(seed)):
                return 1
    await serve(settings)
    return 0


async def web_token(settings: Settings, person_number: str) -> int:
    from bot.web.tokens import UnknownPerson, issue_token

    # While the web channel is off the sender has no "web" channel: a web identity would
    # collect notices nobody can send.
    if not settings.web.enabled:
        print("The web chat is disabled: set [web] enabled = true (or XQ_WEB__ENABLED=true) "
              "first.", file=sys.stderr)
        return 2
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    try:
        token = await issue_token(session_factory(engine), person_number, SystemClock().now())
    except UnknownPerson:
        print(f"No active person with number {person_number}.", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(f"{settings.web.url}#token={token}")
    print(f"This link works for {settings.web.token_ttl_days} days; end it sooner with "
          f"`python -m bot web revoke {person_number}`.", file=sys.stderr)
    return 0


async def web_revoke(settings: Settings, person_number: str) -> int:
    from bot.web.tokens import UnknownPerson, revoke_tokens

    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    try:
        count = await revoke_tokens(session_factory(engine), person_number)
    except UnknownPerson:
        print(f"No person with number {person_number}.", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(f"Ended {count} web chat link(s) of {person_number}; a running bot refuses them "
          f"within {settings.web.token_check_seconds:g} s.")
    return 0


SWEEP_NAMES = ("followup", "crisis", "ladder", "reception")


async def _reception(settings: Settings, engine: Engine, clock: Clock,
                     calendar: WorkCalendar) -> None:
    """Materialise the coming sessions, then the reception reminders, at ``clock``."""
    from bot.reception.recurrence import RruleExpander
    from scheduler.reception_reminders import reception_reminder_sweep
    from scheduler.reception_sweep import reception_sweep

    sf, tz = session_factory(engine), settings.app.timezone
    await reception_sweep(sf, clock, expander=RruleExpander(), calendar=calendar, timezone=tz)
    done = await reception_reminder_sweep(sf, clock, rules=settings.reception.rules(),
                                          calendar=calendar, timezone=tz,
                                          default_locale=settings.app.default_locale)
    print(f"reception reminders sent: {done.sent} ({done.messages} message(s)); "
          f"planned: {done.planned}; cancelled: {done.cancelled}; dropped: {done.dropped}")


async def sweep(settings: Settings, now_text: str | None, only: list[str] | None) -> int:
    """The follow-up, crisis and ladder sweeps once. With --now and no --only, follow-ups
    only: a time-travelling crisis or ladder sweep would escalate live cases whose limits
    have not passed."""
    from datetime import datetime

    from bot.crisis_config import crisis_rules
    from bot.workcalendar import ChinaWorkCalendar
    from core.clock import FixedClock
    from storage.calendar.overrides import load_overrides
    from bot.ladder_config import ladder_rules
    from scheduler.crisis_sweep import crisis_sweep
    from scheduler.ladder_sweep import ladder_sweep
    from scheduler.sweeps import followup_sweep

    try:
        clock = FixedClock(datetime.fromisoformat(now_text)) if now_text else SystemClock()
    except ValueError:
        print(f"--now expects an ISO time such as 2026-12-01T09:00+08:00, not {now_text!r}",
              file=sys.stderr)
        return 2
    if clock.now().tzinfo is None:
        print("--now needs a time zone offset, e.g. +08:00", file=sys.stderr)
        return 2
    run = set(only or (["followup"] if now_text else SWEEP_NAMES))
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    try:
        # the admins' corrections (calendar_overrides) count here as in the running bot
        calendar = ChinaWorkCalendar(overrides=await load_overrides(session_factory(engine)))
        if "followup" in run:
            asked, closed = await followup_sweep(
                session_factory(engine), clock, calendar=calendar,
                timezone=settings.app.timezone,
                answer_working_days=settings.followup.answer_working_days,
                default_locale=settings.app.default_locale)
            print(f"follow-ups asked: {asked}; closed without answer: {closed}")
        if "crisis" in run:
            escalated = await crisis_sweep(session_factory(engine), clock,
                                           rules=crisis_rules(settings))
            print(f"crisis escalations: {escalated}")
        elif not only:
            print("crisis escalation skipped: at a chosen time (--now) it would page live "
                  "crisis cases early; add --only crisis to run it.")
        if "ladder" in run:
            rules = ladder_rules(settings, calendar)
            if rules.quiet(clock.now()):
                print(f"quiet hours ([ladder] quiet_hours = {settings.ladder.quiet_hours!r}, "
                      f"{settings.app.timezone}): P2/P3 notices wait until they end")
            done = await ladder_sweep(session_factory(engine), clock, rules=rules)
            print(f"deadline notices sent: {done.sent} ({done.messages} message(s)); "
                  f"dropped as too old: {done.dropped}; concerns planned: {done.planned}")
        elif not only:
            print("催办/督办 ladder skipped: at a chosen time (--now) it would escalate live "
                  "concerns early; add --only ladder to run it.")
        if "reception" in run:
            await _reception(settings, engine, clock, calendar)
        elif not only:
            print("reception reminders skipped: at a chosen time (--now) they would go out "
                  "early; add --only reception to run them.")
    finally:
        await engine.dispose()
    return 0
