"""A concern's time limits and the 催办/督办 ladder that watches them (DOMAIN.md, "Concern
model"): what each limit is, when each notice of the ladder is due, and which lifecycle
steps meet, move or reset the clocks (docs/decisions/0016).

Three limits run from a clock start (``deadline_from``): accept (签收), first contact
(响应) and reply (答复). Each open limit has four notices, one reminder row each:

======  ===================================  ================================
step    when                                 to
======  ===================================  ================================
0 催办   ``remind_share`` (80%) of the limit   the handler
1 督办   at the limit                          the branch secretary
2 督办   + ``college_after`` working days      the college Party committee
3 督办   + ``orgdept_after`` working days      the Organisation Department
======  ===================================  ================================

Everything here is pure: the sweep (``core.concerns.ladder``) and the lifecycle step
(``core.concerns.handling.act``) call it; rows are written by storage.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

from core.clock import in_local_span
from core.model import ConcernStatus as S
from core.model import Urgency
from core.workdays import DAY_START, FixedCalendar, Limit, WorkCalendar, add_working_days


class Subject(StrEnum):
    ACCEPT = "accept"
    CONTACT = "contact"
    REPLY = "reply"


#: The kind of reminder row (and of the concern event) for each step of the ladder.
LADDER = "ladder"
STEP_EVENTS = ("ladder_remind", "ladder_supervise", "ladder_college", "ladder_orgdept")
TOP_STEP = len(STEP_EVENTS) - 1

#: DOMAIN.md defaults. P0 is crisis case management (core.crisis), not this ladder.
DEFAULT_LIMITS: dict[Subject, dict[Urgency, Limit]] = {
    Subject.ACCEPT: {Urgency.P1: Limit.wall_clock(2), Urgency.P2: Limit.wall_clock(24),
                     Urgency.P3: Limit.wall_clock(24)},
    Subject.CONTACT: {Urgency.P1: Limit.wall_clock(2), Urgency.P2: Limit.wall_clock(24),
                      Urgency.P3: Limit.wall_clock(24)},
    Subject.REPLY: {Urgency.P1: Limit.wall_clock(24), Urgency.P2: Limit.workdays(5),
                    Urgency.P3: Limit.workdays(15)},
}

#: While a concern is in one of these statuses, the limit is still open (not met).
_OPEN_WHILE: dict[Subject, frozenset[S]] = {
    Subject.ACCEPT: frozenset({S.RECEIVED, S.DISPATCHED, S.RETURNED}),
    Subject.CONTACT: frozenset({S.RECEIVED, S.DISPATCHED, S.RETURNED, S.ACCEPTED}),
    Subject.REPLY: frozenset({S.RECEIVED, S.DISPATCHED, S.RETURNED, S.ACCEPTED,
                              S.IN_PROGRESS, S.EXTENSION_REQUESTED, S.REOPENED}),
}


def open_subjects(status: S | str) -> list[Subject]:
    """The limits still running for a concern in ``status`` (none once replied or closed)."""
    return [s for s in Subject if S(status) in _OPEN_WHILE[s]]


@dataclass(frozen=True)
class LadderRules:
    """The limits and the ladder (config.toml ``[limits]``, ``[ladder]``)."""

    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_CN"
    calendar: WorkCalendar = field(default_factory=FixedCalendar)
    limits: Mapping[Subject, Mapping[Urgency, Limit]] = field(
        default_factory=lambda: DEFAULT_LIMITS)
    #: per category, limits that replace the urgency's (e.g. a P3 category's own reply days)
    category_limits: Mapping[str, Mapping[Subject, Limit]] = field(default_factory=dict)
    remind_share: float = 0.8
    college_after: int = 2
    orgdept_after: int = 5
    #: P2/P3 notices are held in these local hours (None: never quiet); P0/P1 ignore them
    quiet_hours: tuple[time, time] | None = (time(22, 30), time(7, 30))
    #: a notice that came due longer ago than this (e.g. while the bot was down) is dropped
    grace: timedelta = timedelta(hours=24)

    def limit(self, subject: Subject, urgency: Urgency, category: str) -> Limit | None:
        own = self.category_limits.get(category, {}).get(subject)
        return own if own is not None else self.limits.get(subject, {}).get(urgency)

    def due(self, subject: Subject, urgency: Urgency, category: str,
            start: datetime) -> datetime | None:
        limit = self.limit(subject, urgency, category)
        return None if limit is None else limit.due(start, self.calendar, self.timezone)

    def quiet(self, now: datetime) -> bool:
        """Whether ``now`` is in the quiet hours, in the configured zone (not the server's)."""
        if self.quiet_hours is None:
            return False
        return in_local_span(now, self.timezone, *self.quiet_hours)


@dataclass(frozen=True)
class PlannedNotice:
    """One reminder row to write."""

    key: str
    concern_id: int
    subject: Subject
    step: int
    due_at: datetime
    urgent: bool
    limit_due: datetime


def notice_times(rules: LadderRules, start: datetime, due: datetime) -> list[datetime]:
    """When steps 0-3 fall for a limit running from ``start`` to ``due``."""
    remind = start + (due - start) * rules.remind_share
    return [remind, due,
            add_working_days(due, rules.college_after, rules.calendar, rules.timezone,
                             DAY_START),
            add_working_days(due, rules.orgdept_after, rules.calendar, rules.timezone,
                             DAY_START)]


def plan_notices(rules: LadderRules, *, concern_id: int, urgency: Urgency, status: S | str,
                 dues: Mapping[Subject, datetime | None],
                 starts: Mapping[Subject, datetime]) -> list[PlannedNotice]:
    """The reminder rows for the limits still open. A row's key names the concern, the
    limit, the step and the limit's due time, so planning the same clock twice writes
    nothing new and a moved deadline gets new rows."""
    urgent = urgency in (Urgency.P0, Urgency.P1)
    out = []
    for subject in open_subjects(status):
        due = dues.get(subject)
        if due is None:
            continue
        for step, at in enumerate(notice_times(rules, starts[subject], due)):
            key = f"{LADDER}:{concern_id}:{subject.value}:{step}:{int(due.timestamp())}"
            out.append(PlannedNotice(key, concern_id, subject, step, at, urgent, due))
    return out


class Plan(StrEnum):
    """Which clocks a sweep must (re)plan (``concerns.ladder_plan``)."""

    ALL = "all"          # a new concern, or reopened (退回重办): all three from the start
    HANDLER = "handler"  # a new handler (dispatched from the queue, re-dispatched): accept, contact
    EXTEND = "extend"    # an approved extension: the reply limit moved to the granted date
    #: accept and contact from the start, the reply at the stored due time (two changes
    #: before one sweep; concerns from before the ladder, migration 0006)
    BOTH = "both"


def merge_plan(pending: str | None, new: Plan) -> tuple[Plan, bool]:
    """The plan to store when ``new`` comes while ``pending`` waits for a sweep, and
    whether the clock start moves to now (False: the pending plan's start stands).

    Nothing is lost: a reopening restarts everything; otherwise the stored reply due time
    (set by intake or by an approved extension) is kept, and accept and contact count
    from the latest new handler, or from the pending start, at most one sweep earlier.
    """
    if pending is None or new is Plan.ALL:
        return new, True
    old = Plan(pending)
    if old is new:
        return new, True
    if old is Plan.ALL and new is Plan.HANDLER:
        return Plan.ALL, False
    return Plan.BOTH, new is Plan.HANDLER


@dataclass(frozen=True)
class ClockChange:
    """What one lifecycle step does to the clocks."""

    cancel: tuple[Subject, ...] = ()
    plan: Plan | None = None


def clock_change(from_status: S, to_status: S, *, first_contact: bool,
                 extension_approved: bool) -> ClockChange:
    """The documented rules (docs/decisions/0016): met limits stop their ladder; a new
    handler gets fresh accept and contact limits while the requester's reply limit stands;
    an approved extension moves the reply limit; a reopened concern starts all three again;
    a closed one stops everything."""
    still = set(open_subjects(to_status))
    stopped = tuple(s for s in open_subjects(from_status) if s not in still)
    if first_contact:
        stopped = tuple(dict.fromkeys((*stopped, Subject.ACCEPT, Subject.CONTACT)))
    if to_status is S.REOPENED or (from_status is S.REOPENED and to_status is S.DISPATCHED):
        return ClockChange(stopped, Plan.ALL)
    if to_status in (S.DISPATCHED, S.RECEIVED) and from_status is not to_status:
        # a new handler, or back to the admin queue (the handler left the roster)
        return ClockChange(stopped, Plan.HANDLER)
    if extension_approved:
        return ClockChange(stopped, Plan.EXTEND)
    return ClockChange(stopped)


def replan_subjects(plan: Plan) -> tuple[Subject, ...]:
    """The limits a plan recomputes (the others keep their rows)."""
    if plan is Plan.HANDLER:
        return Subject.ACCEPT, Subject.CONTACT
    if plan is Plan.EXTEND:
        return (Subject.REPLY,)
    return tuple(Subject)


def keeps_reply_due(plan: Plan) -> bool:
    """Whether the plan takes the reply limit as stored instead of computing it."""
    return plan in (Plan.EXTEND, Plan.BOTH)


def next_due(status: S | str, dues: Mapping[Subject, datetime | None],
             ) -> tuple[Subject, datetime] | None:
    """The earliest limit still open for a concern in ``status``, and when it is due."""
    open_ = [(at, s) for s in open_subjects(status) if (at := dues.get(s)) is not None]
    if not open_:
        return None
    at, subject = min(open_)
    return subject, at
