"""The admin queue through the real bot: the notice says why nobody took the concern and
lets the admin dispatch it with one press, under the same core check as any dispatch."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.actions import decode
from storage.tables import Concern, ConcernEvent, Person
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

STUDENT = "2023010103"            # 3号楼; its logistics member, deputy and secretary: unbound
PEER = "2023010101"               # a Party member of the student's branch (ACC-S1)
ADMIN = "9104000001"              # 组织部管理员


async def _person(db_url: str, number: str) -> tuple[int, str]:
    return (await query(db_url, select(Person.id, Person.name).where(
        Person.number == number)))[0]


async def test_queue_notice_names_the_reason_and_dispatches(db_url: str) -> None:
    await seed_roster(db_url)
    peer_id, peer_name = await _person(db_url, PEER)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            stu = await bound_chat(api, db_url, STUDENT, 5001)
            admin = await bound_chat(api, db_url, ADMIN, 9001)
            peer = await bound_chat(api, db_url, PEER, 6001)
            stu.say("3号楼水房没有热水")
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            await stu.press(await stu.expect("请选择诉求性质"), "求助")
            await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
            await stu.expect("已进入待分派队列")
            notice = await admin.expect("待分派诉求")
            text = admin.text_of(notice)
            assert "没有匹配的责任区" not in text
            assert "都还没有绑定心桥账号" in text
            # The people passed over are named: the zone's member, deputy and secretary.
            assert len(re.search(r"相关人员：(.*)", text).group(1).split(" / ")) == 3
            labels = [b["text"] for b in admin.buttons(notice)]
            assert labels == [peer_name]  # the only reachable member of the branch
            payload = admin.buttons(notice)[0]["callback_data"]
            # The requester forging the admin's button meets the core check.
            api.push_callback(stu.user_id, payload, 1)
            await stu.expect("您无权对该诉求进行此操作")
            await admin.press(notice, peer_name)
            await admin.expect(f"已分派给 {peer_name}")
            card = await peer.expect("新诉求")
            assert "水房没有热水" in peer.text_of(card)
            await stu.expect("已分派给负责的党员同志办理")
            await peer.press(card, "✅ 签收")
            await peer.expect("已签收")
            await stu.expect("已由负责的党员签收")
            # A second press (another admin's copy, say) changes nothing.
            await admin.press(notice, peer_name)
            await admin.expect("当前状态下不能进行此操作")
    (c,) = [r for (r,) in await query(db_url, select(Concern))]
    assert (c.status, c.assigned_member_id) == ("accepted", peer_id)
    assert decode(payload).arg == f"{c.id}.{peer_id}"
    kinds = [k for (k,) in await query(db_url, select(ConcernEvent.kind)
                                       .order_by(ConcernEvent.id))]
    assert kinds == ["received", "queued", "admin_dispatched", "accepted"]


FUNCTIONAL_STAFF = "9101000002"   # 陈梓轩, 后勤保障处: no branch, no college, no dorm
AWAY_MEMBER = "2023020101"        # a Party member of ECO-S1, away (/away)


async def test_a_concern_nobody_fits_offers_the_universitys_reachable_party_members(
        db_url: str) -> None:
    """A 网络与信息化 complaint of a functional-unit staff member: no zone, no candidate.
    The admin still gets people to press (not away), a text that says so, no empty
    people line, and the requester without （—，—）."""
    await seed_roster(db_url)
    peer_id, peer_name = await _person(db_url, PEER)
    _, away_name = await _person(db_url, AWAY_MEMBER)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            staff = await bound_chat(api, db_url, FUNCTIONAL_STAFF, 5002)
            admin = await bound_chat(api, db_url, ADMIN, 9001)
            peer = await bound_chat(api, db_url, PEER, 6001)
            away = await bound_chat(api, db_url, AWAY_MEMBER, 6002)
            away.say("/away 2099-01-01")
            await away.expect("已登记外出")
            staff.say("办公楼的校园网经常断线")
            await staff.press(await staff.expect("请选择诉求类别"), "网络与信息化")
            await staff.press(await staff.expect("请选择诉求性质"), "投诉")
            await staff.press(await staff.expect("请确认您的诉求"), "确认提交")
            await staff.expect("已进入待分派队列")
            notice = await admin.expect("待分派诉求")
            text = admin.text_of(notice)
            labels = [b["text"] for b in admin.buttons(notice)]
            assert labels == [peer_name]  # bound and not away; the away member is left out
            assert away_name not in labels
            assert "没有符合条件的负责人可以接手" in text
            assert "请尽快分派，可点击下方的人员直接派单" not in text
            assert "相关人员" not in text
            assert "诉求人：陈梓轩（后勤保障处）\n" in text
            await admin.press(notice, peer_name)
            await admin.expect(f"已分派给 {peer_name}")
            card = await peer.expect("新诉求")
            assert "校园网经常断线" in peer.text_of(card)
            assert "诉求人：陈梓轩（后勤保障处）\n" in peer.text_of(card)
            await staff.expect("已分派给负责的党员同志办理")  # the requester is told
    (c,) = [r for (r,) in await query(db_url, select(Concern))]
    assert (c.status, c.assigned_member_id) == ("dispatched", peer_id)


async def test_the_secretarys_picker_leaves_out_the_returner_and_the_unavailable(
        db_url: str) -> None:
    """After a 退单 the secretary is offered only members who can take it now: not the
    member who returned it, nor one away, nor one without a chat account."""
    member, secretary = "2022010202", "9001000003"  # 3号楼 logistics; ACC-S1 secretary
    free, away_number = "2022010201", "2023010101"   # ACC-S1 members; 2023010102 unbound
    await seed_roster(db_url)
    names = {n: (await _person(db_url, n))[1] for n in
             (member, secretary, free, away_number, "2023010102")}
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            stu = await bound_chat(api, db_url, STUDENT, 5001)
            a = await bound_chat(api, db_url, member, 6001)
            sec = await bound_chat(api, db_url, secretary, 6003)
            await bound_chat(api, db_url, free, 6004)
            away = await bound_chat(api, db_url, away_number, 6005)
            away.say("/away 2099-01-01")
            await away.expect("已登记外出")
            stu.say("3号楼水房没有热水")
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            await stu.press(await stu.expect("请选择诉求性质"), "求助")
            await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
            await stu.expect("诉求已提交")
            await a.press(await a.expect("新诉求"), "↩️ 退单")
            await a.expect("请输入退单理由")
            a.say("不归我管")
            await a.expect("已退单")
            await stu.expect("正在重新安排更合适的党员办理")
            picker = await sec.expect("被退单")
            labels = {b["text"] for b in sec.buttons(picker)}
    assert labels == {names[free], names[secretary]}
    assert "请选择接手的党员" in sec.text_of(picker)
