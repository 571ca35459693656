"""The 催办/督办 ladder on a real database (SQLite and PostgreSQL), seeded with the example
roster: a concern left alone walks 催办 → 督办 → college → Organisation Department, each
notice once, held in the quiet hours, dropped past the grace, stopped when the limit is met."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from core.clock import FixedClock
from core.concerns.deadlines import LadderRules
from core.concerns.intake import IntakeRules, submit_concern
from core.concerns.tasks import accept_task
from core.model import Draft, Role
from core.workdays import FixedCalendar
from scheduler.ladder_sweep import ladder_sweep
from storage.db import make_engine, session_factory
from storage.store import SqlStore
from storage.tables import Concern, ConcernEvent, OutboxRow, Reminder, RoleAssignment
from tests.support.harness import seed_with_chats

# Wednesday 2026-11-04 10:00 in Shanghai.
NOW = datetime(2026, 11, 4, 2, 0, tzinfo=timezone.utc)
RULES = IntakeRules(university_code="DEMO", timezone="Asia/Shanghai", default_locale="zh_CN")
LADDER = LadderRules(calendar=FixedCalendar())
STUDENT, HANDLER = "2023010103", "2022010202"  # a student of 3号楼 and its logistics member


async def _seed(sf) -> dict[str, int]:  # noqa: ANN001
    return await seed_with_chats(sf, NOW)


async def _submit(sf, requester: int) -> int:  # noqa: ANN001
    async with sf() as s, s.begin():
        new = await submit_concern(SqlStore(s), now=NOW, rules=RULES, requester_id=requester,
                                   draft=Draft(category="logistics", type="help",
                                               texts=["水房没有热水"]),
                                   channel="telegram", source_key="k1")
    return new.id


async def _sweep(sf, at: datetime, rules: LadderRules = LADDER):  # noqa: ANN001, ANN202
    return await ladder_sweep(sf, FixedClock(at), rules=rules)


async def _sent(sf, after: int = 0) -> list[tuple[int, str, dict]]:  # noqa: ANN001
    async with sf() as s:
        rows = (await s.execute(select(OutboxRow).where(
            OutboxRow.id > after, OutboxRow.reply["key"].as_string().like("ladder.%"))
            .order_by(OutboxRow.id))).scalars().all()
    return [(r.person_id, r.reply["key"], r.reply["params"]) for r in rows]


async def _holders(sf, role: str) -> set[int]:  # noqa: ANN001
    async with sf() as s:
        return set((await s.execute(select(RoleAssignment.person_id).where(
            RoleAssignment.role == role))).scalars())


async def _last_outbox(sf) -> int:  # noqa: ANN001
    async with sf() as s:
        ids = (await s.execute(select(OutboxRow.id))).scalars().all()
    return max(ids, default=0)


async def test_a_concern_left_alone_climbs_the_ladder_once_per_step(sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    cid = await _submit(sf, ids[STUDENT])
    first = await _sweep(sf, NOW)
    assert (first.planned, first.sent) == (1, 0)
    async with sf() as s:
        c = await s.get(Concern, cid)
        assert c.due_accept_at == NOW + timedelta(hours=24)
        assert c.due_contact_at == NOW + timedelta(hours=24)
        assert c.due_reply_at == datetime(2026, 11, 11, 2, 0, tzinfo=timezone.utc)
        assert c.ladder_plan is None and c.escalation_level == 0
        rows = (await s.execute(select(Reminder).where(Reminder.concern_id == cid))).scalars()
        assert sorted((r.subject, r.step) for r in rows) == sorted(
            (s_, step) for s_ in ("accept", "contact", "reply") for step in range(4))

    # 80% of the 24 h accept limit is 05:12 Shanghai: inside the quiet hours, held.
    held = await _sweep(sf, datetime(2026, 11, 4, 21, 30, tzinfo=timezone.utc))
    assert held.sent == 0
    assert await _sent(sf) == []
    # 07:31 Shanghai: both reminders (accept, contact; due together) go to the handler
    # as one message, once.
    morning = datetime(2026, 11, 4, 23, 31, tzinfo=timezone.utc)
    assert (await _sweep(sf, morning)).sent == 2
    assert (await _sweep(sf, morning)).sent == 0
    sent = await _sent(sf)
    assert [(p, k) for p, k, _ in sent] == [(ids[HANDLER], "ladder.remind")]
    assert sent[0][2]["subject"] == {"t": "ladder.subject.accept_contact"}
    assert sent[0][2]["due"] == "11-05 10:00"
    assert sent[0][2]["left"] == {"t": "ladder.hours", "p": {"count": 2}}

    # At the limit: 督办 to the branch secretary; the concern shows level 1.
    mark = await _last_outbox(sf)
    late = NOW + timedelta(hours=24, minutes=30)
    assert (await _sweep(sf, late)).sent == 2
    secretaries = await _holders(sf, Role.BRANCH_SECRETARY.value)
    got = await _sent(sf, mark)
    assert got and {p for p, _, _ in got} <= secretaries
    assert len(got) == len({p for p, _, _ in got})  # one message per secretary
    assert {k for _, k, _ in got} == {"ladder.supervise"}
    assert got[0][2]["late"] == {"t": "ladder.minutes", "p": {"count": 30}}
    async with sf() as s:
        assert (await s.get(Concern, cid)).escalation_level == 1

    # The handler accepts: the accept ladder stops, the first-contact ladder goes on.
    async with sf() as s, s.begin():
        await accept_task(SqlStore(s), now=late, person_id=ids[HANDLER], concern_id=cid,
                          default_locale="zh_CN")
    mark = await _last_outbox(sf)
    # +2 working days after Thursday 10:00 is Monday 10:00: the college committee.
    monday = datetime(2026, 11, 9, 2, 1, tzinfo=timezone.utc)
    assert (await _sweep(sf, monday)).sent == 1
    committee = await _holders(sf, Role.COLLEGE_COMMITTEE.value)
    got = await _sent(sf, mark)
    assert got and {p for p, _, _ in got} <= committee
    assert got[0][2]["subject"] == {"t": "ladder.subject.contact"}
    async with sf() as s:
        events = (await s.execute(select(ConcernEvent.kind, ConcernEvent.detail).where(
            ConcernEvent.concern_id == cid, ConcernEvent.kind.like("ladder_%"))
            .order_by(ConcernEvent.id))).all()
    assert [k for k, _ in events] == ["ladder_remind", "ladder_remind", "ladder_supervise",
                                     "ladder_supervise", "ladder_college"]
    assert events[-1][1]["late_minutes"] == (monday - (NOW + timedelta(hours=24))) // \
        timedelta(minutes=1)


async def test_notices_due_while_the_bot_was_down_are_sent_once_or_dropped(sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    cid = await _submit(sf, ids[STUDENT])
    await _sweep(sf, NOW)
    # Down from Wednesday until the next Thursday 10:30: every step of accept and contact
    # came due; only those due within the grace (24 h) are still worth sending.
    back = datetime(2026, 11, 12, 2, 30, tzinfo=timezone.utc)
    run = await _sweep(sf, back)
    async with sf() as s:
        rows = {(r.subject, r.step): r.status for r in (await s.execute(
            select(Reminder).where(Reminder.concern_id == cid))).scalars()}
    # accept/contact: 80% (Thu 05:12), 100% (Thu 10:00), college (Mon 10:00) dropped;
    # Organisation Department (Thu 12 10:00) sent. Reply due Wed 11 10:00: 80% dropped,
    # 100% (Wed 10:00, 24.5 h ago) dropped, the rest still pending.
    assert rows[("accept", 3)] == rows[("contact", 3)] == "sent"
    assert all(rows[(s_, step)] == "dropped" for s_ in ("accept", "contact") for step in (0, 1, 2))
    assert rows[("reply", 0)] == rows[("reply", 1)] == "dropped"
    assert rows[("reply", 2)] == rows[("reply", 3)] == "pending"
    assert (run.sent, run.dropped) == (2, 8)
    admins = await _holders(sf, Role.ADMIN.value)
    assert {p for p, _, _ in await _sent(sf)} <= admins
    assert (await _sweep(sf, back)).sent == 0


async def test_two_sweeps_at_once_send_every_notice_exactly_once(db_url: str) -> None:
    engines = [make_engine(db_url) for _ in range(2)]
    try:
        sfs = [session_factory(e) for e in engines]
        ids = await _seed(sfs[0])
        for n in range(20):  # twenty concerns, two notices (one message) each at 07:31
            async with sfs[0]() as s, s.begin():
                await submit_concern(SqlStore(s), now=NOW, rules=RULES,
                                     requester_id=ids[STUDENT],
                                     draft=Draft(category="logistics", type="help",
                                                 texts=[f"水房没有热水 {n}"]),
                                     channel="telegram", source_key=f"k{n}")
        await _sweep(sfs[0], NOW)
        morning = datetime(2026, 11, 4, 23, 31, tzinfo=timezone.utc)
        small = LadderRules(calendar=FixedCalendar())
        a, b = await asyncio.gather(*(ladder_sweep(sf, FixedClock(morning), rules=small,
                                                   send_batch=3) for sf in sfs))
        assert a.sent + b.sent == 40
        # Each limit of each concern is named by exactly one message: accept and contact
        # share one when they are claimed together (a batch may split them).
        named = []
        for _, _, params in await _sent(sfs[0]):
            named += [(params["number"], part) for part in
                      params["subject"]["t"].removeprefix("ladder.subject.").split("_")]
        assert len(named) == len(set(named)) == 40
        async with sfs[0]() as s:
            events = (await s.execute(select(ConcernEvent.concern_id, ConcernEvent.detail)
                                      .where(ConcernEvent.kind == "ladder_remind"))).all()
        assert len(events) == 40
        assert len({(cid, d["subject"]) for cid, d in events}) == 40
    finally:
        for e in engines:
            await e.dispose()


async def test_p1_ignores_the_quiet_hours_and_a_crisis_case_has_no_ladder(sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    cid = await _submit(sf, ids[STUDENT])
    async with sf() as s, s.begin():
        await s.execute(Concern.__table__.update().where(Concern.id == cid).values(
            urgency="P1"))
        crisis = await submit_concern(SqlStore(s), now=NOW, rules=RULES,
                                      requester_id=ids[STUDENT],
                                      draft=Draft(category="logistics", type="help",
                                                  texts=["另一件事"]),
                                      channel="telegram", source_key="k2")
        await s.execute(Concern.__table__.update().where(Concern.id == crisis.id).values(
            crisis=True, urgency="P0"))
    assert (await _sweep(sf, NOW)).planned == 2
    async with sf() as s:
        assert not (await s.execute(select(Reminder.id).where(
            Reminder.concern_id == crisis.id))).all()  # the crisis case has its own paging
    # P1 accept and contact: 2 h, due 12:00 Shanghai. At 23:00 Shanghai (quiet hours) their
    # 督办 go; the reminders at 80% (11:36) gave way to them; the 24 h reply is not due yet.
    night = datetime(2026, 11, 4, 15, 0, tzinfo=timezone.utc)  # 23:00 Shanghai
    assert LADDER.quiet(night)
    run = await _sweep(sf, night)
    assert (run.sent, run.cancelled) == (2, 2)
    assert {k for _, k, _ in await _sent(sf)} == {"ladder.supervise"}


async def test_a_reminder_held_past_its_limit_gives_way_to_the_supervision(sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    await _submit(sf, ids[STUDENT])
    await _sweep(sf, NOW)
    # The bot was down from 05:00 until 10:30 Thursday: the 80% reminder (05:12) and the
    # limit (10:00) both came due. Only the 督办 goes; "0 minutes left" would be false.
    run = await _sweep(sf, datetime(2026, 11, 5, 2, 30, tzinfo=timezone.utc))
    assert (run.sent, run.cancelled) == (2, 2)
    assert {k for _, k, _ in await _sent(sf)} == {"ladder.supervise"}


async def test_a_concern_about_a_party_member_is_never_supervised_by_a_branch(sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    async with sf() as s, s.begin():
        new = await submit_concern(SqlStore(s), now=NOW, rules=RULES, requester_id=ids[STUDENT],
                                   draft=Draft(category="logistics", type="complaint",
                                               texts=["楼栋负责的党员态度很差"],
                                               about_member=True, about_branch_code="ACC-S1"),
                                   channel="telegram", source_key="about")
    await _sweep(sf, NOW)
    # At the accept limit the 督办 skips the branch level: the college committee gets it.
    run = await _sweep(sf, NOW + timedelta(hours=24, minutes=1))
    assert run.sent == 2  # accept and contact, at step 1
    got = await _sent(sf)
    supervised = [(p, params) for p, k, params in got if k == "ladder.supervise"]
    people = {p for p, _ in supervised}
    assert people and people <= await _holders(sf, Role.COLLEGE_COMMITTEE.value)
    assert not people & await _holders(sf, Role.BRANCH_SECRETARY.value)
    # ...and it is named, recorded and counted as the college's 督办, not the branch's
    assert {params["level"]["t"] for _, params in supervised} == {"ladder.level.2"}
    async with sf() as s:
        assert (await s.get(Concern, new.id)).escalation_level == 2
        kinds = (await s.execute(select(ConcernEvent.kind).where(
            ConcernEvent.concern_id == new.id, ConcernEvent.kind.like("ladder_%")))).scalars()
        assert sorted(kinds) == ["ladder_college", "ladder_college"]


async def test_a_report_is_supervised_by_the_discipline_office_never_the_reporters_branch(
        sf) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    async with sf() as s, s.begin():
        new = await submit_concern(SqlStore(s), now=NOW, rules=RULES, requester_id=ids[STUDENT],
                                   draft=Draft(category="report", type="report",
                                               texts=["有人在评优中弄虚作假"], anonymous=True),
                                   channel="telegram", source_key="report")
    await _sweep(sf, NOW)
    for hours in (25, 24 * 8):  # the limit, then long after (college and Org Dept steps)
        await _sweep(sf, NOW + timedelta(hours=hours))
    told = {p for p, k, _ in await _sent(sf) if k == "ladder.supervise"}
    assert told
    for role in (Role.BRANCH_SECRETARY, Role.COLLEGE_COMMITTEE):
        assert not told & await _holders(sf, role.value), role
    assert told <= (await _holders(sf, Role.DISCIPLINE_CONTACT.value)
                    | await _holders(sf, Role.ADMIN.value))
    # The reporter's branch secretary has no relation to it: no /history either.
    async with sf() as s:
        record = await SqlStore(s).get_concern(new.id)
    assert record is not None and (record.branch_code, record.college_code) == (None, None)
