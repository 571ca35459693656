"""Intake routing with an in-memory store: availability, 举报, conflict of interest,
urgency and the reply due time, each stored with its reason."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from core.concerns.intake import IntakeRules, submit_concern
from core.model import Draft, RequesterProfile, Urgency, Zone, ZoneScope
from core.ports import IdentityView, PersonCard
from core.workdays import FixedCalendar, Limit
from tests.unit.fakes import FakeStore

NOW = datetime(2026, 9, 30, 2, 0, tzinfo=timezone.utc)  # Wednesday 10:00 in Shanghai
RULES = IntakeRules(university_code="DEMO", timezone="Asia/Shanghai", default_locale="zh_CN")


def _store() -> FakeStore:
    s = FakeStore()
    s.people[1] = PersonCard(1, "学生甲", "2023000001", "student", "支部", "会计学院", "1号楼",
                             "101", "会计2301", True)
    s.profiles[1] = RequesterProfile(1, dorm_building="1号楼", branch_code="ACC-S1",
                                     college_code="ACC")
    s.identities = [IdentityView(i, "telegram", str(i), str(i), i, None)
                    for i in (1, 2, 3, 4, 5, 6, 7, 8)]
    s.zones = [Zone(1, "logistics", ZoneScope.DORM_BUILDING, "1号楼", member_id=2, deputy_id=3)]
    s.branch = {2: "ACC-S1", 3: "ACC-S1", 5: "ACC-T1", 6: "ACC-S1"}
    s.roles_at = {("branch_secretary", "ACC-S1"): [4],
                  ("college_committee", "ACC"): [5, 6]}
    s.roles = {"admin": [8], "discipline_contact": [7]}
    s.college_of = {"ACC-S1": "ACC"}
    return s


def _draft(**kw) -> Draft:  # noqa: ANN003
    return Draft(**{"category": "logistics", "type": "help", "texts": ["热水器坏了"], **kw})


async def _submit(s: FakeStore, draft: Draft, rules: IntakeRules = RULES):  # noqa: ANN202
    return await submit_concern(s, now=NOW, rules=rules, requester_id=1, draft=draft,
                                channel="telegram", source_key=f"k{len(s.concerns)}")


def _dispatched(s: FakeStore) -> dict:
    return next(e[5] for e in s.events if e[1] == "dispatched")


async def test_away_member_deputy_gets_it_and_the_reason_is_stored_twice() -> None:
    s = _store()
    s.away = {2}
    new = await _submit(s, _draft())
    assert new.member_id == 3
    assert s.concerns[1]["routing_reason"].startswith("deputy:member_unavailable")
    assert _dispatched(s) == {"member_id": 3, "reason": s.concerns[1]["routing_reason"]}
    assert [m.chat_id for m in s.sent if m.reply.key == "task.new"] == ["3"]


async def test_unreachable_member_and_deputy_fall_back_to_the_branch_secretary() -> None:
    s = _store()
    for i in s.identities:
        if i.person_id in (2, 3):
            i.unreachable = True
    new = await _submit(s, _draft())
    assert new.member_id == 4
    assert s.concerns[1]["routing_reason"].startswith("branch_secretary:")


async def test_report_goes_to_the_discipline_contact_only() -> None:
    s = _store()
    new = await _submit(s, _draft(type="report"))
    assert new.member_id == 7
    assert s.concerns[1]["routing_reason"] == "report:discipline_contact"
    assert {m.chat_id for m in s.sent} == {"7"}


async def test_concern_about_a_member_goes_to_the_college_not_the_branch() -> None:
    s = _store()
    new = await _submit(s, _draft(about_member=True, about_branch_code="ACC-S1"))
    assert new.member_id == 5  # 6 is a committee member but sits in ACC-S1 itself
    c = s.concerns[1]
    assert (c["about_member"], c["about_branch_code"]) == (True, "ACC-S1")
    assert c["routing_reason"] == "conflict_of_interest:branch=ACC-S1:college_committee"
    assert not {m.chat_id for m in s.sent} & {"2", "3", "4", "6"}


async def test_concern_about_an_unnamed_members_branch_goes_to_the_requesters_college() -> None:
    s = _store()
    new = await _submit(s, _draft(about_member=True))
    assert new.member_id in (5, 6)
    assert "branch=unnamed" in s.concerns[1]["routing_reason"]


async def test_urgency_comes_from_the_category_and_sets_the_due_time() -> None:
    s = _store()
    rules = IntakeRules(university_code="DEMO", timezone="Asia/Shanghai",
                        default_locale="zh_CN", category_urgency={"safety": Urgency.P1},
                        calendar=FixedCalendar(holidays={date(2026, 10, d) for d in range(1, 9)}))
    await _submit(s, _draft(category="safety"), rules)
    await _submit(s, _draft(), rules)
    p1, p2 = s.concerns[1], s.concerns[2]
    assert p1["urgency"] == "P1"
    assert p1["due_reply_at"] == datetime(2026, 10, 1, 2, 0, tzinfo=timezone.utc)  # 24 h
    assert p2["urgency"] == "P2"
    # 5 working days from Wed 30 Sep over the 1-8 Oct holiday: 9, 12, 13, 14, 15 Oct.
    assert p2["due_reply_at"] == datetime(2026, 10, 15, 2, 0, tzinfo=timezone.utc)


async def test_reply_limits_are_configurable() -> None:
    s = _store()
    rules = IntakeRules(university_code="DEMO", timezone="Asia/Shanghai",
                        default_locale="zh_CN", reply_limits={Urgency.P2: Limit.wall_clock(1)})
    await _submit(s, _draft(), rules)
    assert s.concerns[1]["due_reply_at"] == datetime(2026, 9, 30, 3, 0, tzinfo=timezone.utc)


def test_p0_in_category_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="P0"):
        IntakeRules(university_code="DEMO", timezone="Asia/Shanghai", default_locale="zh_CN",
                    category_urgency={"psych": Urgency.P0})


def test_config_refuses_p0_category_urgency_with_a_clear_error(tmp_path) -> None:  # noqa: ANN001
    from bot.app import flow_config
    from bot.config import ConfigError, load_settings

    bad = tmp_path / "bad.toml"
    bad.write_text('[categories.psych]\nurgency = "P0"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(bad)
    assert "categories.psych.urgency" in str(err.value) and "crisis" in str(err.value)
    good = tmp_path / "good.toml"
    good.write_text('[categories.safety]\nurgency = "P1"\n[limits]\np1_reply_hours = 12\n',
                    encoding="utf-8")
    rules = flow_config(load_settings(good), FixedCalendar()).rules
    assert rules.urgency_of("safety") == Urgency.P1 and rules.urgency_of("it") == Urgency.P2
    assert rules.reply_due(Urgency.P1, NOW) == datetime(2026, 9, 30, 14, 0, tzinfo=timezone.utc)
