"""How ``/receptions`` shows a schedule and its sessions: the recurrence in words, the
holiday policy, capacity, state and source, each a locale key (handlers/reception/admin.py)."""
from __future__ import annotations

from functools import reduce
from zoneinfo import ZoneInfo

from core.reception.admin_ports import SOURCE_SHEET, ScheduleRecord
from core.reception.ports import SessionView
from core.reception.schedule import Frequency, HolidayPolicy, Recurrence
from core.replies import t
from core.types import JSON

WEEKDAYS = ("receptions.wd_mon", "receptions.wd_tue", "receptions.wd_wed", "receptions.wd_thu",
            "receptions.wd_fri", "receptions.wd_sat", "receptions.wd_sun")
NTHS = {1: "receptions.nth_1", 2: "receptions.nth_2", 3: "receptions.nth_3",
        4: "receptions.nth_4", 5: "receptions.nth_5", -1: "receptions.nth_last"}
POLICIES = {HolidayPolicy.SKIP: "receptions.policy_skip",
            HolidayPolicy.PREVIOUS: "receptions.policy_previous",
            HolidayPolicy.NEXT: "receptions.policy_next"}


def _joined(items: list[JSON]) -> JSON:
    """Items as one phrase: 三、五 / Wednesday, Friday."""
    return reduce(lambda a, b: t("receptions.and", a=a, b=b), items[1:], items[0]) \
        if items else ""


def rule_words(r: Recurrence) -> JSON:
    """每周三 / 每 2 周的周三 / 每月第二个、第四个周三 / 每月 15 日, with its bounds."""
    weekdays = _joined([t(WEEKDAYS[d]) for d in r.weekdays])
    rule: JSON
    if r.frequency is Frequency.WEEKLY:
        rule = t("receptions.rule_weekly", weekdays=weekdays) if r.interval == 1 \
            else t("receptions.rule_weekly_every", count=r.interval, weekdays=weekdays)
    else:
        if r.month_day == -1:
            rule = t("receptions.rule_month_end")
        elif r.month_day is not None:
            rule = t("receptions.rule_month_day", day=str(r.month_day))
        else:
            rule = t("receptions.rule_monthly_nth", nths=_joined([t(NTHS[n]) for n in r.nths]),
                     weekdays=weekdays)
        if r.interval > 1:
            rule = t("receptions.rule_months", rule=rule, count=r.interval)
    if r.starts_on:
        rule = t("receptions.rule_from", rule=rule, day=r.starts_on.isoformat())
    if r.ends_on:
        rule = t("receptions.rule_until", rule=rule, day=r.ends_on.isoformat())
    return rule


def schedule_line(record: ScheduleRecord) -> JSON:
    s = record.schedule
    return t("receptions.schedule_line", code=s.code, leader=record.leader_name or s.leader,
             place=s.place, start=f"{s.start:%H:%M}", end=f"{s.end:%H:%M}",
             rule=rule_words(s.recurrence), capacity=t("receptions.capacity", count=s.capacity),
             policy=t(POLICIES[s.holiday_policy]),
             state=t("receptions.state_active" if record.active else "receptions.state_inactive"),
             source=t("receptions.source_sheet" if record.source == SOURCE_SHEET
                      else "receptions.source_command"))


def session_line(s: SessionView, tz: str) -> JSON:
    zone = ZoneInfo(tz)
    start, end = s.starts_at.astimezone(zone), s.ends_at.astimezone(zone)
    moved = t("receptions.moved_from", day=s.moved_from.isoformat()) if s.moved_from else ""
    return t("receptions.session_line", day=start.date().isoformat(),
             start=start.strftime("%H:%M"), end=end.strftime("%H:%M"),
             booked=t("receptions.topics", count=s.topics), moved=moved)


def session_lines(sessions: list[SessionView], tz: str) -> list[JSON]:
    return [session_line(s, tz) for s in sessions] or [t("receptions.no_sessions")]


def told_words(told: int) -> JSON:
    return t("receptions.told", count=told) if told else t("receptions.told_none")
