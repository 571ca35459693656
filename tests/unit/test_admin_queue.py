"""The admin queue notice (core.concerns.admin_queue via core.concerns.intake): the real reason, and
dispatch buttons for the people who could take the concern."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from core.actions import Verb, decode
from core.concerns.intake import IntakeRules, submit_concern
from core.model import Draft, RequesterProfile, Zone, ZoneScope
from core.ports import IdentityView, PersonCard
from locales import Catalog
from tests.unit.fakes import FakeStore

CATALOG = Catalog.load("zh_CN")

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
RULES = IntakeRules(university_code="DEMO", timezone="Asia/Shanghai", default_locale="zh_CN")
REQUESTER, MEMBER, DEPUTY, SECRETARY, PEER, ADMIN = 1, 2, 3, 4, 5, 9


def _card(pid: int, name: str) -> PersonCard:
    return PersonCard(pid, name, f"N{pid}", "student", "支部", "会计学院", "3号楼", "301",
                      "会计2301", True)


def _store(zones: bool = True) -> FakeStore:
    s = FakeStore()
    for pid, name in ((REQUESTER, "学生"), (MEMBER, "党员甲"), (DEPUTY, "党员乙"),
                      (SECRETARY, "书记丙"), (PEER, "党员丁"), (ADMIN, "管理员")):
        s.people[pid] = _card(pid, name)
    s.profiles[REQUESTER] = RequesterProfile(REQUESTER, dorm_building="3号楼",
                                             branch_code="ACC-S1", college_code="ACC")
    if zones:
        s.zones = [Zone(1, "logistics", ZoneScope.DORM_BUILDING, "3号楼", member_id=MEMBER,
                        deputy_id=DEPUTY)]
    s.branch = {MEMBER: "ACC-S1", DEPUTY: "ACC-S1", SECRETARY: "ACC-S1", PEER: "ACC-S1"}
    s.roles_at = {("branch_secretary", "ACC-S1"): [SECRETARY],
                  ("party_member", "ACC-S1"): [MEMBER, DEPUTY, SECRETARY, PEER]}
    s.roles["admin"] = [ADMIN]
    s.identities = [IdentityView(90, "telegram", "900", "900", ADMIN, None),
                    IdentityView(50, "telegram", "500", "500", PEER, None)]
    return s


async def _notice(s: FakeStore) -> object:
    draft = Draft(category="logistics", type="help", texts=["水房没有热水"])
    new = await submit_concern(s, now=NOW, rules=RULES, requester_id=REQUESTER, draft=draft,
                               channel="telegram", source_key="k")
    assert new.member_id is None
    (sent,) = [m for m in s.sent if m.chat_id == "900"]
    return sent.reply


@pytest.mark.parametrize("setup,why", [
    (lambda s: None, "admin.why_unbound"),  # member, deputy, secretary: no account
    (lambda s: s.identities.extend(IdentityView(i, "telegram", str(i), str(i), p, None,
                                                unreachable=True)
                                   for i, p in ((20, MEMBER), (30, DEPUTY), (40, SECRETARY))),
     "admin.why_unreachable"),
    (lambda s: s.away.update({MEMBER, DEPUTY, SECRETARY}), "admin.why_away"),
    (lambda s: s.away.add(MEMBER), "admin.why_unavailable"),  # away and unbound
])
async def test_the_notice_names_why_nobody_of_the_zone_took_it(setup, why: str) -> None:  # noqa: ANN001
    s = _store()
    setup(s)
    reply = await _notice(s)
    assert reply.params["why"] == {"t": why}
    text = _text(reply)
    assert "相关人员：党员甲 / 党员乙 / 书记丙\n" in text
    assert "诉求人：学生（会计学院，3号楼 301）\n" in text


def _text(reply) -> str:  # noqa: ANN001
    return CATALOG.render("zh_CN", reply.key, reply.params)


def _labels(reply) -> list[str]:  # noqa: ANN001
    return [b.params["label"] for row in reply.buttons for b in row]


async def test_no_zone_is_said_so_and_dispatch_buttons_offer_reachable_people() -> None:
    reply = await _notice(_store(zones=False))
    assert reply.params["why"] == {"t": "admin.why_no_zone"}
    # Only the branch's reachable Party member: the others have no chat account.
    buttons = [b for row in reply.buttons for b in row]
    assert [(b.params["label"], decode(b.action).verb, decode(b.action).arg)
            for b in buttons] == [("党员丁", Verb.REDISPATCH, f"1.{PEER}")]


async def test_away_zone_people_are_not_offered_even_with_an_account() -> None:
    s = _store()
    s.away.update({MEMBER, DEPUTY, SECRETARY})
    s.identities += [IdentityView(20, "telegram", "20", "20", MEMBER, None)]
    reply = await _notice(s)
    assert _labels(reply) == ["党员丁"]  # 党员甲 is away (/away): no button for them
    assert "请尽快分派，可点击下方的人员直接派单。" in _text(reply)


def _functional_store() -> FakeStore:
    """A staff member of a functional unit (no branch, no college), a category no zone
    covers: nobody the rules name. Party members: PEER of ACC-S1, OTHER of ECO-S1."""
    s = _store(zones=False)
    s.people[REQUESTER] = PersonCard(REQUESTER, "陈梓轩", "9101000002", "staff", "后勤保障处",
                                     None, None, None, None, True)
    s.profiles[REQUESTER] = RequesterProfile(REQUESTER)
    s.people[OTHER] = _card(OTHER, "党员戊")
    s.roles_at[("party_member", "ECO-S1")] = [OTHER]
    s.roles["party_member"] = [MEMBER, DEPUTY, SECRETARY, PEER, OTHER]
    s.identities.append(IdentityView(70, "telegram", "700", "700", OTHER, None))
    return s


OTHER = 7


async def test_with_nobody_fitting_the_admin_is_offered_the_universitys_party_members() -> None:
    s = _functional_store()
    s.load = {PEER: 3, OTHER: 1}
    reply = await _notice(s)
    text = _text(reply)
    # Reachable Party members of the university, the least busy first; none away.
    assert _labels(reply) == ["党员戊", "党员丁"]
    assert "没有符合条件的负责人可以接手" in text and "直接派单" in text
    assert "请尽快分派，可点击下方的人员直接派单。" not in text
    assert "相关人员" not in text  # nobody was passed over
    assert "诉求人：陈梓轩（后勤保障处）\n" in text  # no （—，—）
    s = _functional_store()
    s.away.add(OTHER)
    assert _labels(await _notice(s)) == ["党员丁"]


async def test_the_requesters_own_college_comes_first_in_the_fallback() -> None:
    s = _functional_store()
    s.load = {PEER: 3, OTHER: 1}
    s.profiles[REQUESTER] = RequesterProfile(REQUESTER, college_code="ACC")
    s.college_of = {"ACC-S1": "ACC", "ECO-S1": "ECO"}
    assert _labels(await _notice(s)) == ["党员丁", "党员戊"]


async def test_with_no_reachable_party_member_the_notice_offers_no_dispatch() -> None:
    s = _functional_store()
    s.identities = [i for i in s.identities if i.person_id == ADMIN]
    reply = await _notice(s)
    text = _text(reply)
    assert reply.buttons == ()
    assert "直接派单" not in text and "目前没有能联系上的党员可以派单" in text


async def test_a_report_is_never_offered_to_party_members() -> None:
    """举报 goes to the discipline office only: with no discipline contact reachable the
    admin gets no member buttons, and a forged press for a member is not a candidate."""
    from core.concerns.admin_queue import dispatch_candidates

    s = _functional_store()
    draft = Draft(category="logistics", type="report", texts=["某党员收受好处"])
    new = await submit_concern(s, now=NOW, rules=RULES, requester_id=REQUESTER, draft=draft,
                               channel="telegram", source_key="k")
    assert new.member_id is None
    (sent,) = [m for m in s.sent if m.chat_id == "900"]
    text = _text(sent.reply)
    assert sent.reply.buttons == ()
    assert "只能由纪检部门处理" in text and "直接派单" not in text

    class Stored:
        id, type, category, requester_id = new.id, "report", "logistics", REQUESTER

    assert await dispatch_candidates(s, Stored) == []
