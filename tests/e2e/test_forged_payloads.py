"""Forged button payloads, through the real bot: every registered action type is refused.

Anyone can send any callback_data. For every concern-bearing verb the table below holds a
payload for another member's (or requester's) concern, for a closed concern, and for a
role the presser does not hold; the wizard verbs get stale and forged-argument payloads.
Each press must get a clear refusal, write an audit row (``refused`` or
``forged_button``), and change nothing in any concern. The test fails when a verb in
``core.actions.Verb`` has no case here, so a new button cannot ship unchecked.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from core.actions import Verb
from core.clock import SystemClock
from storage.db import make_engine, session_factory
from storage.tables import AuditLog, Concern, ConcernEvent, Conversation, Person, RelayMessage
from tests.support.chat import ChatUser
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, bot_settings, seed_roster

PEOPLE = {  # who: (telegram id, roster number or None for a stranger)
    "student": (7101, "2023010103"),        # the requester of every concern below
    "other_student": (7102, "2023010104"),
    "member": (7103, "2022010202"),         # the handler (ACC-S1)
    "other_member": (7104, "2022010201"),   # same branch, not the handler
    "secretary": (7105, "9001000003"),      # ACC-S1 secretary
    "college": (7106, "9001000001"),        # ACC college committee
    "other_college": (7107, "9002000001"),  # ECO college committee
    "other_secretary": (7108, "9002000003"),  # ECO-S1 secretary
    "stranger": (7109, None),               # never bound
}
ECO_MEMBER = "2022020201"  # a party member of ECO-S1, not of the concern's branch

#: The concerns the payloads point at, all from "student", assigned to "member".
STATUSES = {"disp": "dispatched", "prog": "in_progress", "ext": "extension_requested",
            "ret": "returned", "rev": "revisit", "closed": "closed"}

# (presser, payload). {disp}…{closed}: concern ids; {case}: an open crisis case id,
# {closed_case}: a closed one (from another student); {B}/{X}:
# the other member's / an ECO member's person id; {v}: the presser's conversation version.
CASES: dict[Verb, list[tuple[str, str]]] = {
    Verb.ACCEPT: [("other_member", "x1:acc:{disp}:0"), ("member", "x1:acc:{closed}:0"),
                  ("student", "x1:acc:{disp}:0"), ("member", "x1:acc:99999:0"),
                  ("member", "x1:acc:abc:0")],
    Verb.RETURN: [("other_member", "x1:ret:{disp}:0"), ("member", "x1:ret:{closed}:0"),
                  ("student", "x1:ret:{disp}:0")],
    Verb.CONTACT: [("other_member", "x1:msg:{prog}:0"), ("member", "x1:msg:{closed}:0"),
                   ("student", "x1:msg:{prog}:0"), ("member", "x1:msg:{disp}:0")],
    Verb.REPLY: [("other_member", "x1:rep:{prog}:0"), ("member", "x1:rep:{closed}:0"),
                 ("student", "x1:rep:{prog}:0")],
    Verb.EXTEND: [("other_member", "x1:ext:{prog}:0"), ("member", "x1:ext:{closed}:0"),
                  ("student", "x1:ext:{prog}:0")],
    Verb.EXT_OK: [("other_college", "x1:exa:{ext}:0"), ("college", "x1:exa:{closed}:0"),
                  ("student", "x1:exa:{ext}:0"), ("member", "x1:exa:{ext}:0")],
    Verb.EXT_NO: [("other_college", "x1:exd:{ext}:0"), ("college", "x1:exd:{closed}:0"),
                  ("student", "x1:exd:{ext}:0"), ("member", "x1:exd:{ext}:0")],
    Verb.REDISPATCH: [("other_secretary", "x1:rd:{ret}.{B}:0"),
                      ("secretary", "x1:rd:{closed}.{B}:0"), ("member", "x1:rd:{ret}.{B}:0"),
                      ("secretary", "x1:rd:{ret}.{X}:0"), ("secretary", "x1:rd:{ret}:0")],
    Verb.ANSWER: [("other_student", "x1:ans:{prog}:0"), ("student", "x1:ans:{closed}:0"),
                  ("member", "x1:ans:{prog}:0")],
    Verb.REVISIT: [("other_student", "x1:rv:{rev}.cy:0"), ("student", "x1:rv:{closed}.rs:0"),
                   ("member", "x1:rv:{rev}.rs:0"), ("student", "x1:rv:{rev}.zz:0"),
                   ("student", "x1:rv:{prog}.cy:0")],
    Verb.CRISIS_ACK: [("member", "x1:cak:{case}:0"), ("college", "x1:cak:{closed}:0"),
                      ("student", "x1:cak:{prog}:0"), ("stranger", "x1:cak:{case}:0")],
    # The secretary is the ACC counsellor: on the crisis team, so allowed to close, but the
    # case is not taken yet, {closed} is no crisis case and {closed_case} is closed.
    Verb.CRISIS_CLOSE: [("member", "x1:ccl:{case}:0"), ("student", "x1:ccl:{case}:0"),
                        ("stranger", "x1:ccl:{case}:0"), ("college", "x1:ccl:{case}:0"),
                        ("secretary", "x1:ccl:{case}:0"), ("secretary", "x1:ccl:{closed}:0"),
                        ("secretary", "x1:ccl:{closed_case}:0"),
                        ("secretary", "x1:ccl:99999:0"), ("secretary", "x1:ccl:abc:0")],
    # Wizard verbs: stale versions and arguments this bot never draws.
    Verb.NEW: [("student", "x1:new:zzz:0"), ("stranger", "x1:new:1:0")],
    Verb.COLLEGE: [("stranger", "x1:col:0:9999"), ("stranger", "x1:col:99:{v}")],
    Verb.BUILDING: [("stranger", "x1:bld:0:9999"), ("stranger", "x1:bld:99:{v}")],
    Verb.CATEGORY: [("student", "x1:cat:logistics:9999"), ("student", "x1:cat:nosuch:{v}")],
    Verb.TYPE: [("student", "x1:typ:help:9999"), ("student", "x1:typ:nosuch:{v}")],
    Verb.DONE: [("student", "x1:done::9999"), ("student", "x1:done:x:{v}"),
                ("student", "x1:done::{v}")],
    Verb.CONFIRM: [("student", "x1:ok::9999"), ("student", "x1:ok:zz:{v}"),
                   ("student", "x1:ok::{v}"), ("student", "x1:ok:a:{v}")],
    Verb.CANCEL: [("student", "x1:no:zz:0")],
    Verb.LANG: [("student", "x1:lang:xx:0"), ("stranger", "x1:lang:../en:0")],
    # Reception days: sessions, topics and bookings that do not exist or are not one's own,
    # a guest, a confirmation with no topic written.
    Verb.RC_BOOK: [("student", "x1:rbk:99999:0"), ("student", "x1:rbk:abc:0"),
                   ("stranger", "x1:rbk:1:0")],
    Verb.RC_CONFIRM: [("student", "x1:rok::9999"), ("student", "x1:rok:zz:{v}")],
    Verb.RC_TOPICS: [("student", "x1:rtp:99999:0"), ("student", "x1:rtp:abc:0")],
    Verb.RC_JOIN: [("student", "x1:rjn:99999:0"), ("stranger", "x1:rjn:1:0")],
    Verb.RC_CANCEL: [("student", "x1:rcx:99999:0"), ("member", "x1:rcx:abc:0")],
    # An admin's /receptions confirmation: stale, out of its step, with an argument, a guest.
    Verb.RA_CONFIRM: [("student", "x1:rac::9999"), ("student", "x1:rac::{v}"),
                      ("student", "x1:rac:zz:{v}"), ("stranger", "x1:rac::{v}")],
    # After a session: recording by someone who is not its host, unknown topics and units,
    # arguments of the wrong shape.
    Verb.RC_RECORD: [("student", "x1:rrc:1:0"), ("student", "x1:rrc:abc:0"),
                     ("stranger", "x1:rrc:99999:0")],
    Verb.RC_ANSWERED: [("student", "x1:ran:99999:0"), ("member", "x1:ran:1.2:0")],
    Verb.RC_FOLLOW: [("student", "x1:rfu:99999:0"), ("student", "x1:rfu:1.x:0")],
    Verb.RC_UNIT: [("student", "x1:run:99999.1:0"), ("student", "x1:run:1:0"),
                   ("stranger", "x1:run:1.1.1:0")],
    # Surveys: one not pushed to the presser, unknown, arguments of the wrong shape.
    Verb.SV_OPEN: [("student", "x1:sop:99999:0"), ("student", "x1:sop:abc:0")],
    Verb.SV_PICK: [("student", "x1:spk:99999.0.1:0"), ("stranger", "x1:spk:1.0:0")],
    Verb.SV_BACK: [("student", "x1:sbk:99999.1:0"), ("member", "x1:sbk:1:0")],
    Verb.SV_NEXT: [("student", "x1:snx:99999.0:0"), ("student", "x1:snx:x.0:0")],
    Verb.SV_SUBMIT: [("student", "x1:ssb:99999:0"), ("stranger", "x1:ssb:1.1:0")],
    # An admin's /survey confirmation: a student, a guest, with an argument.
    Verb.SA_CONFIRM: [("student", "x1:sac::{v}"), ("stranger", "x1:sac::0"),
                      ("student", "x1:sac:x:{v}")],
    # A leader's calendar-feed link: pressed by people who are no leader, or with an argument.
    Verb.RC_FEED_STOP: [("student", "x1:rfs::0"), ("stranger", "x1:rfs::0"),
                        ("student", "x1:rfs:1:0")],
}
# Verbs added by other work (present only when core.actions registers them).
for _name, _cases in {
    "ABOUT": [("student", "x1:abm::9999"), ("student", "x1:abm:x:{v}"),
              ("student", "x1:abm::{v}")],
    "ABOUT_BRANCH": [("student", "x1:abb:0:9999"), ("student", "x1:abb:99:{v}")],
    # Erasure (docs/decisions/0027): the person's confirmation stale, with an argument or
    # out of its step; an admin's decision pressed by people who are no admin.
    "PV_ERASE": [("student", "x1:pve::9999"), ("student", "x1:pve:x:{v}"),
                 ("stranger", "x1:pve::{v}")],
    "PV_APPROVE": [("student", "x1:pva:0123456789abcdef:0"), ("stranger", "x1:pva:zz:0")],
    "PV_REFUSE": [("member", "x1:pvr:0123456789abcdef:0")],
}.items():
    if hasattr(Verb, _name):
        CASES[Verb[_name]] = _cases

REFUSALS = ("您无权", "不能再操作", "按钮无效", "按钮已过期", "不在该危机个案的呼叫名单中",
            "当前状态下不能", "您没有权限", "找不到这条诉求", "已不存在",
            "只有花名册中的师生可以预约", "只有校领导可以获取", "只有本场接待的校领导",
            "这份问卷不是发给您的", "只有组织部管理员可以管理问卷",
            "只有组织部管理员可以审核删除申请")


def test_every_registered_verb_has_forged_cases() -> None:
    missing = [v.name for v in Verb if not CASES.get(v)]
    assert not missing, f"verbs without a forged-payload case: {missing}"


async def _add_concerns(sf: Any) -> dict[str, int]:
    now = SystemClock().now()
    async with sf() as s, s.begin():
        ids = dict((await s.execute(select(Person.number, Person.id))).all())
        student, member = ids[PEOPLE["student"][1]], ids[PEOPLE["member"][1]]
        out = {}
        for seq, (name, status) in enumerate(STATUSES.items(), start=1):
            c = Concern(number=f"DEMO-2026-9{seq:05d}", requester_id=student, type="help",
                        category="logistics", urgency="P2", status=status, anonymous=False,
                        text=f"forged test {name}", assigned_member_id=member,
                        routing_reason="test", source_channel="telegram",
                        source_key=f"test:{name}", created_at=now, updated_at=now,
                        due_reply_at=now + timedelta(days=5),
                        extension_until=now + timedelta(days=9) if name == "ext" else None,
                        revisit_sent_at=now if name == "rev" else None,
                        closed_at=now if name == "closed" else None)
            s.add(c)
            await s.flush()
            out[name] = c.id
        closed_case = Concern(
            number="DEMO-2026-800001", requester_id=ids[PEOPLE["other_student"][1]],
            type="help", category="psych", urgency="P0", status="closed", anonymous=False,
            text="closed crisis case", assigned_member_id=None, routing_reason="crisis_team",
            source_channel="telegram", source_key="test:closed_case", created_at=now,
            updated_at=now, closed_at=now, crisis=True)
        s.add(closed_case)
        await s.flush()
        out["closed_case"] = closed_case.id
        out["B"] = ids[PEOPLE["other_member"][1]]
        out["X"] = ids[ECO_MEMBER]
    return out


async def _snapshot(sf: Any) -> tuple[list[dict[str, Any]], int, int]:
    async with sf() as s:
        rows = (await s.scalars(select(Concern).order_by(Concern.id))).all()
        concerns = [{c.name: getattr(r, c.name) for c in Concern.__table__.columns}
                    for r in rows]
        events = await s.scalar(select(func.count()).select_from(ConcernEvent))
        relays = await s.scalar(select(func.count()).select_from(RelayMessage))
    return concerns, events, relays


async def _audits(sf: Any) -> int:
    async with sf() as s:
        return await s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.kind.in_(["refused", "forged_button"])))


async def _version(sf: Any, chat: int) -> int:
    async with sf() as s:
        v = await s.scalar(select(Conversation.version).where(
            Conversation.chat_id == str(chat)))
    return v or 0


async def _refusal(api: FakeBotAPI, user: ChatUser, payload: str) -> str:
    """The next message to ``user``: it must be a refusal (and the only message)."""
    def new(_: FakeBotAPI) -> list[Any] | None:
        return [m for m in user.messages()[user.seen:]
                if "心理危机个案" not in user.text_of(m)] and user.messages()[user.seen:]

    try:
        msgs = await api.wait_for(new, timeout=10)
    except TimeoutError:
        raise AssertionError(f"{payload}: no reply at all") from None
    user.seen += len(msgs)
    # The ACC secretary is also the duty counsellor: the crisis page may arrive meanwhile.
    texts = [user.text_of(m) for m in msgs if "心理危机个案" not in user.text_of(m)]
    assert len(texts) == 1 and any(r in texts[0] for r in REFUSALS), (payload, texts)
    return texts[0]


async def test_forged_payloads_are_refused_audited_and_change_nothing(db_url: str) -> None:
    await seed_roster(db_url)
    engine = make_engine(db_url)
    sf = session_factory(engine)
    try:
        ids = await _add_concerns(sf)
        async with FakeBotAPI(token=TOKEN) as api:
            users = {who: ChatUser(api, tg) for who, (tg, _) in PEOPLE.items()}
            settings = bot_settings(db_url, api.base_url, outbox={"per_chat_per_second": 50.0},
                                    flood={"max_messages": 10_000})
            async with RunningBot(settings):
                for who, (_, number) in PEOPLE.items():
                    if number:
                        users[who].say(f"/start {await binding_code(db_url, number)}")
                        await users[who].expect("绑定成功")
                # A real crisis case, paged to the crisis ladder (none of the pressers).
                users["other_student"].say("我不想活了")
                await users["other_student"].expect("12356")
                async with sf() as s:
                    ids["case"] = await s.scalar(select(Concern.id).where(
                        Concern.crisis.is_(True), Concern.status == "dispatched"))
                # The stranger sits at the college step, the student at the category step,
                # so version-matched payloads meet the step checks, not the version check.
                users["stranger"].say("宿舍没有热水")
                await users["stranger"].expect("请先选择您所在的学院")
                users["student"].say("宿舍没有热水")
                await users["student"].expect("请选择诉求类别")
                before = await _snapshot(sf)
                for verb, cases in CASES.items():
                    for who, template in cases:
                        user = users[who]
                        payload = template.format(v=await _version(sf, user.user_id), **ids)
                        audits = await _audits(sf)
                        api.push_callback(user.user_id, payload, 1)
                        await _refusal(api, user, payload)
                        assert await _audits(sf) > audits, f"{verb.name} {payload}: not audited"
                assert await _snapshot(sf) == before  # no concern, event or relay changed
    finally:
        await engine.dispose()
