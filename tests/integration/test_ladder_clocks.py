"""What the lifecycle does to the clocks, through the real use cases and the ladder sweep
(SQLite and PostgreSQL; docs/decisions/0016 "What moves or resets the clocks"): an
approved extension moves the reply limit and replans its notices, a re-dispatch gives the
new handler fresh accept and contact limits while the reply limit stands, a reopening
starts all three again, and a met limit's notices are cancelled."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from core.clock import FixedClock
from core.concerns.deadlines import LadderRules
from core.concerns.followup import answer_revisit, start_revisits
from core.concerns.intake import IntakeRules, submit_concern
from core.concerns.pickers import redispatch_allowed
from core.concerns.redispatch import redispatch_from
from core.concerns.tasks import (
    accept_task,
    contact_requester,
    decide_extension,
    dispatch_to,
    reply_task,
    request_extension,
    return_task,
)
from core.model import Draft
from core.workdays import FixedCalendar
from scheduler.ladder_sweep import ladder_sweep
from storage.store import SqlStore
from storage.tables import Concern, Reminder
from tests.support.harness import seed_with_chats

NOW = datetime(2026, 11, 4, 2, 0, tzinfo=timezone.utc)  # Wednesday 10:00 Shanghai
RULES = IntakeRules(university_code="DEMO", timezone="Asia/Shanghai", default_locale="zh_CN")
LADDER = LadderRules(calendar=FixedCalendar())
STUDENT, HANDLER, SECRETARY = "2023010103", "2022010202", "9001000003"
COLLEGE = "9001000001"


async def _open(sf) -> tuple[dict[str, int], int]:  # noqa: ANN001
    ids = await seed_with_chats(sf, NOW)
    async with sf() as s, s.begin():
        new = await submit_concern(SqlStore(s), now=NOW, rules=RULES, requester_id=ids[STUDENT],
                                   draft=Draft(category="logistics", type="help",
                                               texts=["水房没有热水"]),
                                   channel="telegram", source_key="k1")
    await ladder_sweep(sf, FixedClock(NOW), rules=LADDER)
    return ids, new.id


async def _do(sf, step, **kw):  # noqa: ANN001, ANN003, ANN202
    async with sf() as s, s.begin():
        return await step(SqlStore(s), default_locale="zh_CN", **kw)


async def _state(sf, cid: int) -> tuple[Concern, dict[tuple[str, int], list[str]]]:  # noqa: ANN001
    async with sf() as s:
        c = await s.get(Concern, cid)
        rows = (await s.execute(select(Reminder).where(Reminder.concern_id == cid)
                                .order_by(Reminder.id))).scalars().all()
    out: dict[tuple[str, int], list[str]] = {}
    for r in rows:
        out.setdefault((r.subject, r.step), []).append(r.status)
    return c, out


def _pending(rows: dict[tuple[str, int], list[str]]) -> set[str]:
    return {subject for (subject, _), states in rows.items() if "pending" in states}


async def test_met_limits_stop_and_an_approved_extension_moves_the_reply_limit(sf) -> None:  # noqa: ANN001
    ids, cid = await _open(sf)
    t1 = NOW + timedelta(hours=1)
    await _do(sf, accept_task, now=t1, person_id=ids[HANDLER], concern_id=cid)
    _, rows = await _state(sf, cid)
    assert _pending(rows) == {"contact", "reply"}
    assert rows[("accept", 0)] == ["cancelled"]
    await _do(sf, contact_requester, now=t1, person_id=ids[HANDLER], concern_id=cid,
              text="您好，我们明天上午来修。", attachment=None)
    _, rows = await _state(sf, cid)
    assert _pending(rows) == {"reply"}
    c, _ = await _state(sf, cid)
    old_due = c.due_reply_at
    assert old_due == datetime(2026, 11, 11, 2, 0, tzinfo=timezone.utc)

    until = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
    await _do(sf, request_extension, now=t1, person_id=ids[HANDLER], concern_id=cid,
              until=until, until_text="2026-11-20", reason="需要采购配件")
    t2 = NOW + timedelta(hours=3)
    await _do(sf, decide_extension, now=t2, person_id=ids[COLLEGE], concern_id=cid,
              approve=True)
    c, _ = await _state(sf, cid)
    assert (c.ladder_plan, c.deadline_from) == ("extend", t2)
    run = await ladder_sweep(sf, FixedClock(t2), rules=LADDER)
    assert run.planned == 1
    c, rows = await _state(sf, cid)
    assert c.due_reply_at == until and c.ladder_plan is None
    # The four reply notices of the old limit are cancelled; four new ones wait.
    assert all(rows[("reply", step)] == ["cancelled", "pending"] for step in range(4))
    async with sf() as s:
        new = (await s.execute(select(Reminder).where(
            Reminder.concern_id == cid, Reminder.status == "pending"))).scalars().all()
    assert {r.detail["limit_due"] for r in new} == {until.isoformat()}
    remind = next(r for r in new if r.step == 0)
    assert remind.due_at == t2 + (until - t2) * 0.8


async def test_a_redispatch_restarts_accept_and_contact_but_the_reply_limit_stands(sf) -> None:  # noqa: ANN001
    ids, cid = await _open(sf)
    t1 = NOW + timedelta(hours=2)
    await _do(sf, return_task, now=t1, person_id=ids[HANDLER], concern_id=cid,
              reason="不归我负责的楼栋")
    c, rows = await _state(sf, cid)
    reply_due = c.due_reply_at
    assert _pending(rows) == {"accept", "contact", "reply"}  # the limits keep running
    async with sf() as s:
        allowed = await redispatch_allowed(SqlStore(s), await SqlStore(s).get_concern(cid))
    other = next(p for p in allowed if p != ids[HANDLER])
    t2 = NOW + timedelta(hours=5)
    await _do(sf, dispatch_to, now=t2, person_id=ids[SECRETARY], concern_id=cid,
              member_id=other)
    await ladder_sweep(sf, FixedClock(t2), rules=LADDER)
    c, rows = await _state(sf, cid)
    assert c.due_accept_at == c.due_contact_at == t2 + timedelta(hours=24)
    assert c.due_reply_at == reply_due
    assert rows[("accept", 0)] == ["cancelled", "pending"]
    assert rows[("contact", 3)] == ["cancelled", "pending"]
    assert all(rows[("reply", step)] == ["pending"] for step in range(4))


async def test_a_reopened_concern_starts_all_three_limits_again(sf) -> None:  # noqa: ANN001
    ids, cid = await _open(sf)
    t1 = NOW + timedelta(hours=1)
    await _do(sf, accept_task, now=t1, person_id=ids[HANDLER], concern_id=cid)
    await _do(sf, reply_task, now=t1, person_id=ids[HANDLER], concern_id=cid,
              summary="已修好", revisit_due_at=t1)
    _, rows = await _state(sf, cid)
    assert _pending(rows) == set()  # replied: nothing can be late any more
    async with sf() as s, s.begin():
        assert await start_revisits(SqlStore(s), now=t1, default_locale="zh_CN") == 1
    t2 = NOW + timedelta(days=1)
    for answer in ("cy", "sn", "ru"):  # contacted, not solved, unsatisfied: 退回重办
        await _do(sf, answer_revisit, now=t2, person_id=ids[STUDENT], concern_id=cid,
                  answer=answer)
    c, _ = await _state(sf, cid)
    assert c.status == "dispatched" and c.ladder_plan == "all" and c.deadline_from == t2
    await ladder_sweep(sf, FixedClock(t2), rules=LADDER)
    c, rows = await _state(sf, cid)
    assert c.due_accept_at == t2 + timedelta(hours=24)
    assert c.due_reply_at == datetime(2026, 11, 12, 2, 0, tzinfo=timezone.utc)  # Thu + 5 wd
    assert _pending(rows) == {"accept", "contact", "reply"}
    assert c.escalation_level == 0


async def test_a_return_and_redispatch_before_the_first_sweep_loses_no_limit(sf) -> None:  # noqa: ANN001
    ids = await seed_with_chats(sf, NOW)
    async with sf() as s, s.begin():
        new = await submit_concern(SqlStore(s), now=NOW, rules=RULES, requester_id=ids[STUDENT],
                                   draft=Draft(category="logistics", type="help",
                                               texts=["水房没有热水"]),
                                   channel="telegram", source_key="k1")
    cid = new.id
    # No sweep runs between these steps (the bot's scheduler is every 60 s, or down).
    await _do(sf, return_task, now=NOW + timedelta(seconds=20), person_id=ids[HANDLER],
              concern_id=cid, reason="不归我负责")
    async with sf() as s:
        other = next(p for p in await redispatch_allowed(
            SqlStore(s), await SqlStore(s).get_concern(cid)) if p != ids[HANDLER])
    await _do(sf, dispatch_to, now=NOW + timedelta(seconds=40), person_id=ids[SECRETARY],
              concern_id=cid, member_id=other)
    c, _ = await _state(sf, cid)
    assert (c.ladder_plan, c.deadline_from) == ("all", NOW)
    await ladder_sweep(sf, FixedClock(NOW + timedelta(minutes=1)), rules=LADDER)
    c, rows = await _state(sf, cid)
    assert _pending(rows) == {"accept", "contact", "reply"}
    assert c.due_reply_at == datetime(2026, 11, 11, 2, 0, tzinfo=timezone.utc)


async def test_a_handler_leaving_the_roster_gives_the_next_one_fresh_clocks(sf) -> None:  # noqa: ANN001
    ids, cid = await _open(sf)
    t1 = NOW + timedelta(hours=1)
    await _do(sf, accept_task, now=t1, person_id=ids[HANDLER], concern_id=cid)
    t2 = NOW + timedelta(days=2)
    async with sf() as s, s.begin():
        moved = await redispatch_from(SqlStore(s), [ids[HANDLER]], now=t2,
                                      default_locale="zh_CN")
    assert moved == 1
    c, _ = await _state(sf, cid)
    assert c.assigned_member_id != ids[HANDLER]
    assert (c.ladder_plan, c.deadline_from) == ("handler", t2)
    await ladder_sweep(sf, FixedClock(t2), rules=LADDER)
    c, rows = await _state(sf, cid)
    assert c.due_accept_at == c.due_contact_at == t2 + timedelta(hours=24)
    assert "pending" in rows[("accept", 0)]
