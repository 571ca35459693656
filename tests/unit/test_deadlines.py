"""The limits, the ladder's notice times and what each lifecycle step does to the clocks
(core/concerns/deadlines.py), the list lines (handlers/concerns/due_lines.py) and the
[limits]/[ladder] settings."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, load_settings
from bot.ladder_config import ladder_rules
from core.concerns.deadlines import (
    LadderRules,
    Plan,
    Subject,
    clock_change,
    merge_plan,
    next_due,
    notice_times,
    open_subjects,
    plan_notices,
    replan_subjects,
)
from core.model import ConcernStatus as S
from core.model import Urgency
from core.workdays import FixedCalendar, Limit
from handlers.concerns.due_lines import due_line, requester_state
from locales import Catalog

SH = ZoneInfo("Asia/Shanghai")
WED_10 = datetime(2026, 11, 4, 10, 0, tzinfo=SH)  # Wednesday
RULES = LadderRules(calendar=FixedCalendar())


def test_each_limit_is_open_until_its_milestone() -> None:
    assert open_subjects(S.DISPATCHED) == [Subject.ACCEPT, Subject.CONTACT, Subject.REPLY]
    assert open_subjects(S.ACCEPTED) == [Subject.CONTACT, Subject.REPLY]
    assert open_subjects(S.IN_PROGRESS) == [Subject.REPLY]
    assert open_subjects(S.EXTENSION_REQUESTED) == [Subject.REPLY]
    for done in (S.REPLIED, S.REVISIT, S.CLOSED, S.MERGED, S.REJECTED):
        assert open_subjects(done) == []


def test_the_four_notices_of_a_limit() -> None:
    due = WED_10 + timedelta(hours=24)  # Thursday 10:00
    remind, limit, college, orgdept = notice_times(RULES, WED_10, due)
    assert remind == WED_10 + timedelta(hours=19, minutes=12)  # 80% of 24 h
    assert limit == due
    assert college.astimezone(SH) == datetime(2026, 11, 9, 10, 0, tzinfo=SH)  # Thu + 2 wd
    assert orgdept.astimezone(SH) == datetime(2026, 11, 12, 10, 0, tzinfo=SH)  # Thu + 5 wd


def test_a_holiday_pushes_the_escalations_not_the_limit() -> None:
    cal = FixedCalendar(holidays={date(2026, 11, 9), date(2026, 11, 10)})
    due = WED_10 + timedelta(hours=24)
    _, _, college, _ = notice_times(LadderRules(calendar=cal), WED_10, due)
    # Thursday + 2 working days: Friday, then (Monday and Tuesday closed) Wednesday.
    assert college.astimezone(SH) == datetime(2026, 11, 11, 10, 0, tzinfo=SH)


def test_plan_writes_rows_only_for_open_limits_with_stable_keys() -> None:
    dues = {s: RULES.due(s, Urgency.P2, "logistics", WED_10) for s in Subject}
    starts = {s: WED_10 for s in Subject}
    rows = plan_notices(RULES, concern_id=7, urgency=Urgency.P2, status=S.ACCEPTED,
                        dues=dues, starts=starts)
    assert {(r.subject, r.step) for r in rows} == {
        (s, n) for s in (Subject.CONTACT, Subject.REPLY) for n in range(4)}
    assert not any(r.urgent for r in rows)
    again = plan_notices(RULES, concern_id=7, urgency=Urgency.P2, status=S.ACCEPTED,
                         dues=dues, starts=starts)
    assert [r.key for r in rows] == [r.key for r in again]
    moved = {**dues, Subject.REPLY: dues[Subject.REPLY] + timedelta(days=3)}
    new = plan_notices(RULES, concern_id=7, urgency=Urgency.P2, status=S.ACCEPTED,
                       dues=moved, starts=starts)
    changed = {r.key for r in new} - {r.key for r in rows}
    assert len(changed) == 4 and all(":reply:" in k for k in changed)
    p1 = plan_notices(RULES, concern_id=8, urgency=Urgency.P1, status=S.DISPATCHED,
                      dues=dues, starts=starts)
    assert p1 and all(r.urgent for r in p1)


def test_reply_limits_count_working_days_and_a_category_may_set_its_own() -> None:
    assert RULES.due(Subject.REPLY, Urgency.P2, "logistics", WED_10).astimezone(SH) == \
        datetime(2026, 11, 11, 10, 0, tzinfo=SH)
    own = LadderRules(calendar=FixedCalendar(),
                      category_limits={"academic": {Subject.REPLY: Limit.workdays(10)}})
    assert own.due(Subject.REPLY, Urgency.P2, "academic", WED_10).astimezone(SH) == \
        datetime(2026, 11, 18, 10, 0, tzinfo=SH)
    assert own.due(Subject.ACCEPT, Urgency.P2, "academic", WED_10) == \
        WED_10 + timedelta(hours=24)
    assert RULES.due(Subject.REPLY, Urgency.P0, "psych", WED_10) is None


@pytest.mark.parametrize(("frm", "to", "first", "ext", "cancel", "plan"), [
    (S.DISPATCHED, S.ACCEPTED, False, False, {Subject.ACCEPT}, None),
    (S.ACCEPTED, S.IN_PROGRESS, True, False, {Subject.ACCEPT, Subject.CONTACT}, None),
    (S.ACCEPTED, S.REPLIED, True, False, {Subject.ACCEPT, Subject.CONTACT, Subject.REPLY},
     None),
    (S.IN_PROGRESS, S.REPLIED, False, False, {Subject.REPLY}, None),
    (S.DISPATCHED, S.RETURNED, False, False, set(), None),
    (S.RETURNED, S.DISPATCHED, False, False, set(), Plan.HANDLER),
    (S.RECEIVED, S.DISPATCHED, False, False, set(), Plan.HANDLER),
    (S.ACCEPTED, S.RECEIVED, False, False, set(), Plan.HANDLER),  # handler left: queue
    (S.EXTENSION_REQUESTED, S.IN_PROGRESS, False, True, set(), Plan.EXTEND),
    (S.EXTENSION_REQUESTED, S.IN_PROGRESS, False, False, set(), None),
    (S.REVISIT, S.REOPENED, False, False, set(), Plan.ALL),
    (S.REOPENED, S.DISPATCHED, False, False, set(), Plan.ALL),
    (S.IN_PROGRESS, S.MERGED, False, False, {Subject.REPLY}, None),
    (S.DISPATCHED, S.REJECTED, False, False,
     {Subject.ACCEPT, Subject.CONTACT, Subject.REPLY}, None),
])
def test_what_each_step_does_to_the_clocks(frm: S, to: S, first: bool, ext: bool,
                                           cancel: set[Subject], plan: Plan | None) -> None:
    change = clock_change(frm, to, first_contact=first, extension_approved=ext)
    assert set(change.cancel) == cancel
    assert change.plan == plan


def test_next_due_is_the_earliest_open_limit() -> None:
    a, r = WED_10, WED_10 + timedelta(days=7)
    dues = {Subject.ACCEPT: a, Subject.CONTACT: a + timedelta(hours=1), Subject.REPLY: r}
    assert next_due(S.DISPATCHED, dues) == (Subject.ACCEPT, a)
    assert next_due(S.IN_PROGRESS, dues) == (Subject.REPLY, r)
    assert next_due(S.REPLIED, dues) is None
    assert next_due(S.DISPATCHED, {}) is None


def test_quiet_hours_are_the_configured_zone_s() -> None:
    assert RULES.quiet(datetime(2026, 11, 4, 15, 0, tzinfo=timezone.utc))  # 23:00 Shanghai
    assert not RULES.quiet(datetime(2026, 11, 4, 1, 0, tzinfo=timezone.utc))  # 09:00
    assert RULES.quiet(datetime(2026, 11, 4, 23, 29, tzinfo=timezone.utc))  # 07:29
    assert not RULES.quiet(datetime(2026, 11, 4, 23, 30, tzinfo=timezone.utc))  # 07:30
    assert not LadderRules(quiet_hours=None).quiet(datetime(2026, 11, 4, 15, 0,
                                                            tzinfo=timezone.utc))
    day = LadderRules(quiet_hours=(time(12, 0), time(13, 0)))
    assert day.quiet(datetime(2026, 11, 4, 4, 30, tzinfo=timezone.utc))  # 12:30


def _render(value: object, locale: str = "zh_CN") -> str:
    return Catalog.load().render(locale, "task.list", {"count": 1, "lines": [value],
                                                       "legend": ""})


def test_list_lines_mark_overdue_and_name_the_level() -> None:
    now = datetime(2026, 11, 6, 2, 0, tzinfo=timezone.utc)
    late, overdue = due_line("DEMO-2026-000001", now - timedelta(hours=1), 2, now=now, tz=SH)
    assert overdue
    assert "⚠️ DEMO-2026-000001 11-06 09:00（已督办：学院党委）" in _render(late)
    assert "(supervised: college Party committee)" in _render(late, "en")
    fine, overdue = due_line("DEMO-2026-000002", now + timedelta(hours=3), 0, now=now, tz=SH)
    assert not overdue
    assert "· DEMO-2026-000002 11-06 13:00\n" in _render(fine) + "\n"
    none, overdue = due_line("DEMO-2026-000003", None, 0, now=now, tz=SH)
    assert not overdue and "DEMO-2026-000003 —" in _render(none)


def test_the_requester_reads_lateness_in_plain_words() -> None:
    now = datetime(2026, 11, 6, 2, 0, tzinfo=timezone.utc)
    cat = Catalog.load()

    def said(state: object, locale: str = "zh_CN") -> str:
        return cat.render(locale, "my.item", {"number": "N1", "category": "c",
                                              "status": "s", "state": state})
    assert said(requester_state(now + timedelta(hours=1), 0, now=now)) == "· N1：c，s"
    assert said(requester_state(now - timedelta(hours=1), 0, now=now)).endswith(
        "（已超过办理时限，正在催办）")
    assert said(requester_state(now - timedelta(days=3), 3, now=now)).endswith(
        "已督办至组织部）")
    assert said(requester_state(now - timedelta(days=3), 1, now=now), "en").endswith(
        "escalated to the branch secretary)")
    # the late limit was met; the reply is not due yet: it was late, it is not now
    assert said(requester_state(now + timedelta(days=3), 2, now=now)).endswith(
        "（曾超过办理时限，已督办至学院党委）")


def test_ladder_settings_are_checked_and_reach_the_rules() -> None:
    settings = load_settings(ladder={"quiet_hours": "23:00-06:00", "grace_hours": 12},
                             limits={"p2_accept_hours": 8},
                             categories={"academic": {"reply_working_days": 10}})
    rules = ladder_rules(settings, FixedCalendar())
    assert rules.quiet_hours == (time(23, 0), time(6, 0))
    assert rules.grace == timedelta(hours=12)
    assert rules.due(Subject.ACCEPT, Urgency.P2, "logistics", WED_10) == \
        WED_10 + timedelta(hours=8)
    assert rules.limit(Subject.REPLY, Urgency.P2, "academic") == Limit.workdays(10)
    with pytest.raises(ConfigError, match="grace_hours"):
        load_settings(ladder={"grace_hours": 6})
    with pytest.raises(ConfigError, match="quiet_hours"):
        load_settings(ladder={"quiet_hours": "late"})
    with pytest.raises(ConfigError, match="orgdept_after_working_days"):
        load_settings(ladder={"college_after_working_days": 5, "orgdept_after_working_days": 3})
    with pytest.raises(ConfigError, match="reply_hours or reply_working_days"):
        load_settings(categories={"academic": {"reply_hours": 4, "reply_working_days": 2}})


@pytest.mark.parametrize(("pending", "new", "plan", "restart"), [
    (None, Plan.HANDLER, Plan.HANDLER, True),
    ("all", Plan.HANDLER, Plan.ALL, False),   # dispatched before the first sweep
    ("all", Plan.EXTEND, Plan.BOTH, False),
    ("handler", Plan.EXTEND, Plan.BOTH, False),
    ("extend", Plan.HANDLER, Plan.BOTH, True),
    ("both", Plan.HANDLER, Plan.BOTH, True),
    ("handler", Plan.HANDLER, Plan.HANDLER, True),
    ("extend", Plan.ALL, Plan.ALL, True),     # a reopening restarts everything
])
def test_a_second_change_before_the_sweep_loses_no_limit(pending: str | None, new: Plan,
                                                         plan: Plan, restart: bool) -> None:
    assert merge_plan(pending, new) == (plan, restart)
    assert set(replan_subjects(plan)) >= set(replan_subjects(new))
