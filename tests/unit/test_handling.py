"""core/concerns/handling.py against an in-memory store: who may act, what is written, what is
audited, what the second 签收 says, and who is told.

Written against the mutants of core/concerns/handling.py that survived ``make mutate`` (the
end-to-end walks reach these functions but check only what the user sees).
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from core.errors import AccessDenied
from core.concerns.handling import act, actors_for, may_act, tell_requester
from core.concerns.lifecycle import Action, Actor, TransitionRefused
from core.model import ConcernStatus as S
from core.model import Lane, Role
from core.replies import Button
from tests.unit.handling_fakes import (ADMIN, BASE, COLLEGE, FOLLOWER, HANDLER, NOW, REQUESTER,
                                       SECRETARY, STRANGER, Store)


async def test_every_relation_most_specific_first() -> None:
    store = Store()
    both = replace(BASE, requester_id=HANDLER)  # a member handling their own concern
    assert await actors_for(store, HANDLER, both) == [Actor.HANDLER, Actor.REQUESTER]
    assert await actors_for(store, REQUESTER, BASE) == [Actor.REQUESTER]
    assert await actors_for(store, SECRETARY, BASE) == [Actor.SECRETARY]
    assert await actors_for(store, COLLEGE, BASE) == [Actor.COLLEGE]
    assert await actors_for(store, ADMIN, BASE) == [Actor.ADMIN]
    assert await actors_for(store, STRANGER, BASE) == []
    store.roles[SECRETARY] = [(Role.BRANCH_SECRETARY.value, "B1")] * 2  # listed once
    assert await actors_for(store, SECRETARY, BASE) == [Actor.SECRETARY]


async def test_accepting_writes_the_status_stamps_and_one_event() -> None:
    store = Store()
    done = await act(store, now=NOW, person_id=HANDLER, concern_id=10, action=Action.ACCEPT)
    assert (done.actor, done.transition.status) == (Actor.HANDLER, S.ACCEPTED)
    assert store.updates == [{"id": 10, "status": "accepted", "updated_at": NOW,
                              "reopen_count": 0, "accepted_at": NOW}]
    assert store.events == [(10, "accepted", "dispatched", "accepted", HANDLER,
                             {"actor": "handler", "reason": None}, NOW)]
    assert store.audits == []


async def test_a_reply_after_accepting_is_the_first_contact_and_stamps_the_reply() -> None:
    store = Store(replace(BASE, status=S.ACCEPTED))
    await act(store, now=NOW, person_id=HANDLER, concern_id=10, action=Action.REPLY,
              extra={"reply_text": "已修好", "due_at": NOW, "status": "ignored",
                     "updated_at": "ignored"})
    update = store.updates[0]
    assert update["first_contact_at"] == NOW and update["replied_at"] == NOW
    assert update["reply_text"] == "已修好" and "closed_at" not in update
    # extra fields reach the event as plain values, but never status or updated_at
    assert store.events[0][5] == {"actor": "handler", "reason": None, "reply_text": "已修好",
                                  "due_at": NOW.isoformat()}


@pytest.mark.parametrize(("status", "action", "person", "closed"), [
    (S.DISPATCHED, Action.REJECT, SECRETARY, "rejected"),
    (S.DISPATCHED, Action.MERGE, SECRETARY, "merged"),
])
async def test_closing_steps_stamp_closed_at(status: S, action: Action, person: int,
                                             closed: str) -> None:
    store = Store(replace(BASE, status=status))
    await act(store, now=NOW, person_id=person, concern_id=10, action=action, reason="重复",
              target="2026-0001")
    assert store.updates[0]["status"] == closed
    assert store.updates[0]["closed_at"] == NOW
    assert store.events[0][5]["reason"] == "重复"


async def test_the_system_acts_as_the_system() -> None:
    store = Store(replace(BASE, status=S.REOPENED, reopen_count=1))
    done = await act(store, now=NOW, person_id=None, concern_id=10, action=Action.REDISPATCH)
    assert done.actor is Actor.SYSTEM
    assert store.events[0][4] is None and store.events[0][5]["actor"] == "system"
    assert store.updates[0]["reopen_count"] == 1


async def test_an_unknown_concern_is_refused_and_audited() -> None:
    store = Store()
    with pytest.raises(AccessDenied) as err:
        await act(store, now=NOW, person_id=HANDLER, concern_id=99, action=Action.ACCEPT)
    assert err.value.key == "handling.not_found"
    assert store.audits == [("refused", HANDLER, {"concern_id": 99, "action": "accept",
                                                  "why": "not_found"}, NOW)]
    assert store.updates == [] and store.events == []


async def test_someone_with_no_relation_is_refused_and_audited() -> None:
    store = Store()
    with pytest.raises(AccessDenied) as err:
        await may_act(store, now=NOW, person_id=STRANGER, concern_id=10, action=Action.ACCEPT)
    assert err.value.key == "handling.no_access"
    assert store.audits == [("refused", STRANGER, {"concern_id": 10, "action": "accept",
                                                   "why": "handling.no_access"}, NOW)]


async def test_a_requester_pressing_a_handler_button_gets_the_telling_refusal() -> None:
    store = Store()
    with pytest.raises(TransitionRefused) as err:
        await act(store, now=NOW, person_id=REQUESTER, concern_id=10, action=Action.ACCEPT)
    assert err.value.key == "lifecycle.not_allowed_for_role"
    assert store.audits[0][2]["why"] == "lifecycle.not_allowed_for_role"
    assert store.updates == []


async def test_may_act_checks_without_writing_and_returns_the_concern() -> None:
    store = Store()
    got = await may_act(store, now=NOW, person_id=HANDLER, concern_id=10, action=Action.ACCEPT)
    assert got == BASE
    # a reason-needing action is allowed before its reason is typed
    got = await may_act(store, now=NOW, person_id=HANDLER, concern_id=10, action=Action.RETURN)
    assert got == BASE
    assert store.updates == [] and store.events == [] and store.audits == []


async def test_a_second_accept_by_the_handler_says_already_accepted() -> None:
    store = Store(replace(BASE, status=S.IN_PROGRESS))
    with pytest.raises(TransitionRefused) as err:
        await act(store, now=NOW, person_id=HANDLER, concern_id=10, action=Action.ACCEPT)
    assert err.value.key == "lifecycle.already_accepted"
    assert err.value.params["status"] == "in_progress"
    assert store.audits[0][2]["why"] == "lifecycle.already_accepted"


async def test_a_second_accept_by_someone_else_names_who_accepted() -> None:
    store = Store(replace(BASE, status=S.ACCEPTED))
    with pytest.raises(TransitionRefused) as err:
        await act(store, now=NOW, person_id=SECRETARY, concern_id=10, action=Action.ACCEPT)
    assert err.value.key == "lifecycle.accepted_by"
    assert err.value.params["name"] == "王老师"
    assert store.audits[0][2]["why"] == "lifecycle.accepted_by"
    store.names.clear()
    with pytest.raises(TransitionRefused) as err:
        await act(store, now=NOW, person_id=SECRETARY, concern_id=10, action=Action.ACCEPT)
    assert err.value.params["name"] == "—"


@pytest.mark.parametrize(("status", "key"), [(S.CLOSED, "lifecycle.closed"),
                                             (S.DISPATCHED, "lifecycle.not_allowed_for_role")])
async def test_accept_refusals_outside_accepted_states_are_left_as_they_are(status: S,
                                                                           key: str) -> None:
    store = Store(replace(BASE, status=status))
    with pytest.raises(TransitionRefused) as err:
        await act(store, now=NOW, person_id=REQUESTER, concern_id=10, action=Action.ACCEPT)
    assert err.value.key == key


async def test_a_refused_other_action_in_an_accepted_state_is_not_reworded() -> None:
    store = Store(replace(BASE, status=S.ACCEPTED))
    with pytest.raises(TransitionRefused) as err:
        await act(store, now=NOW, person_id=HANDLER, concern_id=10, action=Action.APPROVE_EXTENSION)
    assert err.value.key == "lifecycle.refused"


async def test_the_requester_and_merged_followers_are_told() -> None:
    store = Store()
    store.followers = [REQUESTER, FOLLOWER]
    buttons = ((Button("ok", "x:1"),),)
    await tell_requester(store, BASE, "concern.accepted", now=NOW, default_locale="zh_CN",
                         buttons=buttons, name="王老师")
    assert [(chat, r.key, r.params, r.buttons, lane, locale)
            for chat, r, lane, locale in store.sent] == [
        ("chat1", "concern.accepted", {"number": "2026-0010", "name": "王老师"}, buttons,
         Lane.INTERACTIVE, "zh_CN"),
        # the follower gets the notice without the buttons, in their own language
        ("chat7", "concern.accepted", {"number": "2026-0010", "name": "王老师"}, (),
         Lane.INTERACTIVE, "en"),
    ]


async def test_may_act_on_a_merge_before_its_target_is_typed() -> None:
    store = Store()
    assert await may_act(store, now=NOW, person_id=SECRETARY, concern_id=10,
                         action=Action.MERGE) == BASE


async def test_an_escalated_reopen_is_the_college_s_not_the_branch_s() -> None:
    # Reopened more often than allowed (2): only the college or an admin re-dispatches.
    store = Store(replace(BASE, status=S.REOPENED, reopen_count=3))
    with pytest.raises(TransitionRefused) as err:
        await act(store, now=NOW, person_id=SECRETARY, concern_id=10, action=Action.REDISPATCH)
    assert err.value.key == "lifecycle.not_allowed_for_role"
    done = await act(store, now=NOW, person_id=COLLEGE, concern_id=10, action=Action.REDISPATCH)
    assert done.actor is Actor.COLLEGE


async def test_a_stranger_pressing_accept_on_an_accepted_concern_learns_nothing() -> None:
    store = Store(replace(BASE, status=S.ACCEPTED))
    with pytest.raises(AccessDenied) as err:
        await act(store, now=NOW, person_id=STRANGER, concern_id=10, action=Action.ACCEPT)
    assert err.value.key == "handling.no_access"  # not who accepted it


async def test_who_accepted_keeps_the_refusal_s_parameters() -> None:
    store = Store(replace(BASE, status=S.ACCEPTED))
    with pytest.raises(TransitionRefused) as err:
        await act(store, now=NOW, person_id=SECRETARY, concern_id=10, action=Action.ACCEPT)
    assert err.value.params == {"status": "accepted", "action": "accept",
                                "actor": "secretary", "name": "王老师"}


def test_a_status_label_is_its_locale_key() -> None:
    from core.concerns.handling import status_label

    assert status_label(S.REOPENED) == {"t": "status.reopened"}
