"""The concern (诉求) lifecycle as a pure state machine, after Beijing 12345 接诉即办.

``apply(status, action, actor)`` says what a lifecycle action does to a concern's status,
or refuses it with ``TransitionRefused``. It knows nothing about who a person is: the
caller works out the *relation* of the acting person to the concern (``Actor``: the
requester, the assigned handler, a secretary of the handler's or the concern's branch, the
committee of the college subtree, an admin, the system sweeps, the crisis team) and passes
that. Overlays (OVERDUE, 催办, 督办 level 0..3, CRISIS P0) are not statuses and live elsewhere.

Decisions (see docs/flows/concern.mmd for the picture):

* Dispatch: ``dispatch`` is the router (SYSTEM); ``admin_dispatch`` is an admin assigning
  a concern from the admin queue (no zone matched). Both RECEIVED → DISPATCHED.
* 退单 ``return`` needs a reason and is allowed from ACCEPTED (as DOMAIN.md draws it) and
  also from DISPATCHED, so a member need not sign for (签收) a mis-routed concern just to
  hand it back. The secretary (or the college, or an admin) ``redispatch``es it.
* The handler's first message in ACCEPTED is ``first_contact`` (响应) → IN_PROGRESS.
  ``reply`` straight from ACCEPTED is allowed and implies first contact
  (``Transition.first_contact``), so the response time is recorded either way.
  ``reply`` is also allowed while an extension request is pending: the request lapses.
* Extensions: only the college decides; both answers return to IN_PROGRESS and an approval
  sets ``Transition.moves_due_date``.
* 回访: the bot starts it (SYSTEM). The caller folds 不满意 *or* "not solved" into
  ``revisit_unsatisfied``; anything else is ``revisit_satisfied`` (→ CLOSED). No answer in
  time: SYSTEM ``close_no_answer`` (→ CLOSED, "no valid follow-up").
* Reopen (退回重办): ``revisit_unsatisfied`` → REOPENED, counted against the handler. A
  reopened concern is ``redispatch``ed (→ DISPATCHED), so a handler signs and responds again
  and the time limits restart. While ``reopen_count`` (reopens before this one) is below
  ``max_reopens`` (default 2, configurable) the bot or the secretary may re-dispatch; once
  it is reached the answer escalates to the college instead (event
  ``escalated_to_college``, ``Transition.escalated``) and only the college or an admin may
  re-dispatch it.
* MERGED / REJECTED: from every open status *before* a reply. After a reply the 回访
  decides, so nobody can dodge an unsatisfied rating by rejecting. Handlers cannot reject
  or merge (they return the concern with a reason); secretaries, the college and admins
  can. The crisis team may merge duplicate crisis messages, which only it can see.
* The crisis team acts as the handler of a crisis concern (accept, first contact, reply)
  but can never return one.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.errors import DomainError
from core.model import ConcernStatus, StrEnum

S = ConcernStatus

#: Reopens that go back to a handler before the next unsatisfied 回访 escalates.
DEFAULT_MAX_REOPENS = 2


class Actor(StrEnum):
    """How the acting person relates to the concern (worked out by the caller)."""

    REQUESTER = "requester"
    HANDLER = "handler"          # the assigned member
    SECRETARY = "secretary"      # of the handler's branch or of the concern's branch
    COLLEGE = "college"          # committee of the college subtree
    ADMIN = "admin"              # Organisation Department
    SYSTEM = "system"            # router and scheduler sweeps
    CRISIS_TEAM = "crisis_team"  # counsellor on duty and psych centre


class Action(StrEnum):
    """A lifecycle step. The values are stable: audit rows and buttons carry them."""

    DISPATCH = "dispatch"
    ADMIN_DISPATCH = "admin_dispatch"
    ACCEPT = "accept"
    RETURN = "return"
    REDISPATCH = "redispatch"
    FIRST_CONTACT = "first_contact"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    DENY_EXTENSION = "deny_extension"
    REPLY = "reply"
    START_REVISIT = "start_revisit"
    REVISIT_SATISFIED = "revisit_satisfied"
    REVISIT_UNSATISFIED = "revisit_unsatisfied"
    CLOSE_NO_ANSWER = "close_no_answer"
    MERGE = "merge"
    REJECT = "reject"


TERMINAL_STATUSES: frozenset[ConcernStatus] = frozenset({S.CLOSED, S.MERGED, S.REJECTED})
OPEN_STATUSES: frozenset[ConcernStatus] = frozenset(ConcernStatus) - TERMINAL_STATUSES

#: Actions that need a non-blank ``reason``; MERGE needs a ``target`` instead.
REASON_REQUIRED: frozenset[Action] = frozenset(
    {Action.RETURN, Action.REJECT, Action.REQUEST_EXTENSION})
TARGET_REQUIRED: frozenset[Action] = frozenset({Action.MERGE})


class TransitionRefused(DomainError):
    """The action is not possible now, not for this actor, or lacks its reason/target.

    Keys: lifecycle.refused, lifecycle.closed, lifecycle.not_allowed_for_role,
    lifecycle.reason_required, lifecycle.target_required.
    """

    key = "lifecycle.refused"


@dataclass(frozen=True)
class _Rule:
    to: ConcernStatus
    event: str
    actors: frozenset[Actor]


def _rule(to: ConcernStatus, event: str, *actors: Actor) -> _Rule:
    return _Rule(to, event, frozenset(actors))


A, R = Action, Actor
_HANDLING = (R.HANDLER, R.CRISIS_TEAM)
_SUPERVISORS = (R.SECRETARY, R.COLLEGE, R.ADMIN)
#: Who may re-dispatch a concern whose unsatisfied 回访 escalated to the college.
_ESCALATED_REDISPATCHERS = frozenset({R.COLLEGE, R.ADMIN})

_TABLE: dict[tuple[ConcernStatus, Action], _Rule] = {
    (S.RECEIVED, A.DISPATCH): _rule(S.DISPATCHED, "dispatched", R.SYSTEM),
    (S.RECEIVED, A.ADMIN_DISPATCH): _rule(S.DISPATCHED, "admin_dispatched", R.ADMIN),
    (S.DISPATCHED, A.ACCEPT): _rule(S.ACCEPTED, "accepted", *_HANDLING),
    (S.DISPATCHED, A.RETURN): _rule(S.RETURNED, "returned", R.HANDLER),
    (S.ACCEPTED, A.RETURN): _rule(S.RETURNED, "returned", R.HANDLER),
    (S.RETURNED, A.REDISPATCH): _rule(S.DISPATCHED, "redispatched", *_SUPERVISORS),
    (S.ACCEPTED, A.FIRST_CONTACT): _rule(S.IN_PROGRESS, "first_contact", *_HANDLING),
    (S.ACCEPTED, A.REPLY): _rule(S.REPLIED, "replied", *_HANDLING),
    (S.IN_PROGRESS, A.REPLY): _rule(S.REPLIED, "replied", *_HANDLING),
    (S.IN_PROGRESS, A.REQUEST_EXTENSION):
        _rule(S.EXTENSION_REQUESTED, "extension_requested", R.HANDLER),
    (S.EXTENSION_REQUESTED, A.APPROVE_EXTENSION):
        _rule(S.IN_PROGRESS, "extension_approved", R.COLLEGE),
    (S.EXTENSION_REQUESTED, A.DENY_EXTENSION):
        _rule(S.IN_PROGRESS, "extension_denied", R.COLLEGE),
    (S.EXTENSION_REQUESTED, A.REPLY): _rule(S.REPLIED, "replied", R.HANDLER),
    (S.REPLIED, A.START_REVISIT): _rule(S.REVISIT, "revisit_started", R.SYSTEM),
    (S.REVISIT, A.REVISIT_SATISFIED): _rule(S.CLOSED, "revisit_satisfied", R.REQUESTER),
    (S.REVISIT, A.REVISIT_UNSATISFIED): _rule(S.REOPENED, "reopened", R.REQUESTER),
    (S.REVISIT, A.CLOSE_NO_ANSWER): _rule(S.CLOSED, "closed_no_answer", R.SYSTEM),
    (S.REOPENED, A.REDISPATCH):
        _rule(S.DISPATCHED, "redispatched", R.SYSTEM, *_SUPERVISORS),
}
for _status in OPEN_STATUSES - {S.REPLIED, S.REVISIT}:
    _TABLE[(_status, A.MERGE)] = _rule(S.MERGED, "merged", *_SUPERVISORS, R.CRISIS_TEAM)
    _TABLE[(_status, A.REJECT)] = _rule(S.REJECTED, "rejected", *_SUPERVISORS)
del _status


@dataclass(frozen=True)
class Transition:
    """The outcome of an allowed action: the new status and what to write to the audit.

    ``reopen_count`` is the concern's count *after* the action. ``first_contact`` marks
    the moment of 响应; ``moves_due_date`` an approved extension; ``counts_against_handler``
    an unsatisfied 回访; ``escalated`` a reopen that went to the college.
    """

    status: ConcernStatus
    event: str
    action: Action
    actor: Actor
    reason: str | None = None
    target: str | None = None
    reopen_count: int = 0
    first_contact: bool = False
    moves_due_date: bool = False
    counts_against_handler: bool = False
    escalated: bool = False


def _escalated(reopen_count: int, max_reopens: int) -> bool:
    # reopen_count includes the reopen that put the concern in REOPENED.
    return reopen_count > max_reopens


def _actors(status: ConcernStatus, action: Action, rule: _Rule,
            reopen_count: int, max_reopens: int) -> frozenset[Actor]:
    if (status, action) == (S.REOPENED, A.REDISPATCH) and _escalated(reopen_count,
                                                                     max_reopens):
        return rule.actors & _ESCALATED_REDISPATCHERS
    return rule.actors


def _check_counts(reopen_count: int, max_reopens: int) -> None:
    if reopen_count < 0 or max_reopens < 0:
        raise ValueError(f"negative count: reopen_count={reopen_count}, "
                         f"max_reopens={max_reopens}")


def apply(status: ConcernStatus, action: Action, actor: Actor, *,
          reason: str | None = None, target: str | int | None = None,
          reopen_count: int = 0, max_reopens: int = DEFAULT_MAX_REOPENS) -> Transition:
    """Apply ``action`` by ``actor`` to a concern in ``status``; return the Transition.

    ``reopen_count`` is the number of times the concern has been reopened so far (stored
    on the concern). Raises ``TransitionRefused`` with key ``lifecycle.closed`` for a
    terminal status, ``lifecycle.refused`` when the action does not apply to the status,
    ``lifecycle.not_allowed_for_role`` when this actor may not do it, and
    ``lifecycle.reason_required`` / ``lifecycle.target_required`` when a return, reject or
    extension request lacks a reason or a merge lacks its target. Checks run in that order,
    so an actor who may not act learns nothing about what the action would need.
    """
    _check_counts(reopen_count, max_reopens)
    status, action, actor = ConcernStatus(status), Action(action), Actor(actor)
    params = {"status": status.value, "action": action.value, "actor": actor.value}
    if status in TERMINAL_STATUSES:
        raise TransitionRefused("lifecycle.closed", **params)
    rule = _TABLE.get((status, action))
    if rule is None:
        raise TransitionRefused("lifecycle.refused", **params)
    if actor not in _actors(status, action, rule, reopen_count, max_reopens):
        raise TransitionRefused("lifecycle.not_allowed_for_role", **params)
    reason = reason.strip() if isinstance(reason, str) and reason.strip() else None
    if action in REASON_REQUIRED and reason is None:
        raise TransitionRefused("lifecycle.reason_required", **params)
    target_text = str(target).strip() if target is not None else ""
    if action in TARGET_REQUIRED and not target_text:
        raise TransitionRefused("lifecycle.target_required", **params)

    event, escalated, count = rule.event, False, reopen_count
    if action is A.REVISIT_UNSATISFIED:
        count = reopen_count + 1
        escalated = _escalated(count, max_reopens)
        if escalated:
            event = "escalated_to_college"
    return Transition(
        status=rule.to, event=event, action=action, actor=actor, reason=reason,
        target=target_text or None, reopen_count=count,
        first_contact=action is A.FIRST_CONTACT or (status, action) == (S.ACCEPTED, A.REPLY),
        moves_due_date=action is A.APPROVE_EXTENSION,
        counts_against_handler=action is A.REVISIT_UNSATISFIED,
        escalated=escalated,
    )


def allowed_actions(status: ConcernStatus, actor: Actor, *, reopen_count: int = 0,
                    max_reopens: int = DEFAULT_MAX_REOPENS) -> set[Action]:
    """The actions ``actor`` may take on a concern in ``status`` (for drawing buttons).

    Exactly the actions ``apply`` accepts with the same counts, given a reason or target
    where one is needed. Empty for a terminal status.
    """
    _check_counts(reopen_count, max_reopens)
    status, actor = ConcernStatus(status), Actor(actor)
    if status in TERMINAL_STATUSES:
        return set()
    return {action for (st, action), rule in _TABLE.items()
            if st is status and actor in _actors(st, action, rule, reopen_count, max_reopens)}


def is_open(status: ConcernStatus) -> bool:
    """True while the concern can still change (not CLOSED, MERGED or REJECTED)."""
    return ConcernStatus(status) not in TERMINAL_STATUSES
