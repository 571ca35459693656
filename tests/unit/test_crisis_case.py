"""The crisis case and its paging ladder (core.crisis.case), on fakes."""
from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone

import pytest

from bot.telegram.render import render_text
from core.actions import Verb, decode
from core.crisis.detection import CrisisDetector
from core.crisis.case import acknowledge, open_crisis
from core.crisis.paging import CrisisRules, due_escalations, escalate_due
from core.errors import AccessDenied
from core.model import Lane, RequesterProfile
from locales import Catalog
from tests.unit.crisis_fakes import FakeCrisisStore

T0 = datetime(2026, 5, 11, 2, 0, tzinfo=timezone.utc)
STUDENT, COUNSELLOR, PSY1, PSY2, TEAM, ADMIN, FINAL, DUTY = 1, 10, 20, 21, 30, 40, 50, 60
RULES = CrisisRules(school_hotline="010-6666", final_number="F1", ack_minutes=15)
MATCH = CrisisDetector().detect("我不想活了")
CATALOG = Catalog.load()


def store(*, reachable: tuple[int, ...] = (STUDENT, COUNSELLOR, PSY1, PSY2, TEAM, ADMIN, FINAL,
                                           DUTY)) -> FakeCrisisStore:
    s = FakeCrisisStore()
    s.profiles[STUDENT] = RequesterProfile(STUDENT, college_code="ACC")
    s.roles_at[("counsellor", "ACC")] = [COUNSELLOR]
    s.roles = {"psych_centre": [PSY1, PSY2], "crisis_team": [COUNSELLOR, PSY1, PSY2, TEAM],
               "admin": [ADMIN]}
    s.numbers = {"F1": FINAL, "D1": DUTY}
    s.names = {COUNSELLOR: "辅导员", TEAM: "危机组"}
    s.reachable(*reachable)
    return s


async def opened(s: FakeCrisisStore, rules: CrisisRules = RULES, parent: int | None = None,
                 at: datetime = T0) -> int:
    assert MATCH is not None
    got = await open_crisis(s, now=at, rules=rules, person_id=STUDENT, text="我不想活了",
                            match=MATCH, source="intake_text", channel="telegram",
                            source_key="tg:1:1", parent_concern_id=parent)
    return got.case_id


async def test_opening_replies_with_care_first_and_pages_counsellor_and_psych_centre() -> None:
    s = store()
    case = await opened(s)
    first = s.sent[0]
    assert (first.chat_id, first.reply.key, first.lane) == (
        str(STUDENT), "crisis.caring_with_school", Lane.CRISIS)
    assert first.reply.params == {"national": "12356", "school": "010-6666"}
    c = s.concerns[case]
    assert (c["crisis"], c["urgency"], c["category"], c["assigned_member_id"]) == \
        (True, "P0", "psych", None)
    assert s.level_people(0) == [COUNSELLOR, PSY1, PSY2]
    pages = [x for x in s.sent if x.reply.key == "crisis.page"]
    assert {x.chat_id for x in pages} == {str(COUNSELLOR), str(PSY1), str(PSY2)}
    assert all(x.lane is Lane.CRISIS for x in pages)
    action = decode(pages[0].reply.buttons[0][0].action)
    assert (action.verb, action.arg) == (Verb.CRISIS_ACK, str(case))
    assert pages[0].reply.params["phone"] == "13800000000"  # identity shown to the team
    audits = [a for a in s.audits if a[0] == "crisis_identity_access"]
    assert sorted(a[1] for a in audits) == [COUNSELLOR, PSY1, PSY2]
    assert [e[1] for e in s.events if e[0] == case] == ["crisis_opened", "crisis_paged"]
    assert all(p.escalate_at == T0 + timedelta(minutes=15) for p in s.pages)


async def test_a_linked_case_names_its_parent_and_the_parent_gets_an_event() -> None:
    s = store()
    s.concerns[1] = {"number": "DEMO-2026-000001", "status": "in_progress",
                     "requester_id": STUDENT, "source_key": "x", "assigned_member_id": 7}
    case = await opened(s, parent=1)
    assert s.concerns[case]["parent_concern_id"] == 1
    assert (1, "crisis_linked") in [(e[0], e[1]) for e in s.events]
    page = next(x for x in s.sent if x.reply.key == "crisis.page")
    assert page.reply.params["parent"] == "DEMO-2026-000001"
    assert str(7) not in {x.chat_id for x in s.sent}  # the ordinary handler hears nothing


async def test_duty_roster_from_config_wins_then_college_counsellor_then_fallback() -> None:
    s = store()
    await opened(s, CrisisRules(duty_numbers=("D1",)))
    assert s.level_people(0)[0] == DUTY and COUNSELLOR not in s.level_people(0)
    s = store()
    s.roles_at.clear()
    await opened(s, CrisisRules(fallback_number="D1"))
    assert s.level_people(0)[0] == DUTY


async def test_unacknowledged_page_escalates_once_after_the_limit() -> None:
    s = store()
    await opened(s)
    assert await escalate_due(s, now=T0 + timedelta(minutes=14), rules=RULES) == 0
    assert await escalate_due(s, now=T0 + timedelta(minutes=16), rules=RULES) == 1
    assert await escalate_due(s, now=T0 + timedelta(minutes=16), rules=RULES) == 0
    assert s.level_people(1) == [TEAM]  # the crisis team, minus those already paged
    assert s.sent_to(TEAM) == ["crisis.page"]


async def test_the_ladder_ends_at_the_named_human() -> None:
    s = store()
    await opened(s)
    at = T0
    for _ in range(5):
        at += timedelta(minutes=16)
        await escalate_due(s, now=at, rules=RULES)
    assert [s.level_people(n) for n in range(4)] == [[COUNSELLOR, PSY1, PSY2], [TEAM],
                                                     [ADMIN], [FINAL]]
    assert all(p.escalate_at is None for p in s.pages if p.level == 3)


async def test_acknowledging_stops_escalation_and_tells_the_others() -> None:
    s = store()
    case = await opened(s)
    done = await acknowledge(s, now=T0 + timedelta(minutes=3), rules=RULES,
                             person_id=COUNSELLOR, case_id=case)
    assert done.first and s.case_status(case) == "accepted"
    assert s.sent_to(PSY1)[-1] == "crisis.taken" and s.sent_to(PSY2)[-1] == "crisis.taken"
    taken = [x for x in s.sent if x.reply.key == "crisis.taken"][0]
    assert taken.reply.params["name"] == "辅导员"
    # PSY1 and PSY2 are in the crisis team: each may close the case from that notice.
    for x in s.sent:
        if x.reply.key == "crisis.taken":
            (row,) = x.reply.buttons
            got = decode(row[0].action)
            assert (got.verb, got.arg) == (Verb.CRISIS_CLOSE, str(case))
    assert await escalate_due(s, now=T0 + timedelta(hours=2), rules=RULES) == 0
    again = await acknowledge(s, now=T0 + timedelta(minutes=4), rules=RULES, person_id=PSY1,
                              case_id=case)
    assert not again.first and again.by_name == "辅导员"


async def test_a_taken_case_does_not_escalate_through_a_page_that_raced_the_ack() -> None:
    s = store()
    case = await opened(s)
    await acknowledge(s, now=T0 + timedelta(minutes=3), rules=RULES, person_id=COUNSELLOR,
                      case_id=case)
    # An escalation that committed while the acknowledgement did left a page unacked.
    await s.add_crisis_page(case, 1, TEAM, T0, T0 + timedelta(minutes=15))
    assert await escalate_due(s, now=T0 + timedelta(hours=1), rules=RULES) == 0
    assert s.level_people(2) == []


async def test_the_person_in_crisis_is_never_paged_about_themselves() -> None:
    s = store()
    # The writer is their college's only counsellor, in the crisis team, and the final name.
    s.roles_at[("counsellor", "ACC")] = [STUDENT]
    s.roles["crisis_team"] = [STUDENT, TEAM]
    s.numbers["F1"] = STUDENT
    case = await opened(s)
    at = T0
    for _ in range(4):
        at += timedelta(minutes=16)
        await escalate_due(s, now=at, rules=RULES)
    assert STUDENT not in {p.person_id for p in s.pages if p.concern_id == case}
    assert "crisis.page" not in s.sent_to(STUDENT)
    # Nobody to reach at level 0 but the psych centre: up at once, to the rest of the team.
    assert s.level_people(1) == [TEAM]


async def test_only_a_paged_person_can_acknowledge() -> None:
    s = store()
    case = await opened(s)
    with pytest.raises(AccessDenied):
        await acknowledge(s, now=T0, rules=RULES, person_id=TEAM, case_id=case)
    assert ("refused", TEAM, {"concern_id": case, "action": "crisis_ack",
                              "why": "not_paged"}) in s.audits
    assert all(p.acked_at is None for p in s.pages)


async def test_unreachable_counsellor_escalates_at_once() -> None:
    s = store(reachable=(STUDENT, PSY1, PSY2, TEAM, ADMIN, FINAL))
    await opened(s)
    assert s.level_people(1) == [TEAM]
    assert all(p.escalated_at == T0 for p in s.pages if p.level == 0)
    paged = [e for e in s.events if e[1] == "crisis_paged"]
    assert [e[5]["reason"] for e in paged] == ["opened", "unreachable"]


async def test_a_second_crisis_message_joins_the_open_case() -> None:
    s = store()
    first = await opened(s)
    second = await opened(s, at=T0 + timedelta(minutes=1))
    assert first == second
    assert len([c for c in s.concerns.values() if c.get("crisis")]) == 1
    assert s.sent_to(COUNSELLOR)[-1] == "crisis.again"
    assert [x.reply.key for x in s.sent if x.chat_id == str(STUDENT)] == ["crisis.caring_with_school"] * 2


@pytest.mark.parametrize(("locale", "school_line"), [("zh_CN", "· 学校心理援助热线："),
                                                     ("en", "· School hotline: ")])
async def test_the_caring_reply_names_the_school_hotline_only_when_one_is_set(
        locale: str, school_line: str) -> None:
    """The shipped config has no school hotline: no "学校心理援助热线：—" line to call."""
    texts = {}
    for hotline in ("", "   ", "010-12345678"):
        s = store()
        await opened(s, rules=CrisisRules(school_hotline=hotline, final_number="F1"))
        reply = s.sent[0].reply
        texts[hotline] = CATALOG.render(locale, reply.key, reply.params)
    for text in texts[""], texts["   "]:
        assert school_line not in text and "—" not in text
        assert "<b>12356</b>" in text  # the national hotline stays
    assert f"{school_line}<b>010-12345678</b>\n" in texts["010-12345678"]
    assert texts["010-12345678"].replace(f"{school_line}<b>010-12345678</b>\n", "") == texts[""]


def test_due_escalations_sees_a_counsellor_who_became_unreachable() -> None:
    from core.ports import CrisisPageView

    later = T0 + timedelta(minutes=15)
    pages = [CrisisPageView(1, 9, 0, COUNSELLOR, T0, later, None, None, None),
             CrisisPageView(2, 9, 0, PSY1, T0, later, None, None, None)]
    assert due_escalations(pages, T0, set(), {PSY1}) == []
    assert due_escalations(pages, T0, {COUNSELLOR}, {PSY1}) == [(9, 0, "unreachable")]
    assert due_escalations(pages, later, set(), {PSY1}) == [(9, 0, "timeout")]



async def test_pages_count_levels_from_one_for_the_people_reading_them() -> None:
    catalog = Catalog.load()
    s = store()
    await opened(s)
    await escalate_due(s, now=T0 + timedelta(minutes=16), rules=RULES)

    def page_to(person: int, locale: str) -> str:
        (reply,) = [x.reply for x in s.sent if x.chat_id == str(person)
                    and x.reply.key == "crisis.page"]
        return html.unescape(render_text(catalog, locale, reply.to_dict()))

    assert "（第 1 级呼叫：新个案）" in page_to(COUNSELLOR, "zh_CN")
    assert "（第 2 级呼叫：上一级未在时限内确认）" in page_to(TEAM, "zh_CN")
    assert "(page level 1: new case)" in page_to(PSY1, "en")
    assert all("第 0 级" not in page_to(p, "zh_CN") for p in (COUNSELLOR, PSY1, PSY2))
