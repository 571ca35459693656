"""Closing a crisis (P0) case with a note (core.crisis.close): who may, what they are told,
and that a closed case never climbs the ladder again. Split from test_crisis_case.py."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.crisis.case import acknowledge
from core.crisis.paging import CrisisRules, escalate, escalate_due
from core.crisis.close import close_case, may_close
from core.errors import AccessDenied, DomainError, InputError
from tests.unit.crisis_fakes import FakeCrisisStore
from tests.unit.test_crisis_case import (
    ADMIN, COUNSELLOR, DUTY, PSY1, PSY2, RULES, STUDENT, T0, TEAM, opened, store)


# --- closing a case (core.crisis.close) --------------------------------------------------

async def acked(s: FakeCrisisStore, by: int = COUNSELLOR) -> int:
    case = await opened(s)
    await acknowledge(s, now=T0 + timedelta(minutes=3), rules=RULES, person_id=by,
                      case_id=case)
    return case


async def close(s: FakeCrisisStore, case: int, by: int | None,
                note: str = "已与当事人面谈，家长已到校陪同，转介心理中心随访") -> object:
    return await close_case(s, now=T0 + timedelta(hours=1), rules=RULES, person_id=by,
                            case_id=case, note=note)


def refusals(s: FakeCrisisStore) -> list[tuple[int | None, str]]:
    return [(a[1], a[2]["why"]) for a in s.audits
            if a[0] == "refused" and a[2].get("action") == "crisis_close"]


async def test_closing_ends_the_case_and_tells_the_others_but_not_the_requester() -> None:
    s = store()
    case = await acked(s)
    before = [x.reply.key for x in s.sent if x.chat_id == str(STUDENT)]
    done = await close(s, case, COUNSELLOR)
    c = s.concerns[case]
    assert (c["status"], c["closed_at"]) == ("closed", T0 + timedelta(hours=1))
    (event,) = [e for e in s.events if e[1] == "crisis_closed"]
    assert event[:5] == (case, "crisis_closed", "accepted", "closed", COUNSELLOR)
    assert event[5] == {"actor": "crisis_team", "as": "acknowledger",
                        "note": "已与当事人面谈，家长已到校陪同，转介心理中心随访"}
    assert ("crisis_closed", COUNSELLOR, {"concern_id": case, "as": "acknowledger",
                                         "from_status": "accepted"}) in s.audits
    assert sorted(done.told) == [PSY1, PSY2]
    assert s.sent_to(PSY1)[-1] == "crisis_close.closed"
    notice = [x for x in s.sent if x.reply.key == "crisis_close.closed"][0]
    assert notice.reply.params["name"] == "辅导员" and "家长" in notice.reply.params["note"]
    assert "crisis_close.closed" not in s.sent_to(COUNSELLOR)  # the closer is answered
    assert [x.reply.key for x in s.sent if x.chat_id == str(STUDENT)] == before


@pytest.mark.parametrize("closer, relation", [(COUNSELLOR, "acknowledger"),
                                              (TEAM, "crisis_team"), (ADMIN, "admin")])
async def test_the_acknowledger_the_crisis_team_and_admins_may_close(
        closer: int, relation: str) -> None:
    s = store()
    case = await acked(s)
    assert (await may_close(s, now=T0, person_id=closer, case_id=case))[1] == relation
    await close(s, case, closer)
    assert s.case_status(case) == "closed"


async def test_an_acknowledger_outside_the_crisis_team_may_close_their_case() -> None:
    s = store()
    s.roles["crisis_team"] = [TEAM]  # the counsellor is not on the team here
    case = await acked(s, by=COUNSELLOR)
    await close(s, case, COUNSELLOR)
    assert s.case_status(case) == "closed"


@pytest.mark.parametrize("presser", [STUDENT, DUTY, 999, None])
async def test_anyone_else_is_refused_audited_and_nothing_changes(presser: int | None) -> None:
    s = store()
    await opened(s, CrisisRules(duty_numbers=("D1",)))  # DUTY paged, not on the team
    case = 1
    assert DUTY in s.level_people(0)
    await acknowledge(s, now=T0, rules=RULES, person_id=PSY1, case_id=case)
    events, sent = len(s.events), len(s.sent)
    with pytest.raises(AccessDenied) as err:
        await close(s, case, presser)
    assert err.value.key == "crisis_close.not_allowed"
    assert refusals(s) == [(presser, "not_allowed")]
    assert s.case_status(case) == "accepted"
    assert (len(s.events), len(s.sent)) == (events, sent)


async def test_a_forged_or_stale_press_is_refused_and_audited() -> None:
    s = store()
    s.concerns[1] = {"number": "DEMO-2026-000001", "status": "in_progress",
                     "requester_id": STUDENT, "source_key": "x", "assigned_member_id": 7}
    unacked = await opened(s)
    # no such case, and an ordinary concern: "no case", even for the crisis team
    for case in (999, 1):
        with pytest.raises(AccessDenied) as err:
            await close(s, case, TEAM)
        assert err.value.key == "crisis_close.no_case"
    # a case nobody has taken yet
    with pytest.raises(DomainError) as err:
        await close(s, unacked, TEAM)
    assert err.value.key == "crisis_close.not_acked"
    assert s.case_status(unacked) == "dispatched"
    # a case already closed: the button on an old message
    await acknowledge(s, now=T0, rules=RULES, person_id=COUNSELLOR, case_id=unacked)
    await close(s, unacked, COUNSELLOR)
    with pytest.raises(DomainError) as err:
        await close(s, unacked, TEAM)
    assert (err.value.key, err.value.params) == ("crisis_close.already_closed",
                                                 {"number": s.concerns[unacked]["number"]})
    assert refusals(s) == [(TEAM, "no_case"), (TEAM, "no_case"), (TEAM, "not_acked"),
                           (TEAM, "closed")]
    assert len([e for e in s.events if e[1] == "crisis_closed"]) == 1


async def test_two_closers_at_once_close_the_case_once() -> None:
    s = store()
    case = await acked(s)
    real = s.close_crisis

    async def raced(case_id: int, now: datetime) -> bool:
        await real(case_id, now)  # the acknowledger's close commits first ...
        return await real(case_id, now)  # ... so this one matches nothing

    s.close_crisis = raced  # type: ignore[method-assign]
    sent = len(s.sent)
    with pytest.raises(DomainError) as err:
        await close(s, case, TEAM)
    assert err.value.key == "crisis_close.already_closed"
    assert refusals(s) == [(TEAM, "closed")]
    assert not [e for e in s.events if e[1] == "crisis_closed"] and len(s.sent) == sent


@pytest.mark.parametrize("note", ["", "   \n "])
async def test_the_note_is_required(note: str) -> None:
    s = store()
    case = await acked(s)
    with pytest.raises(InputError) as err:
        await close(s, case, COUNSELLOR, note=note)
    assert err.value.key == "crisis_close.note_required"
    assert s.case_status(case) == "accepted"


async def test_a_closed_case_never_escalates() -> None:
    s = store()
    case = await acked(s)
    await close(s, case, COUNSELLOR)
    # A page left unacknowledged (written by an escalation that raced the ack) is due.
    await s.add_crisis_page(case, 1, TEAM, T0, T0 + timedelta(minutes=15))
    sent = len(s.sent)
    assert await escalate_due(s, now=T0 + timedelta(hours=3), rules=RULES) == 0
    # Even a claim that succeeded (the close committed while it waited) pages nobody.
    s.claim_crisis_escalation = lambda *a: _true()  # type: ignore[method-assign]
    assert not await escalate(s, case, 1, now=T0 + timedelta(hours=3), rules=RULES,
                              reason="timeout")
    assert len(s.sent) == sent and s.level_people(2) == []


async def _true() -> bool:
    return True


async def test_a_crisis_message_after_the_close_opens_a_new_case_and_pages_again() -> None:
    s = store()
    first = await acked(s)
    await close(s, first, COUNSELLOR)
    later = T0 + timedelta(days=20)
    second = await opened(s, at=later)
    assert second != first
    assert (s.case_status(first), s.case_status(second)) == ("closed", "dispatched")
    assert [p.person_id for p in s.pages if p.concern_id == second] == [COUNSELLOR, PSY1,
                                                                       PSY2]
    assert s.sent_to(COUNSELLOR)[-1] == "crisis.page"
    assert "crisis.again" not in s.sent_to(COUNSELLOR)
    # and the new case climbs the ladder if nobody takes it
    assert await escalate_due(s, now=later + timedelta(minutes=16), rules=RULES) == 1
    assert s.sent_to(TEAM)[-1] == "crisis.page"
