"""The concern lifecycle (core/concerns/lifecycle.py), checked against a table written out here.

The expected table below is this test's own statement of the lifecycle in DOMAIN.md. It
is deliberately not imported from core: every (status × action × actor) combination is
tried, the listed ones must give exactly the listed status, and every other one must be
refused.
"""
from __future__ import annotations

import itertools

import pytest

from core.errors import DomainError
from core.concerns.lifecycle import (
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    Action,
    Actor,
    Transition,
    TransitionRefused,
    allowed_actions,
    apply,
)
from core.model import ConcernStatus as S

A = Action
REQ, HND, SEC, COL, ADM, SYS, CRI = (Actor.REQUESTER, Actor.HANDLER, Actor.SECRETARY,
                                    Actor.COLLEGE, Actor.ADMIN, Actor.SYSTEM,
                                    Actor.CRISIS_TEAM)

#: (status, action) → (new status, the actors allowed). Reopen count 0, reason and target
#: supplied.
EXPECTED_RULES: dict[tuple[S, Action], tuple[S, set[Actor]]] = {
    (S.RECEIVED, A.DISPATCH): (S.DISPATCHED, {SYS}),
    (S.RECEIVED, A.ADMIN_DISPATCH): (S.DISPATCHED, {ADM}),
    (S.DISPATCHED, A.ACCEPT): (S.ACCEPTED, {HND, CRI}),
    (S.DISPATCHED, A.RETURN): (S.RETURNED, {HND}),
    (S.ACCEPTED, A.RETURN): (S.RETURNED, {HND}),
    (S.RETURNED, A.REDISPATCH): (S.DISPATCHED, {SEC, COL, ADM}),
    (S.ACCEPTED, A.FIRST_CONTACT): (S.IN_PROGRESS, {HND, CRI}),
    (S.ACCEPTED, A.REPLY): (S.REPLIED, {HND, CRI}),
    (S.IN_PROGRESS, A.REPLY): (S.REPLIED, {HND, CRI}),
    (S.IN_PROGRESS, A.REQUEST_EXTENSION): (S.EXTENSION_REQUESTED, {HND}),
    (S.EXTENSION_REQUESTED, A.APPROVE_EXTENSION): (S.IN_PROGRESS, {COL}),
    (S.EXTENSION_REQUESTED, A.DENY_EXTENSION): (S.IN_PROGRESS, {COL}),
    (S.EXTENSION_REQUESTED, A.REPLY): (S.REPLIED, {HND}),
    (S.REPLIED, A.START_REVISIT): (S.REVISIT, {SYS}),
    (S.REVISIT, A.REVISIT_SATISFIED): (S.CLOSED, {REQ}),
    (S.REVISIT, A.REVISIT_UNSATISFIED): (S.REOPENED, {REQ}),
    (S.REVISIT, A.CLOSE_NO_ANSWER): (S.CLOSED, {SYS}),
    (S.REOPENED, A.REDISPATCH): (S.DISPATCHED, {SYS, SEC, COL, ADM}),
}
#: Merge and reject: every open status before the reply (after it, the 回访 decides).
BEFORE_REPLY = [S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED,
                S.EXTENSION_REQUESTED, S.REOPENED]
for _st in BEFORE_REPLY:
    EXPECTED_RULES[(_st, A.MERGE)] = (S.MERGED, {SEC, COL, ADM, CRI})
    EXPECTED_RULES[(_st, A.REJECT)] = (S.REJECTED, {SEC, COL, ADM})

EXPECTED: dict[tuple[S, Action, Actor], S] = {
    (st, action, actor): to
    for (st, action), (to, actors) in EXPECTED_RULES.items() for actor in actors
}

#: Forbidden combinations a careless table might allow; each must be refused with this key.
FORBIDDEN: list[tuple[S, Action, Actor, str]] = [
    (S.RECEIVED, A.ACCEPT, HND, "lifecycle.refused"),           # not yet dispatched
    (S.RECEIVED, A.DISPATCH, ADM, "lifecycle.not_allowed_for_role"),
    (S.RECEIVED, A.ADMIN_DISPATCH, SYS, "lifecycle.not_allowed_for_role"),
    (S.DISPATCHED, A.FIRST_CONTACT, HND, "lifecycle.refused"),  # sign first (签收)
    (S.DISPATCHED, A.REPLY, HND, "lifecycle.refused"),
    (S.DISPATCHED, A.ACCEPT, SEC, "lifecycle.not_allowed_for_role"),
    (S.DISPATCHED, A.RETURN, CRI, "lifecycle.not_allowed_for_role"),  # crisis: never
    (S.ACCEPTED, A.ACCEPT, HND, "lifecycle.refused"),
    (S.RETURNED, A.REDISPATCH, HND, "lifecycle.not_allowed_for_role"),
    (S.RETURNED, A.REDISPATCH, SYS, "lifecycle.not_allowed_for_role"),
    (S.RETURNED, A.ACCEPT, HND, "lifecycle.refused"),
    (S.IN_PROGRESS, A.FIRST_CONTACT, HND, "lifecycle.refused"),  # only the first counts
    (S.IN_PROGRESS, A.RETURN, HND, "lifecycle.refused"),
    (S.IN_PROGRESS, A.REQUEST_EXTENSION, SEC, "lifecycle.not_allowed_for_role"),
    (S.EXTENSION_REQUESTED, A.APPROVE_EXTENSION, SEC, "lifecycle.not_allowed_for_role"),
    (S.EXTENSION_REQUESTED, A.APPROVE_EXTENSION, HND, "lifecycle.not_allowed_for_role"),
    (S.EXTENSION_REQUESTED, A.REQUEST_EXTENSION, HND, "lifecycle.refused"),
    (S.IN_PROGRESS, A.APPROVE_EXTENSION, COL, "lifecycle.refused"),
    (S.REPLIED, A.REVISIT_SATISFIED, REQ, "lifecycle.refused"),  # the bot asks first
    (S.REPLIED, A.START_REVISIT, HND, "lifecycle.not_allowed_for_role"),
    (S.REVISIT, A.REVISIT_SATISFIED, HND, "lifecycle.not_allowed_for_role"),
    (S.REVISIT, A.REVISIT_SATISFIED, SYS, "lifecycle.not_allowed_for_role"),
    (S.REVISIT, A.REVISIT_UNSATISFIED, SEC, "lifecycle.not_allowed_for_role"),
    (S.REVISIT, A.CLOSE_NO_ANSWER, REQ, "lifecycle.not_allowed_for_role"),
    (S.REPLIED, A.CLOSE_NO_ANSWER, SYS, "lifecycle.refused"),
    (S.REPLIED, A.REJECT, SEC, "lifecycle.refused"),            # no dodging the 回访
    (S.REVISIT, A.REJECT, ADM, "lifecycle.refused"),
    (S.REVISIT, A.MERGE, ADM, "lifecycle.refused"),
    (S.IN_PROGRESS, A.REJECT, HND, "lifecycle.not_allowed_for_role"),
    (S.IN_PROGRESS, A.MERGE, HND, "lifecycle.not_allowed_for_role"),
    (S.IN_PROGRESS, A.REJECT, CRI, "lifecycle.not_allowed_for_role"),
    (S.REOPENED, A.REPLY, HND, "lifecycle.refused"),            # re-dispatch first
    (S.REOPENED, A.REDISPATCH, HND, "lifecycle.not_allowed_for_role"),
    (S.CLOSED, A.REVISIT_UNSATISFIED, REQ, "lifecycle.closed"),
    (S.CLOSED, A.REDISPATCH, ADM, "lifecycle.closed"),
    (S.MERGED, A.REJECT, ADM, "lifecycle.closed"),
    (S.REJECTED, A.REDISPATCH, SEC, "lifecycle.closed"),
]

REASON = "不属于本支部责任区"
TARGET = "TJUFE-2026-000001"


def attempt(status: S, action: Action, actor: Actor, **kw: object) -> Transition:
    kw.setdefault("reason", REASON)
    kw.setdefault("target", TARGET)
    return apply(status, action, actor, **kw)  # type: ignore[arg-type]


def refusal_key(status: S, action: Action, actor: Actor, **kw: object) -> str:
    with pytest.raises(TransitionRefused) as info:
        attempt(status, action, actor, **kw)
    return info.value.key


def test_the_expected_table_covers_the_enums_this_test_was_written_for() -> None:
    # A new status, action or actor needs a decision written into the table above.
    assert {a.value for a in Action} == {
        "dispatch", "admin_dispatch", "accept", "return", "redispatch", "first_contact",
        "request_extension", "approve_extension", "deny_extension", "reply",
        "start_revisit", "revisit_satisfied", "revisit_unsatisfied", "close_no_answer",
        "merge", "reject"}
    assert {a.value for a in Actor} == {
        "requester", "handler", "secretary", "college", "admin", "system", "crisis_team"}
    assert len(S) == 12
    assert len(EXPECTED) == 27 + 7 * 4 + 7 * 3  # base rules, merge, reject


@pytest.mark.parametrize("status", list(S), ids=str)
def test_every_combination_gives_the_expected_status_or_is_refused(status: S) -> None:
    wrong: list[str] = []
    for action, actor in itertools.product(Action, Actor):
        expected = EXPECTED.get((status, action, actor))
        try:
            got = attempt(status, action, actor).status
        except TransitionRefused as e:
            if expected is not None:
                wrong.append(f"{action}/{actor}: refused ({e.key}), expected {expected}")
            continue
        if got != expected:
            wrong.append(f"{action}/{actor}: gave {got}, expected "
                         f"{expected or 'a refusal'}")
    assert wrong == []


@pytest.mark.parametrize("status", list(S), ids=str)
def test_refusals_say_why(status: S) -> None:
    wrong: list[str] = []
    for action, actor in itertools.product(Action, Actor):
        if (status, action, actor) in EXPECTED:
            continue
        if status in (S.CLOSED, S.MERGED, S.REJECTED):
            want = "lifecycle.closed"
        elif (status, action) in EXPECTED_RULES:
            want = "lifecycle.not_allowed_for_role"
        else:
            want = "lifecycle.refused"
        got = refusal_key(status, action, actor)
        if got != want:
            wrong.append(f"{action}/{actor}: {got}, expected {want}")
    assert wrong == []


@pytest.mark.parametrize(("status", "action", "actor", "key"), FORBIDDEN,
                         ids=lambda v: str(v))
def test_forbidden_transitions_are_refused(status: S, action: Action, actor: Actor,
                                           key: str) -> None:
    assert (status, action, actor) not in EXPECTED  # the two lists do not contradict
    assert refusal_key(status, action, actor) == key


def test_refusal_is_a_domain_error_with_the_context() -> None:
    with pytest.raises(DomainError) as info:
        apply(S.CLOSED, A.REPLY, HND)
    assert isinstance(info.value, TransitionRefused)
    assert info.value.key == "lifecycle.closed"
    assert info.value.params == {"status": "closed", "action": "reply", "actor": "handler"}


def test_status_sets() -> None:
    assert TERMINAL_STATUSES == {S.CLOSED, S.MERGED, S.REJECTED}
    assert OPEN_STATUSES == set(S) - {S.CLOSED, S.MERGED, S.REJECTED}


@pytest.mark.parametrize("status", [S.CLOSED, S.MERGED, S.REJECTED], ids=str)
def test_terminal_states_refuse_everything(status: S) -> None:
    for action, actor in itertools.product(Action, Actor):
        assert refusal_key(status, action, actor, reopen_count=5) == "lifecycle.closed"
        assert allowed_actions(status, actor) == set()


# --- reasons and targets -------------------------------------------------------------------

@pytest.mark.parametrize(("status", "action", "actor"), [
    (S.ACCEPTED, A.RETURN, HND),
    (S.DISPATCHED, A.RETURN, HND),
    (S.IN_PROGRESS, A.REJECT, SEC),
    (S.RECEIVED, A.REJECT, ADM),
    (S.IN_PROGRESS, A.REQUEST_EXTENSION, HND),
], ids=str)
@pytest.mark.parametrize("blank", [None, "", "   \n"], ids=repr)
def test_return_reject_and_extension_need_a_reason(status: S, action: Action, actor: Actor,
                                                    blank: str | None) -> None:
    assert refusal_key(status, action, actor, reason=blank) == "lifecycle.reason_required"
    done = attempt(status, action, actor, reason="  宿舍楼不归本支部  ")
    assert done.reason == "宿舍楼不归本支部"  # kept for the audit row (and, on reject, the requester)


@pytest.mark.parametrize("blank", [None, "", "  "], ids=repr)
def test_merge_needs_a_target(blank: str | None) -> None:
    assert refusal_key(S.DISPATCHED, A.MERGE, SEC, target=blank) == "lifecycle.target_required"
    done = attempt(S.DISPATCHED, A.MERGE, SEC, target=42, reason=None)
    assert (done.status, done.event, done.target) == (S.MERGED, "merged", "42")


def test_role_is_checked_before_the_reason() -> None:
    # Someone who may not act is told so, not what the action would need.
    assert refusal_key(S.ACCEPTED, A.RETURN, SEC, reason=None) == "lifecycle.not_allowed_for_role"


def test_actions_without_a_required_reason_accept_none() -> None:
    t = apply(S.DISPATCHED, A.ACCEPT, HND)
    assert (t.status, t.event, t.reason, t.target) == (S.ACCEPTED, "accepted", None, None)


# --- first contact, extension, events ------------------------------------------------------

def test_first_message_in_accepted_is_first_contact() -> None:
    t = apply(S.ACCEPTED, A.FIRST_CONTACT, HND)
    assert (t.status, t.event, t.first_contact) == (S.IN_PROGRESS, "first_contact", True)


def test_reply_straight_from_accepted_implies_first_contact() -> None:
    t = apply(S.ACCEPTED, A.REPLY, HND)
    assert (t.status, t.event, t.first_contact) == (S.REPLIED, "replied", True)
    later = apply(S.IN_PROGRESS, A.REPLY, HND)
    assert (later.status, later.first_contact) == (S.REPLIED, False)


def test_only_an_approved_extension_moves_the_due_date() -> None:
    ok = apply(S.EXTENSION_REQUESTED, A.APPROVE_EXTENSION, COL)
    no = apply(S.EXTENSION_REQUESTED, A.DENY_EXTENSION, COL)
    assert (ok.status, ok.event, ok.moves_due_date) == (S.IN_PROGRESS, "extension_approved", True)
    assert (no.status, no.event, no.moves_due_date) == (S.IN_PROGRESS, "extension_denied", False)


@pytest.mark.parametrize(("status", "action", "actor", "event"), [
    (S.RECEIVED, A.DISPATCH, SYS, "dispatched"),
    (S.RECEIVED, A.ADMIN_DISPATCH, ADM, "admin_dispatched"),
    (S.ACCEPTED, A.RETURN, HND, "returned"),
    (S.RETURNED, A.REDISPATCH, SEC, "redispatched"),
    (S.IN_PROGRESS, A.REQUEST_EXTENSION, HND, "extension_requested"),
    (S.REPLIED, A.START_REVISIT, SYS, "revisit_started"),
    (S.REVISIT, A.REVISIT_SATISFIED, REQ, "revisit_satisfied"),
    (S.REVISIT, A.CLOSE_NO_ANSWER, SYS, "closed_no_answer"),
    (S.IN_PROGRESS, A.REJECT, COL, "rejected"),
], ids=str)
def test_event_kinds_for_the_audit(status: S, action: Action, actor: Actor, event: str) -> None:
    t = attempt(status, action, actor)
    assert (t.event, t.action, t.actor) == (event, action, actor)
    assert not t.escalated and not t.counts_against_handler


# --- reopen counting and escalation --------------------------------------------------------

def test_two_reopens_go_back_to_a_handler_then_the_college_takes_over() -> None:
    count, seen = 0, []
    for _ in range(3):
        t = apply(S.REVISIT, A.REVISIT_UNSATISFIED, REQ, reopen_count=count)
        assert t.status is S.REOPENED and t.counts_against_handler
        seen.append((t.event, t.escalated, t.reopen_count))
        count = t.reopen_count
        if not t.escalated:
            # the bot re-dispatches; a new handler signs, responds and replies again
            st = apply(S.REOPENED, A.REDISPATCH, SYS, reopen_count=count).status
            for action in (A.ACCEPT, A.FIRST_CONTACT, A.REPLY):
                st = apply(st, action, HND).status
            st = apply(st, A.START_REVISIT, SYS).status
            assert st is S.REVISIT
    assert seen == [("reopened", False, 1), ("reopened", False, 2),
                    ("escalated_to_college", True, 3)]
    # Escalated: only the college (or an admin) may re-dispatch it now.
    for actor in (SYS, SEC, HND, REQ, CRI):
        key = refusal_key(S.REOPENED, A.REDISPATCH, actor, reopen_count=3)
        assert key == "lifecycle.not_allowed_for_role", actor
    assert apply(S.REOPENED, A.REDISPATCH, COL, reopen_count=3).status is S.DISPATCHED
    assert apply(S.REOPENED, A.REDISPATCH, ADM, reopen_count=3).status is S.DISPATCHED
    assert allowed_actions(S.REOPENED, SEC, reopen_count=3) == {A.MERGE, A.REJECT}
    assert A.REDISPATCH in allowed_actions(S.REOPENED, SEC, reopen_count=2)


def test_the_reopen_limit_is_configurable() -> None:
    t = apply(S.REVISIT, A.REVISIT_UNSATISFIED, REQ, reopen_count=0, max_reopens=0)
    assert (t.event, t.escalated, t.reopen_count) == ("escalated_to_college", True, 1)
    t = apply(S.REVISIT, A.REVISIT_UNSATISFIED, REQ, reopen_count=3, max_reopens=5)
    assert (t.event, t.escalated) == ("reopened", False)
    assert refusal_key(S.REOPENED, A.REDISPATCH, SEC, reopen_count=1, max_reopens=0) \
        == "lifecycle.not_allowed_for_role"


def test_a_satisfied_revisit_closes_and_keeps_the_count() -> None:
    t = apply(S.REVISIT, A.REVISIT_SATISFIED, REQ, reopen_count=2)
    assert (t.status, t.reopen_count, t.counts_against_handler) == (S.CLOSED, 2, False)


def test_negative_counts_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        apply(S.REVISIT, A.REVISIT_UNSATISFIED, REQ, reopen_count=-1)
    with pytest.raises(ValueError):
        allowed_actions(S.REVISIT, REQ, max_reopens=-1)


# --- allowed_actions ------------------------------------------------------------------------

@pytest.mark.parametrize("reopen_count", [0, 3])
@pytest.mark.parametrize("status", list(S), ids=str)
def test_allowed_actions_agrees_with_apply_and_with_the_table(status: S,
                                                               reopen_count: int) -> None:
    for actor in Actor:
        accepted = set()
        for action in Action:
            try:
                attempt(status, action, actor, reopen_count=reopen_count)
            except TransitionRefused:
                continue
            accepted.add(action)
        assert allowed_actions(status, actor, reopen_count=reopen_count) == accepted, actor
        if reopen_count == 0:
            assert accepted == {a for (st, a, ac) in EXPECTED if st is status and ac is actor}


def test_allowed_actions_for_buttons() -> None:
    assert allowed_actions(S.DISPATCHED, HND) == {A.ACCEPT, A.RETURN}
    assert allowed_actions(S.ACCEPTED, HND) == {A.RETURN, A.FIRST_CONTACT, A.REPLY}
    assert allowed_actions(S.ACCEPTED, CRI) == {A.FIRST_CONTACT, A.REPLY, A.MERGE}
    assert allowed_actions(S.REVISIT, REQ) == {A.REVISIT_SATISFIED, A.REVISIT_UNSATISFIED}
    assert allowed_actions(S.IN_PROGRESS, REQ) == set()


def test_the_happy_path_reaches_closed() -> None:
    steps = [(A.DISPATCH, SYS), (A.ACCEPT, HND), (A.FIRST_CONTACT, HND),
             (A.REQUEST_EXTENSION, HND), (A.APPROVE_EXTENSION, COL), (A.REPLY, HND),
             (A.START_REVISIT, SYS), (A.REVISIT_SATISFIED, REQ)]
    status, path = S.RECEIVED, []
    for action, actor in steps:
        status = attempt(status, action, actor).status
        path.append(status)
    assert path == [S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.EXTENSION_REQUESTED,
                    S.IN_PROGRESS, S.REPLIED, S.REVISIT, S.CLOSED]


@pytest.mark.parametrize("status", list(S))
def test_is_open_is_exactly_the_non_terminal_statuses(status: S) -> None:
    from core.concerns.lifecycle import is_open

    assert is_open(status) is (status not in {S.CLOSED, S.MERGED, S.REJECTED})
    assert is_open(status.value) is is_open(status)  # stored values are plain strings


def test_allowed_actions_counts_no_reopen_by_default() -> None:
    # With no reopen allowed at all, a never-reopened concern is not yet escalated: the
    # branch secretary may still redispatch it, as apply() agrees.
    assert A.REDISPATCH in allowed_actions(S.REOPENED, SEC, max_reopens=0)
    assert apply(S.REOPENED, A.REDISPATCH, SEC, max_reopens=0).status is S.DISPATCHED
    assert A.REDISPATCH not in allowed_actions(S.REOPENED, SEC, reopen_count=1, max_reopens=0)
