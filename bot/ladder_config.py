"""config.toml ``[limits]``, ``[categories.*]`` and ``[ladder]`` → core's LadderRules."""
from __future__ import annotations

from datetime import timedelta

from bot.config import Settings
from bot.deadline_settings import quiet_span
from core.concerns.deadlines import LadderRules, Subject
from core.model import Urgency
from core.workdays import Limit, WorkCalendar


def ladder_rules(settings: Settings, calendar: WorkCalendar) -> LadderRules:
    lim, lad, app = settings.limits, settings.ladder, settings.app
    hours = Limit.wall_clock
    limits = {
        Subject.ACCEPT: {Urgency.P1: hours(lim.p1_accept_hours),
                         Urgency.P2: hours(lim.p2_accept_hours),
                         Urgency.P3: hours(lim.p3_accept_hours)},
        Subject.CONTACT: {Urgency.P1: hours(lim.p1_contact_hours),
                          Urgency.P2: hours(lim.p2_contact_hours),
                          Urgency.P3: hours(lim.p3_contact_hours)},
        Subject.REPLY: {Urgency.P1: hours(lim.p1_reply_hours),
                        Urgency.P2: Limit.workdays(lim.p2_reply_working_days),
                        Urgency.P3: Limit.workdays(lim.p3_reply_working_days)},
    }
    own: dict[str, dict[Subject, Limit]] = {}
    for code, c in settings.categories.items():
        mine = own.setdefault(code, {})
        if c.accept_hours is not None:
            mine[Subject.ACCEPT] = hours(c.accept_hours)
        if c.contact_hours is not None:
            mine[Subject.CONTACT] = hours(c.contact_hours)
        if c.reply_hours is not None:
            mine[Subject.REPLY] = hours(c.reply_hours)
        if c.reply_working_days is not None:
            mine[Subject.REPLY] = Limit.workdays(c.reply_working_days)
    return LadderRules(timezone=app.timezone, default_locale=app.default_locale,
                       calendar=calendar, limits=limits, category_limits=own,
                       remind_share=lad.remind_share, college_after=lad.college_after_working_days,
                       orgdept_after=lad.orgdept_after_working_days,
                       quiet_hours=quiet_span(lad.quiet_hours),
                       grace=timedelta(hours=lad.grace_hours))
