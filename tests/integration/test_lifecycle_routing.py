"""Routing, re-dispatch, merge, reject and /branch on a real database (SQLite and PostgreSQL),
seeded with the example roster."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from core.errors import AccessDenied
from core.concerns.intake import IntakeRules, submit_concern
from core.model import Draft
from core.people.roster_validation import validate_roster
from core.concerns.supervision import merge_concern, reject_concern, set_away, subtree_concerns
from storage.people.roster import apply_roster, read_roster
from storage.store import SqlStore
from storage.tables import Concern, ConcernEvent, OutboxRow, Person, ResponsibilityZone
from tests.support.harness import ROSTER, seed_with_chats

NOW = datetime(2026, 11, 4, 2, 0, tzinfo=timezone.utc)
RULES = IntakeRules(university_code="DEMO", timezone="Asia/Shanghai", default_locale="zh_CN")
STUDENT, OTHER_STUDENT = "2023010103", "2023010104"  # ACC-S1 students in 3号楼, 1号楼
B3_MEMBER, B1_MEMBER = "2022010202", "2023010101"  # the logistics members of those buildings
OTHER_COLLEGE = "9002000001"  # ECO committee


async def _seed(sf) -> dict[str, int]:  # noqa: ANN001
    return await seed_with_chats(sf, NOW)


async def _submit(sf, requester: int, key: str, **draft) -> int:  # noqa: ANN001, ANN003
    async with sf() as s, s.begin():
        new = await submit_concern(SqlStore(s), now=NOW, rules=RULES, requester_id=requester,
                                   draft=Draft(**{"category": "logistics", "type": "help",
                                                  "texts": ["水房没有热水"], **draft}),
                                   channel="telegram", source_key=key)
    return new.id


async def _last_outbox(sf) -> int:  # noqa: ANN001
    async with sf() as s:
        return (await s.execute(select(func.max(OutboxRow.id)))).scalar() or 0


async def _told_since(sf, after: int) -> list[tuple[str, str, str | None]]:  # noqa: ANN001
    """Every message queued after outbox row ``after``: (chat = roster number, key, concern
    number). Everyone has a chat here, so a card for the wrong person would show."""
    rows = await _get(sf, OutboxRow, OutboxRow.id > after)
    return [(r.chat_id, r.reply["key"], r.reply["params"].get("number")) for r in rows]


async def _routed(sf, requester: int, key: str, **draft) -> tuple[Concern, list]:  # noqa: ANN001, ANN003
    """Submit a concern; return it and what the submission queued for whom."""
    before = await _last_outbox(sf)
    cid = await _submit(sf, requester, key, **draft)
    (c,) = await _get(sf, Concern, Concern.id == cid)
    return c, await _told_since(sf, before)


async def _number_of(sf, person_id: int) -> str:  # noqa: ANN001
    (p,) = await _get(sf, Person, Person.id == person_id)
    return p.number


async def _get(sf, model, *where):  # noqa: ANN001, ANN002, ANN202
    async with sf() as s:
        return (await s.execute(select(model).where(*where).order_by(model.id))).scalars().all()


async def _zone(sf) -> ResponsibilityZone:  # noqa: ANN001
    return (await _get(sf, ResponsibilityZone, ResponsibilityZone.code == "Z-B3-LOG"))[0]


async def test_away_member_hands_new_concerns_to_the_deputy(sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    zone = await _zone(sf)
    async with sf() as s, s.begin():
        await set_away(SqlStore(s), person_id=zone.member_id, arg="2026-11-10", now=NOW,
                       timezone_name="Asia/Shanghai")
    c, told = await _routed(sf, ids[STUDENT], "k1")
    assert c.assigned_member_id == zone.deputy_id
    assert c.routing_reason.startswith("deputy:member_unavailable:zone:dorm_building=3号楼")
    # The deputy alone gets the card: not the away member, nor anyone else.
    assert told == [(await _number_of(sf, zone.deputy_id), "task.new", c.number)]
    (ev,) = await _get(sf, ConcernEvent, ConcernEvent.kind == "dispatched")
    assert ev.detail["reason"] == c.routing_reason
    assert c.due_reply_at is not None and c.urgency == "P2"
    async with sf() as s, s.begin():
        await set_away(SqlStore(s), person_id=zone.member_id, arg="off", now=NOW,
                       timezone_name="Asia/Shanghai")
    c2, told = await _routed(sf, ids[STUDENT], "k2")
    assert c2.assigned_member_id == zone.member_id
    assert told == [(await _number_of(sf, zone.member_id), "task.new", c2.number)]


@pytest.mark.parametrize("requester", ["member", "deputy"])
async def test_a_concern_is_never_handed_to_its_own_requester(sf, requester: str) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    zone = await _zone(sf)  # 3号楼 logistics: its member and its deputy both live in 3号楼
    if requester == "deputy":
        async with sf() as s, s.begin():
            await set_away(SqlStore(s), person_id=zone.member_id, arg="2026-11-10", now=NOW,
                           timezone_name="Asia/Shanghai")
    who = zone.member_id if requester == "member" else zone.deputy_id
    c, told = await _routed(sf, who, "k1")
    assert c.assigned_member_id != who
    assert await _number_of(sf, who) not in [chat for chat, key, _ in told if key == "task.new"]


async def test_report_goes_to_the_discipline_office(sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    c, told = await _routed(sf, ids[STUDENT], "k1", type="report")
    assert c.assigned_member_id in (ids["9102000001"], ids["9102000002"])  # DIS contacts
    assert c.routing_reason == "report:discipline_contact"
    # One discipline contact gets it; not the other, not the zone, branch or college.
    assert told == [(await _number_of(sf, c.assigned_member_id), "task.new", c.number)]


async def test_concern_about_a_member_skips_the_branch(sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    c, told = await _routed(sf, ids[STUDENT], "k1", about_member=True,
                            about_branch_code="ACC-S1")
    cid = c.id
    # ACC committee: 9001000001 and 9001000002 (both in ACC-T1, not ACC-S1)
    assert c.assigned_member_id in (ids["9001000001"], ids["9001000002"])
    # That committee member alone hears of it: nobody of ACC-S1 (its zone member, deputy,
    # secretary), not the other committee member, not an admin.
    assert told == [(await _number_of(sf, c.assigned_member_id), "task.new", c.number)]
    assert (c.about_member, c.about_branch_code) == (True, "ACC-S1")
    assert c.routing_reason == "conflict_of_interest:branch=ACC-S1:college_committee"
    async with sf() as s:  # the ACC-S1 secretary never sees it in /branch
        rows = await subtree_concerns(SqlStore(s), ids["9001000003"])
    assert cid not in [r["id"] for r in rows]


async def test_deactivated_member_concerns_are_redispatched_on_roster_import(sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    zone = await _zone(sf)
    photo = {"kind": "photo", "refs": {"telegram": "photo-1"}, "size": 1000}
    cid = await _submit(sf, ids[STUDENT], "k1", attachments=[photo])
    gone = next(n for n, i in ids.items() if i == zone.member_id)
    deputy = next(n for n, i in ids.items() if i == zone.deputy_id)
    roster = validate_roster(read_roster(ROSTER))
    roster = dataclasses.replace(
        roster,
        people=tuple(p for p in roster.people if p.number != gone),
        roles=tuple(r for r in roster.roles if r.number != gone),
        zones=tuple(dataclasses.replace(z, member_number=deputy, deputy_number=None)
                    if z.member_number == gone else
                    dataclasses.replace(z, deputy_number=None) if z.deputy_number == gone
                    else z for z in roster.zones))
    before = await _last_outbox(sf)
    await apply_roster(sf, roster, now=NOW + timedelta(hours=1))
    told = await _told_since(sf, before)
    (c,) = await _get(sf, Concern, Concern.id == cid)
    # The deputy gets the card and the photo, the requester a notice; nobody else.
    assert told == [(deputy, "task.new", c.number), (deputy, "task.attachment", c.number),
                    (STUDENT, "concern.redispatched", c.number)]
    assert c.assigned_member_id == zone.deputy_id and c.status == "dispatched"
    (ev,) = await _get(sf, ConcernEvent, ConcernEvent.kind == "redispatched")
    assert ev.detail["reason"] == "member_deactivated"
    assert ev.detail["from_member_id"] == zone.member_id
    assert ev.detail["routing_reason"] == c.routing_reason
    cards = await _get(sf, OutboxRow, OutboxRow.person_id == zone.deputy_id)
    # The new handler gets the card and the concern's photo, as the first one did.
    assert [r.reply["key"] for r in cards] == ["task.new", "task.attachment"]
    assert cards[1].reply["attachments"] == [photo]


async def test_merge_reject_and_branch_view(sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    zone = await _zone(sf)
    submitted = [await _routed(sf, ids[who], key) for who, key in (
        (STUDENT, "k1"), (OTHER_STUDENT, "k2"), (STUDENT, "k3"))]
    # Each card to the logistics member of the requester's building, and to nobody else.
    for (c, told), member in zip(submitted, (B3_MEMBER, B1_MEMBER, B3_MEMBER)):
        assert told == [(member, "task.new", c.number)]
    original, dup, out_of_scope = (c.id for c, _ in submitted)
    numbers = {c.id: c.number for c in await _get(sf, Concern)}
    async with sf() as s:
        branch = (await SqlStore(s).branches_of([zone.member_id]))[zone.member_id]
        (secretary,) = await SqlStore(s).people_with_role_at("branch_secretary", branch)
        shown = [r["id"] for r in await subtree_concerns(SqlStore(s), secretary)]
        college = [r["id"] for r in await subtree_concerns(SqlStore(s), ids["9001000001"])]
        elsewhere = [r["id"] for r in await subtree_concerns(SqlStore(s), ids[OTHER_COLLEGE])]
        with pytest.raises(AccessDenied):
            await subtree_concerns(SqlStore(s), ids[STUDENT])
    assert shown == college == [original, dup, out_of_scope]
    assert elsewhere == []
    # A member (not a supervisor) may not merge; the other college's committee neither.
    for who in (zone.member_id, ids[OTHER_COLLEGE]):
        async with sf() as s, s.begin():
            with pytest.raises(AccessDenied):
                await merge_concern(SqlStore(s), now=NOW, person_id=who,
                                    duplicate_number=numbers[dup],
                                    original_number=numbers[original], default_locale="zh_CN")
    async with sf() as s, s.begin():
        await merge_concern(SqlStore(s), now=NOW, person_id=secretary,
                            duplicate_number=numbers[dup].lower(),
                            original_number=numbers[original], default_locale="zh_CN")
        await reject_concern(SqlStore(s), now=NOW, person_id=secretary,
                             number=numbers[out_of_scope], reason="属于社区管辖",
                             default_locale="zh_CN")
    rows = {c.id: c for c in await _get(sf, Concern)}
    assert (rows[dup].status, rows[dup].merged_into_id) == ("merged", original)
    assert (rows[out_of_scope].status, rows[out_of_scope].reject_reason) == ("rejected",
                                                                             "属于社区管辖")
    told = {(r.person_id, r.reply["key"]) for r in await _get(sf, OutboxRow)}
    assert (ids[OTHER_STUDENT], "concern.merged") in told
    assert (ids[STUDENT], "concern.rejected") in told
    rejected = next(r for r in await _get(sf, OutboxRow)
                    if r.reply["key"] == "concern.rejected")
    assert rejected.reply["params"]["reason"] == "属于社区管辖"
    # The merged requester follows the original: its later notices reach them too.
    from core.concerns.handling import tell_requester
    async with sf() as s, s.begin():
        store = SqlStore(s)
        await tell_requester(store, await store.get_concern(original), "concern.accepted",
                             now=NOW, default_locale="zh_CN")
    accepted = {r.person_id for r in await _get(sf, OutboxRow)
                if r.reply["key"] == "concern.accepted"}
    assert accepted == {ids[STUDENT], ids[OTHER_STUDENT]}
    async with sf() as s:
        shown = [r["id"] for r in await subtree_concerns(SqlStore(s), secretary)]
    assert shown == [original]
