"""The 催办/督办 sweep's two use cases: plan the reminder rows of concerns whose clocks
started or moved, and send the notices that came due (core.concerns.deadlines has the rules).

Both take many concerns at once (a sweep claims hundreds of rows per transaction), so the
store is asked in bulk; nothing here loops over queries per row.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from core.concerns.deadlines import (
    LADDER,
    STEP_EVENTS,
    LadderRules,
    Plan,
    PlannedNotice,
    Subject,
    keeps_reply_due,
    open_subjects,
    plan_notices,
    replan_subjects,
)
from core.notify import notify_people
from core.model import ConcernStatus, Lane, Role, Urgency
from core.ports import IdentityView, MessageStore
from core.replies import Reply, t
from core.types import JSON, JSONObject


@dataclass(frozen=True)
class ClockView:
    """A concern whose clocks a sweep must (re)plan."""

    id: int
    urgency: str
    category: str
    status: str
    crisis: bool
    plan: str
    start: datetime
    due_reply_at: datetime | None
    #: ``deadline_from`` as read (None on rows from before the ladder): planning is saved
    #: only if it has not changed since, so a clock restarted meanwhile is planned again
    started: datetime | None = None


@dataclass(frozen=True)
class LadderConcern:
    id: int
    number: str
    status: str
    category: str
    crisis: bool
    assigned_member_id: int | None
    handler_name: str | None
    branch_code: str | None  # the handler's branch (the requester's before dispatch)
    college_code: str | None
    #: a concern about a Party member: no branch secretary supervises it (as /branch never
    #: lists it below the college), so its 督办 goes from the handler to the college
    about_member: bool = False
    #: a 举报, routed out to the discipline office: supervised there, then by the admins
    report: bool = False


@dataclass(frozen=True)
class DueNotice:
    """A claimed reminder row (already marked sent; cancelled below if no longer meaningful)."""

    id: int
    subject: str
    step: int
    due_at: datetime
    limit_due: datetime
    concern: LadderConcern | None


class LadderStore(MessageStore, Protocol):
    async def clocks_to_plan(self, limit: int) -> list[ClockView]: ...
    # write the dues and rows of one concern, only if its plan is still ``view.plan``
    async def save_plan(self, view: ClockView, dues: Mapping[Subject, datetime | None],
                        notices: Sequence[PlannedNotice], now: datetime) -> bool: ...
    # mark pending rows due before ``before`` as dropped; return (concern id, key) of each
    async def drop_stale_reminders(self, kind: str, *, before: datetime,
                                   now: datetime) -> list[tuple[int | None, str]]: ...
    async def claim_due_reminders(self, kind: str, *, now: datetime, urgent_only: bool,
                                  limit: int) -> list[DueNotice]: ...
    # unit code -> active holders of ``role`` there
    async def role_holders(self, role: str, unit_codes: Sequence[str]) -> dict[str, list[int]]: ...
    async def people_with_role(self, role: str) -> list[int]: ...
    async def identities_of_people(self, ids: Sequence[int]) -> dict[int, list[IdentityView]]: ...
    # concern events of the notices sent, 督办 levels reached, rows no longer meaningful
    async def record_ladder(self, events: Sequence[tuple[int, str, JSONObject]],
                            levels: Mapping[int, int], cancelled: Sequence[int],
                            now: datetime) -> None: ...


async def plan_clocks(store: LadderStore, *, now: datetime, rules: LadderRules,
                      limit: int = 500) -> int:
    """Plan up to ``limit`` concerns whose clocks started or moved; return how many."""
    done = 0
    for view in await store.clocks_to_plan(limit):
        dues, notices = _plan(view, rules)
        if await store.save_plan(view, dues, notices, now):
            done += 1
    return done


def _plan(view: ClockView, rules: LadderRules,
          ) -> tuple[dict[Subject, datetime | None], list[PlannedNotice]]:
    if view.crisis or view.urgency == Urgency.P0.value:
        return {}, []  # a crisis case has its own paging ladder (core.crisis.paging)
    plan = Plan(view.plan)
    urgency = Urgency(view.urgency)
    subjects = replan_subjects(plan)
    dues: dict[Subject, datetime | None] = {
        s: rules.due(s, urgency, view.category, view.start) for s in subjects}
    if keeps_reply_due(plan):
        dues[Subject.REPLY] = view.due_reply_at
    notices = plan_notices(rules, concern_id=view.id, urgency=urgency, status=view.status,
                           dues={s: dues[s] for s in subjects},
                           starts={s: view.start for s in subjects})
    return dues, notices


@dataclass(frozen=True)
class LadderRun:
    sent: int  # notices (reminder rows) sent
    messages: int  # outbox rows written
    cancelled: int
    claimed: int


async def send_due_notices(store: LadderStore, *, now: datetime, rules: LadderRules,
                           limit: int = 1000) -> LadderRun:
    """Claim up to ``limit`` due notices and write each to its recipients' chats.

    In the quiet hours only P0/P1 notices are claimed; the others wait for the morning.
    """
    due = await store.claim_due_reminders(LADDER, now=now, urgent_only=rules.quiet(now),
                                          limit=limit)
    if not due:
        return LadderRun(0, 0, 0, 0)
    concerns = [d.concern for d in due if d.concern is not None]
    secretaries = await store.role_holders(Role.BRANCH_SECRETARY.value, sorted(
        {c.branch_code for c in concerns if c.branch_code}))
    committees = await store.role_holders(Role.COLLEGE_COMMITTEE.value, sorted(
        {c.college_code for c in concerns if c.college_code}))
    admins = await store.people_with_role(Role.ADMIN.value)
    discipline = (await store.people_with_role(Role.DISCIPLINE_CONTACT.value)
                  if any(c.report for c in concerns) else [])
    events: list[tuple[int, str, JSONObject]] = []
    levels: dict[int, int] = {}
    cancelled: list[int] = []
    # Limits of one concern due at the same moment (accept and first contact are both
    # 24 h by default) make one message per step, naming both; each keeps its own event.
    groups: dict[tuple[int, int, datetime], tuple[list[int], list[DueNotice]]] = {}
    level_of: dict[tuple[int, int, datetime], int] = {}
    for d in due:
        c = d.concern
        if c is None or c.crisis or d.subject not in open_subjects(c.status) or (
                d.step == 0 and now >= d.limit_due):  # a reminder held past its limit:
            cancelled.append(d.id)                     # the 督办 at the limit says it
            continue
        handler = c.assigned_member_id
        # Conflict of interest: a concern about a Party member skips the branch level (the
        # college supervises it), as /branch lists it only at college level.
        ladder: list[list[int]] = [[handler] if handler is not None and _handled(c) else [],
                                   [] if c.about_member else
                                   secretaries.get(c.branch_code or "", []),
                                   committees.get(c.college_code or "", []), admins]
        if c.report:  # the discipline office supervises its own, then the admins
            ladder[1:3] = [[p for p in discipline if p != handler], []]
        if c.status == ConcernStatus.RECEIVED.value:  # in the admin queue: admins handle it
            ladder[0] = admins
        elif c.status == ConcernStatus.REOPENED.value:  # waits for the college (3rd reopen)
            ladder[0] = ladder[2]
        step = d.step
        # An empty level passes the notice up: it is named, recorded and counted as the
        # level that got it (a college committee never reads "督办（党支部书记）").
        level = next((i for i in range(step, len(ladder)) if ladder[i]), step)
        recipients = ladder[level]
        groups.setdefault((c.id, step, d.limit_due), (recipients, []))[1].append(d)
        level_of[(c.id, step, d.limit_due)] = level
        late = max(0, int((now - d.limit_due).total_seconds() // 60))
        events.append((c.id, STEP_EVENTS[level if step else 0], {
            "subject": d.subject, "step": step, "level": level if step else 0,
            "late_minutes": late if step else 0, "due": d.limit_due.isoformat(),
            "recipients": len(recipients)}))
        if step:
            levels[c.id] = max(levels.get(c.id, 0), level)
    sends = [(recipients, _notice(notices, level_of[key], now, rules))
             for key, (recipients, notices) in groups.items()]
    messages = await _deliver(store, sends, now=now, default_locale=rules.default_locale)
    await store.record_ladder(events, levels, cancelled, now)
    return LadderRun(len(events), messages, len(cancelled), len(due))


def _handled(c: LadderConcern) -> bool:
    return c.status != ConcernStatus.RETURNED.value


def _notice(notices: Sequence[DueNotice], level: int, now: datetime,
            rules: LadderRules) -> Reply:
    d = notices[0]
    c = d.concern
    assert c is not None
    local = d.limit_due.astimezone(ZoneInfo(rules.timezone)).strftime("%m-%d %H:%M")
    named = {n.subject for n in notices}
    subjects = "_".join(s.value for s in Subject if s.value in named)  # e.g. accept_contact
    params: dict[str, JSON] = {
        "number": c.number, "category": t(f"category.{c.category}"),
        "subject": t(f"ladder.subject.{subjects}"), "due": local}
    if d.step == 0:
        return Reply("ladder.remind", {**params, "left": duration(d.limit_due - now)})
    params.update(level=t(f"ladder.level.{level}"), handler=c.handler_name or "—")
    if now - d.limit_due < timedelta(minutes=1):  # swept at the limit: not "0 minutes late"
        return Reply("ladder.supervise_now", params)
    return Reply("ladder.supervise", {**params, "late": duration(now - d.limit_due)})


def duration(span: timedelta) -> JSON:
    """A span as days and hours (or minutes under an hour), translated with plurals."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, hours = divmod(minutes // 60, 24)
    if days:
        if not hours:
            return t("ladder.days", count=days)
        return t("ladder.days_hours", days=t("ladder.days", count=days),
                 hours=t("ladder.hours", count=hours))
    if hours:
        return t("ladder.hours", count=hours)
    return t("ladder.minutes", count=minutes)


async def _deliver(store: LadderStore, sends: Sequence[tuple[list[int], Reply]], *,
                   now: datetime, default_locale: str) -> int:
    return await notify_people(store, sends, lane=Lane.INTERACTIVE, now=now,
                               default_locale=default_locale)