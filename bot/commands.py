"""The operator's commands behind `python -m bot`. Each prints what it did or why not.
The roster's commands are bot/roster_cli.py."""
from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings
from core.clock import Clock, SystemClock
from core.workdays import WorkCalendar
from storage import inbox, outbox
from storage.db import Engine, make_engine, session_factory
from storage.migrate import upgrade_async
from storage.people.roster import roster_is_empty


async def migrate(settings: Settings) -> int:
    await upgrade_async(settings.database.url)
    print(f"Database is at the latest schema: {settings.database.url}")
    return 0


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
            from bot.roster_cli import seed as seed_roster

            if not await seed_roster(settings, Path(seed)):
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
