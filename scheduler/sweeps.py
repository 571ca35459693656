"""Periodic sweeps. Each opens its own unit of work and is safe to run twice."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.clock import Clock
from core.crisis.paging import CrisisRules
from core.concerns.deadlines import LadderRules
from core.concerns.followup import close_unanswered, start_revisits
from core.reception.ports import RecurrenceExpander
from core.reception.reminders import ReceptionRules
from core.workdays import WorkCalendar
from scheduler.calendar_refresh import REFRESH_MINUTES, refresh_calendar
from scheduler.crisis_sweep import crisis_sweep
from scheduler.ladder_sweep import ladder_sweep
from scheduler.reception_reminders import reception_reminder_sweep
from scheduler.survey_mix import mix_sweep
from scheduler.privacy_sweep import privacy_sweep
from core.privacy.policy import PrivacyRules
from core.privacy.ports import StoredFiles
from scheduler.survey_push import push_sweep
from scheduler.reception_sweep import SWEEP_HOURS, reception_sweep
from storage.inbox import REDELIVERY_WINDOW, purge_done
from storage.uow import Sessions, unit_of_work

#: Handled inbox rows are kept a while for diagnosis, and must be gone before Telegram can
#: recycle their ids (after a week without updates); dead rows stay until an admin acts.
INBOX_KEEP = max(REDELIVERY_WINDOW * 2, timedelta(days=2))


async def purge_inbox(sf: Sessions, clock: Clock) -> int:
    """Delete handled inbox rows older than INBOX_KEEP; return how many."""
    return await purge_done(sf, before=clock.now() - INBOX_KEEP)


def build_scheduler(sf: Sessions, clock: Clock, timezone: str, *,
                    calendar: WorkCalendar, answer_working_days: int,
                    default_locale: str,
                    crisis_rules: CrisisRules | None = None,
                    ladder_rules: LadderRules | None = None,
                    ladder_seconds: int = 60,
                    reception_expander: RecurrenceExpander | None = None,
                    reception_rules: ReceptionRules | None = None,
                    reception_seconds: int = 60,
                    push_window: int | None = None,
                    mix_seconds: int = 60,
                    privacy: tuple[PrivacyRules, StoredFiles, int] | None = None,
                    ) -> AsyncIOScheduler:
    """Interval sweeps only, in memory: the state they act on lives in the database."""
    sched = AsyncIOScheduler(timezone=timezone)
    if ladder_rules is not None:  # at once on start: notices that came due while down
        sched.add_job(ladder_sweep, "interval", seconds=ladder_seconds, args=[sf, clock],
                      kwargs={"rules": ladder_rules}, id="ladder", coalesce=True,
                      max_instances=1, next_run_time=datetime.now(ZoneInfo(timezone)))
    sched.add_job(purge_inbox, "interval", hours=1, args=[sf, clock], id="purge_inbox",
                  coalesce=True, max_instances=1)
    sched.add_job(followup_sweep, "interval", minutes=5, args=[sf, clock], kwargs={
        "calendar": calendar, "timezone": timezone, "answer_working_days": answer_working_days,
        "default_locale": default_locale}, id="followup", coalesce=True, max_instances=1)
    # Crisis pages have a 15-minute limit by default: look often.
    sched.add_job(crisis_sweep, "interval", seconds=30, args=[sf, clock],
                  kwargs={"rules": crisis_rules or CrisisRules(default_locale=default_locale)},
                  id="crisis", coalesce=True, max_instances=1)
    sched.add_job(refresh_calendar, "interval", minutes=REFRESH_MINUTES, args=[sf, calendar],
                  id="calendar_refresh", coalesce=True, max_instances=1)
    if reception_expander is not None:  # at once on start, then the coming weeks again
        sched.add_job(reception_sweep, "interval", hours=SWEEP_HOURS, args=[sf, clock], kwargs={
            "expander": reception_expander, "calendar": calendar, "timezone": timezone},
            id="reception", coalesce=True, max_instances=1,
            next_run_time=datetime.now(ZoneInfo(timezone)))
    if reception_rules is not None:  # at once on start: reminders that came due while down
        sched.add_job(reception_reminder_sweep, "interval", seconds=reception_seconds,
                      args=[sf, clock], kwargs={
                          "rules": reception_rules, "calendar": calendar,
                          "timezone": timezone, "default_locale": default_locale},
                      id="reception_reminders", coalesce=True, max_instances=1,
                      next_run_time=datetime.now(ZoneInfo(timezone)))
    if push_window is not None:  # survey pushes: the bulk lane topped up every second
        sched.add_job(push_sweep, "interval", seconds=1, args=[sf, clock], kwargs={
            "window": push_window, "timezone": timezone, "default_locale": default_locale},
            id="survey_push", coalesce=True, max_instances=1)
    # anonymous answers rewritten in key order (docs/decisions/0023); at once on start
    sched.add_job(mix_sweep, "interval", seconds=mix_seconds, args=[sf], id="survey_mix",
                  coalesce=True, max_instances=1, next_run_time=datetime.now(ZoneInfo(timezone)))
    if privacy is not None:  # retention (docs/decisions/0027): (rules, files, hours); at start
        rules, files, hours = privacy
        sched.add_job(privacy_sweep, "interval", hours=hours, args=[sf, clock],
                      kwargs={"rules": rules, "files": files}, id="privacy", coalesce=True,
                      max_instances=1, next_run_time=datetime.now(ZoneInfo(timezone)))
    return sched


async def followup_sweep(sf: Sessions, clock: Clock, *, calendar: WorkCalendar,
                         timezone: str, answer_working_days: int,
                         default_locale: str) -> tuple[int, int]:
    """Send due 回访 questions and close unanswered ones; return (asked, closed)."""
    now = clock.now()
    # A follow-up sent before this moment has had its full answer window.
    cutoff = now
    for _ in range(answer_working_days):
        cutoff = _previous_working_moment(cutoff, calendar, timezone)
    async with unit_of_work(sf) as uow:
        store = uow.store
        asked = await start_revisits(store, now=now, default_locale=default_locale)
        closed = await close_unanswered(store, now=now, sent_before=cutoff,
                                        default_locale=default_locale)
    return asked, closed


def _previous_working_moment(at, calendar: WorkCalendar, tz: str):  # noqa: ANN001, ANN202
    """The same local time one working day earlier."""
    local = at.astimezone(ZoneInfo(tz))
    day = local - timedelta(days=1)
    while not calendar.is_workday(day.date()):
        day -= timedelta(days=1)
    return day.astimezone(at.tzinfo)
