"""Binding codes through the real bot: someone else's code never moves a bound account."""
from __future__ import annotations

from sqlalchemy import select

from storage.tables import AuditLog, ChannelIdentity, Person
from tests.support.chat import ChatUser
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, bot_settings, seed_roster

ME, OTHER = "2023010103", "2023010101"


async def _person(db_url: str, number: str) -> tuple[int, str]:
    return (await query(db_url, select(Person.id, Person.name).where(
        Person.number == number)))[0]


async def _bound_to(db_url: str, external_id: int) -> int | None:
    return (await query(db_url, select(ChannelIdentity.person_id).where(
        ChannelIdentity.external_id == str(external_id))))[0][0]


async def test_someone_elses_code_is_refused_and_ones_own_rebinds(db_url: str) -> None:
    await seed_roster(db_url)
    (me, my_name), (other, other_name) = await _person(db_url, ME), await _person(db_url, OTHER)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            a = ChatUser(api, 5001)
            a.say(f"/start {await binding_code(db_url, ME)}")
            await a.expect("绑定成功")
            a.say("水房没有热水")
            await a.press(await a.expect("请选择诉求类别"), "后勤生活")
            await a.press(await a.expect("请选择诉求性质"), "求助")
            await a.press(await a.expect("请确认您的诉求"), "确认提交")
            await a.expect("诉求已提交")
            their_code = await binding_code(db_url, OTHER)
            a.say(f"/start {their_code}")
            refused = a.text_of(await a.expect("此账号已绑定为"))
            assert my_name in refused and "组织部" in refused and other_name not in refused
            assert await _bound_to(db_url, 5001) == me
            a.say("/my")
            await a.expect("您共有 1 件诉求")
            # The code stays its owner's to use.
            b = ChatUser(api, 5002)
            b.say(f"/start {their_code}")
            await b.expect(f"绑定成功，{other_name}")
            # One's own re-issued code binds one's account again.
            a.say(f"/start {await binding_code(db_url, ME)}")
            await a.expect(f"绑定成功，{my_name}")
            # A self-declared (unverified) profile may still bind to its roster identity.
            c = ChatUser(api, 5003, "新同学")
            c.say("/new")
            await c.press(await c.expect("请先选择您所在的学院"), "会计学院")
            await c.press(await c.expect("请选择您的宿舍楼"), "3号楼")
            await c.expect("请选择诉求类别")
            c.say("/cancel")
            await c.expect("已取消")
            unverified = await _bound_to(db_url, 5003)
            assert unverified not in (None, me, other)
            third = "2023010102"
            c.say(f"/start {await binding_code(db_url, third)}")
            await c.expect("绑定成功")
    assert await _bound_to(db_url, 5001) == me and await _bound_to(db_url, 5002) == other
    assert await _bound_to(db_url, 5003) == (await _person(db_url, third))[0]
    audits = [d for (d,) in await query(db_url, select(AuditLog.detail).where(
        AuditLog.kind == "binding_refused"))]
    assert len(audits) == 1 and audits[0]["code_person_id"] == other
