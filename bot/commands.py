"""The operator's commands behind `python -m bot`. Each prints what it did or why not,
in ``locale`` (default ``[app] default_locale``; the texts are ``[cli]``). The roster's
commands are bot/roster_cli.py."""
from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from core.clock import Clock, SystemClock
from core.replies import t
from core.types import JSON
from core.workdays import WorkCalendar
from locales import Catalog
from storage import inbox, outbox
from storage.db import Engine, make_engine, session_factory
from storage.migrate import upgrade_async
from storage.people.roster import roster_is_empty

Say = Callable[..., None]
CHANNELS = {"telegram": "cli.channel_telegram", "web": "cli.channel_web"}


def printer(settings: Settings, locale: str | None = None) -> Say:
    """``say(key, err=False, **params)``: one line in ``locale``, on stdout or stderr."""
    catalog = Catalog.load(settings.app.default_locale)
    lang = locale or settings.app.default_locale

    def say(key: str, /, *, err: bool = False, **params: JSON) -> None:
        print(catalog.render_plain(lang, key, params), file=sys.stderr if err else sys.stdout)
    return say


async def migrate(settings: Settings, locale: str | None = None) -> int:
    await upgrade_async(settings.database.url)
    printer(settings, locale)("cli.migrated", url=settings.database.url)
    return 0


async def status(settings: Settings, locale: str | None = None) -> int:
    say = printer(settings, locale)
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    sf = session_factory(engine)
    try:
        ib, ob = await inbox.backlog(sf), await outbox.backlog(sf)
        gone = await outbox.unreachable_people(sf)
    finally:
        await engine.dispose()
    say("cli.status_inbox", pending=ib.get("pending", 0), dead=ib.get("dead", 0),
        done=ib.get("done", 0))
    say("cli.status_outbox", pending=ob.get("pending", 0), dead=ob.get("dead", 0),
        sent=ob.get("sent", 0), unreachable=ob.get("unreachable", 0))
    say("cli.status_unreachable", count=len(gone))
    for channel, chat, since in gone[:20]:
        say("cli.status_gone", channel=t(CHANNELS[channel]) if channel in CHANNELS else channel,
            chat=chat, since=f"{_local(since, settings.app.timezone):%Y-%m-%d %H:%M}")
    return 0


def _local(moment: datetime, tz: str) -> datetime:
    """A stored time (naive on SQLite: UTC) in the configured time zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(
        ZoneInfo(tz))


async def run(settings: Settings, seed: str | None, locale: str | None = None) -> int:
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

            if not await seed_roster(settings, Path(seed), locale):
                return 1
    await serve(settings, locale=locale)
    return 0


async def web_token(settings: Settings, person_number: str, locale: str | None = None) -> int:
    from bot.web.tokens import UnknownPerson, issue_token

    say = printer(settings, locale)
    # While the web channel is off the sender has no "web" channel: a web identity would
    # collect notices nobody can send.
    if not settings.web.enabled:
        say("cli.web_disabled", err=True)
        return 2
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    try:
        token = await issue_token(session_factory(engine), person_number, SystemClock().now())
    except UnknownPerson:
        say("cli.no_active_person", err=True, number=person_number)
        return 1
    finally:
        await engine.dispose()
    print(f"{settings.web.url}#token={token}")  # for machines: the link alone on stdout
    say("cli.web_link_note", err=True, number=person_number,
        days=t("unit.days", count=settings.web.token_ttl_days))
    return 0


async def web_revoke(settings: Settings, person_number: str, locale: str | None = None) -> int:
    from bot.web.tokens import UnknownPerson, revoke_tokens

    say = printer(settings, locale)
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    try:
        count = await revoke_tokens(session_factory(engine), person_number)
    except UnknownPerson:
        say("cli.no_person", err=True, number=person_number)
        return 1
    finally:
        await engine.dispose()
    say("cli.web_revoked", number=person_number, count=count,
        seconds=t("cli.n_seconds", count=f"{settings.web.token_check_seconds:g}"))
    return 0


SWEEP_NAMES = ("followup", "crisis", "ladder", "reception")


async def _reception(settings: Settings, engine: Engine, clock: Clock,
                     calendar: WorkCalendar, say: Say) -> None:
    """Materialise the coming sessions, then the reception reminders, at ``clock``."""
    from bot.reception.recurrence import RruleExpander
    from scheduler.reception_reminders import reception_reminder_sweep
    from scheduler.reception_sweep import reception_sweep

    sf, tz = session_factory(engine), settings.app.timezone
    await reception_sweep(sf, clock, expander=RruleExpander(), calendar=calendar, timezone=tz)
    done = await reception_reminder_sweep(sf, clock, rules=settings.reception.rules(),
                                          calendar=calendar, timezone=tz,
                                          default_locale=settings.app.default_locale)
    say("cli.sweep_reception", sent=done.sent, messages=t("cli.n_messages", count=done.messages),
        planned=done.planned, cancelled=done.cancelled, dropped=done.dropped)


async def sweep(settings: Settings, now_text: str | None, only: list[str] | None,
                locale: str | None = None) -> int:
    """The follow-up, crisis and ladder sweeps once. With --now and no --only, follow-ups
    only: a time-travelling crisis or ladder sweep would escalate live cases whose limits
    have not passed."""
    from bot.crisis_config import crisis_rules
    from bot.workcalendar import ChinaWorkCalendar
    from core.clock import FixedClock
    from storage.calendar.overrides import load_overrides
    from bot.ladder_config import ladder_rules
    from scheduler.crisis_sweep import crisis_sweep
    from scheduler.ladder_sweep import ladder_sweep
    from scheduler.sweeps import followup_sweep

    say = printer(settings, locale)
    try:
        clock = FixedClock(datetime.fromisoformat(now_text)) if now_text else SystemClock()
    except ValueError:
        say("cli.bad_now", err=True, text=now_text or "")
        return 2
    if clock.now().tzinfo is None:
        say("cli.now_no_zone", err=True)
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
            say("cli.sweep_followup", asked=t("cli.n_concerns", count=asked),
                closed=t("cli.n_concerns", count=closed))
        if "crisis" in run:
            escalated = await crisis_sweep(session_factory(engine), clock,
                                           rules=crisis_rules(settings))
            say("cli.sweep_crisis", count=escalated)
        elif not only:
            say("cli.sweep_crisis_skipped")
        if "ladder" in run:
            rules = ladder_rules(settings, calendar)
            if rules.quiet(clock.now()):
                say("cli.sweep_quiet", hours=repr(settings.ladder.quiet_hours),
                    timezone=settings.app.timezone)
            done = await ladder_sweep(session_factory(engine), clock, rules=rules)
            say("cli.sweep_ladder", sent=done.sent, dropped=done.dropped, planned=done.planned,
                messages=t("cli.n_messages", count=done.messages))
        elif not only:
            say("cli.sweep_ladder_skipped")
        if "reception" in run:
            await _reception(settings, engine, clock, calendar, say)
        elif not only:
            say("cli.sweep_reception_skipped")
    finally:
        await engine.dispose()
    return 0
