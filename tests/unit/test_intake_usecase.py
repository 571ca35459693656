"""core.concerns.intake and core.people.binding with an in-memory store: what is stored and who is told."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.people.binding import BindingLimits, bind_identity, hash_code
from core.errors import BindingError, InputError
from core.concerns.intake import IntakeRules, submit_concern
from core.model import Draft, RequesterProfile, Zone, ZoneScope
from core.ports import BindingCodeView, IdentityView, PersonCard
from tests.unit.fakes import FakeStore

NOW = datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc)  # already 2027 in Shanghai
RULES = IntakeRules(university_code="TJUFE", timezone="Asia/Shanghai", default_locale="zh_CN",
                    max_text_chars=50)


def _store() -> FakeStore:
    s = FakeStore()
    s.people[1] = PersonCard(1, "学生甲", "2023000001", "student", "支部", "会计学院", "1号楼",
                             "101", "会计2301", True)
    s.profiles[1] = RequesterProfile(1, dorm_building="1号楼", class_name="会计2301",
                                     branch_code="ACC-S1", college_code="ACC")
    s.identities = [IdentityView(10, "telegram", "500", "500", 1, None),
                    IdentityView(20, "telegram", "600", "600", 2, "en"),
                    IdentityView(30, "telegram", "700", "700", 3, None),
                    IdentityView(31, "wecom", "w700", "w700", 3, None)]
    s.roles["admin"] = [3]
    return s


def _draft(category: str = "logistics") -> Draft:
    return Draft(category=category, type="help", texts=["热水器坏了"],
                 attachments=[{"kind": "photo", "refs": {"telegram": "f1"}}])


async def test_routed_concern_is_numbered_audited_and_sent_to_the_member() -> None:
    s = _store()
    s.zones = [Zone(1, "logistics", ZoneScope.DORM_BUILDING, "1号楼", member_id=2),
               Zone(2, "*", ZoneScope.COLLEGE, "ACC", member_id=3)]
    new = await submit_concern(s, now=NOW, rules=RULES, requester_id=1, draft=_draft(),
                               channel="telegram", source_key="tg:1:100")
    assert new.number == "TJUFE-2027-000001"  # the year is the local (Shanghai) year
    assert new.member_id == 2
    assert s.concerns[1]["status"] == "dispatched"
    assert s.concerns[1]["routing_reason"].startswith("zone:dorm_building=1号楼")
    assert [(e[1], e[3]) for e in s.events] == [("received", "received"),
                                                ("dispatched", "dispatched")]
    assert s.attachments == [(1, {"kind": "photo", "refs": {"telegram": "f1"}})]
    to_member = [m for m in s.sent if m.chat_id == "600"]
    assert [m.reply.key for m in to_member] == ["task.new", "task.attachment"]
    assert to_member[0].locale == "en"  # the member's own language
    assert to_member[0].reply.params["requester"]["p"]["name"] == "学生甲"
    assert not [m for m in s.sent if m.chat_id in ("700", "w700")]


async def test_unmatched_concern_goes_to_the_admin_queue_on_every_channel() -> None:
    s = _store()
    new = await submit_concern(s, now=NOW, rules=RULES, requester_id=1, draft=_draft("it"),
                               channel="telegram", source_key="tg:1:101")
    assert new.member_id is None
    assert s.concerns[1]["status"] == "received"
    assert [e[1] for e in s.events] == ["received", "queued"]
    assert sorted(m.chat_id for m in s.sent if m.reply.key == "admin.queue_new") == ["700", "w700"]


async def test_replayed_update_returns_the_same_concern() -> None:
    s = _store()
    first = await submit_concern(s, now=NOW, rules=RULES, requester_id=1, draft=_draft("it"),
                                 channel="telegram", source_key="tg:1:102")
    again = await submit_concern(s, now=NOW, rules=RULES, requester_id=1, draft=_draft("it"),
                                 channel="telegram", source_key="tg:1:102")
    assert again.number == first.number and len(s.concerns) == 1


@pytest.mark.parametrize("draft,key", [
    (Draft(type="help", texts=["x"]), "intake.need_category"),
    (Draft(category="it", texts=["x"]), "intake.need_type"),
    (Draft(category="it", type="nonsense", texts=["x"]), "intake.need_type"),
    (Draft(category="it", type="help", texts=["  "]), "intake.empty"),
    (Draft(category="it", type="help", texts=["长" * 51]), "intake.too_long"),
])
async def test_bad_drafts_are_refused_and_nothing_is_written(draft: Draft, key: str) -> None:
    s = _store()
    with pytest.raises(InputError) as err:
        await submit_concern(s, now=NOW, rules=RULES, requester_id=1, draft=draft,
                             channel="telegram", source_key="k")
    assert err.value.key == key
    assert not s.concerns and not s.events and not s.sent


async def test_binding_codes_expire_and_guessing_is_limited() -> None:
    s = _store()
    me = IdentityView(40, "telegram", "800", "800", None, None)
    s.identities.append(me)
    s.codes[hash_code("OLDCODE234")] = BindingCodeView(1, 5, NOW - timedelta(seconds=1), None,
                                                       None)
    s.codes[hash_code("GOODCODE23")] = BindingCodeView(2, 5, NOW + timedelta(days=1), None, None)
    with pytest.raises(BindingError) as err:
        await bind_identity(s, me, "OLDCODE234", now=NOW, limits=BindingLimits(3))
    assert err.value.key == "bind.expired"
    assert await bind_identity(s, me, " goodcode23 ", now=NOW, limits=BindingLimits(3)) == 5
    assert next(i for i in s.identities if i.id == 40).person_id == 5
    other = IdentityView(41, "telegram", "801", "801", None, None)
    s.identities.append(other)
    for _ in range(3):
        with pytest.raises(BindingError):
            await bind_identity(s, other, "NOPE000000", now=NOW, limits=BindingLimits(3))
    with pytest.raises(BindingError) as err:
        await bind_identity(s, other, "GOODCODE23", now=NOW, limits=BindingLimits(3))
    assert err.value.key == "bind.too_many"
    # An hour later the window has passed; the used code is now refused as used.
    with pytest.raises(BindingError) as err:
        await bind_identity(s, other, "GOODCODE23", now=NOW + timedelta(hours=1, seconds=1),
                            limits=BindingLimits(3))
    assert err.value.key == "bind.used"
