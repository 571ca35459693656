"""Reception reminders and after-session outcomes in the database (SQLite, and PostgreSQL
with XQ_TEST_DATABASE_URL), on the example roster's weekly session (Wednesday 14:30,
cut-off Tuesday 16:00) with its two accompanying heads:

- the agenda goes to the leader and both heads on Tuesday 17:00 with every topic, who
  brings it and their named open concerns (never an anonymous one), the booked people get
  their reminder, all exactly once across repeated and concurrent sweeps;
- a session moved before the reminders replaces its rows; the old ones never go out;
- an hour before, the agenda again; at the end the leader's record card;
- "answered on the spot" and "follow up" (a concern of origin reception, reply due in 5
  working days, dispatched to the unit's contact, the ladder planned), each once, refused
  to others.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from bot.reception.recurrence import RruleExpander
from bot.workcalendar import ChinaWorkCalendar
from core.errors import InputError
from core.concerns.redispatch import redispatch_from
from core.reception import booking as B
from core.reception import outcome as O
from core.reception.reminders import ReceptionRules
from core.workdays import add_working_days
from scheduler.reception_reminders import reception_reminder_sweep
from storage.reception.materialise import materialise_sessions
from storage.tables import Concern, OrgUnit, OutboxRow, Person, ReceptionSchedule, ReceptionSession, Reminder
from storage.uow import unit_of_work
from tests.support.harness import seed_with_chats

TZ = "Asia/Shanghai"
T0 = datetime(2026, 9, 2, 1, 0, tzinfo=timezone.utc)
MON = datetime(2026, 9, 28, 1, 0, tzinfo=timezone.utc)    # Monday 09:00
TUE_EVE = datetime(2026, 9, 29, 9, 0, tzinfo=timezone.utc)  # Tuesday 17:00
WED_SOON = datetime(2026, 9, 30, 5, 30, tzinfo=timezone.utc)  # Wednesday 13:30
WED_END = datetime(2026, 9, 30, 8, 30, tzinfo=timezone.utc)  # 16:30
LEADER, JWC, LOG = "9200000001", "9105000001", "9101000001"
RULES = ReceptionRules()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


async def _sweep(sf, china, at: datetime) -> Any:  # noqa: ANN001
    return await reception_reminder_sweep(sf, Clock(at), rules=RULES, calendar=china,
                                          timezone=TZ, default_locale="zh_CN")


async def _run(sf, fn, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
    async with unit_of_work(sf) as uow:
        return await fn(uow.store, *args, **kw)


async def _outbox(sf) -> list[tuple[str, str, dict[str, Any]]]:  # noqa: ANN001
    async with sf() as s:
        rows = await s.scalars(select(OutboxRow).order_by(OutboxRow.id))
        return [(r.chat_id, r.reply["key"], r.reply.get("params", {})) for r in rows]


def _keys(out: list[tuple[str, str, dict[str, Any]]], key: str) -> Counter[str]:
    return Counter(chat for chat, k, _ in out if k == key)


async def _setup(sf, china):  # noqa: ANN001, ANN202
    ids = await seed_with_chats(sf, T0)
    await materialise_sessions(sf, first=date(2026, 9, 28), last=date(2026, 10, 21),
                               expander=RruleExpander(), calendar=china, tz=TZ, now=MON)
    async with sf() as s:
        wed = (await s.scalars(select(ReceptionSession).join(ReceptionSchedule).where(
            ReceptionSchedule.code == "R-LEADER1",
            ReceptionSession.local_date == date(2026, 9, 30)))).one().id
    students = sorted(n for n in ids if n.startswith("2023"))[:3]
    return ids, wed, students


async def test_agenda_reminders_go_once_and_follow_a_move(sf) -> None:  # noqa: ANN001
    china = ChinaWorkCalendar()
    ids, wed, (a, b, c) = await _setup(sf, china)
    topic_a = await _run(sf, B.book, ids[a], wed, "食堂晚上开放时间太短", [], MON)
    await _run(sf, B.book, ids[b], wed, "图书馆座位不够", [{"kind": "photo"}], MON)
    joined = (await _run(sf, B.topics_of, ids[c], wed, MON))[1][0]
    await _run(sf, B.join, ids[c], joined.id, MON)
    async with sf.begin() as s:  # a's named open concern shows; b's anonymous one never
        for number, person, anonymous in (("DEMO-2026-000901", a, False),
                                          ("DEMO-2026-000902", b, True)):
            s.add(Concern(number=number, requester_id=ids[person], type="help",
                          category="logistics", urgency="P2", status="in_progress",
                          anonymous=anonymous, text="x", routing_reason="t",
                          source_channel="telegram", created_at=MON, updated_at=MON))
    assert topic_a.booking_id

    first = await _sweep(sf, china, MON)
    assert first.planned >= 4 and first.sent == 0
    assert (await _sweep(sf, china, MON)).planned == 0  # planning is idempotent

    # Tuesday 17:00, two sweeps at once (as two processes would): each row goes once.
    runs = await asyncio.gather(_sweep(sf, china, TUE_EVE), _sweep(sf, china, TUE_EVE))
    assert sum(r.sent for r in runs) == 2  # leader_eve and people_eve of the session
    out = await _outbox(sf)
    assert _keys(out, "reception.agenda_eve") == {LEADER: 1, JWC: 1, LOG: 1}
    assert _keys(out, "reception.remind_booked") == {a: 1, b: 1, c: 1}
    [agenda] = [p for chat, k, p in out if k == "reception.agenda_eve" and chat == LEADER]
    flat = repr(agenda)
    assert "食堂晚上开放时间太短" in flat and "图书馆座位不够" in flat
    assert "DEMO-2026-000901" in flat and "DEMO-2026-000902" not in flat
    assert (await _sweep(sf, china, TUE_EVE)).sent == 0

    # Moved to Thursday before the hour-before reminder: the old row is cancelled.
    async with sf.begin() as s:
        row = await s.get(ReceptionSession, wed)
        row.starts_at += timedelta(days=1)
        row.ends_at += timedelta(days=1)
        row.local_date = date(2026, 10, 1)
    moved = await _sweep(sf, china, WED_SOON)
    assert moved.cancelled >= 2 and moved.sent == 0
    async with sf() as s:
        pending = list(await s.scalars(select(Reminder.subject).where(
            Reminder.session_id == wed, Reminder.status == "pending")))
    # The new eve time (Wed 17:00) is still ahead: the agenda goes again for Thursday.
    assert sorted(pending) == ["leader_eve", "leader_soon", "people_eve", "record"]


async def test_a_visit_is_announced_to_its_unit_a_week_ahead_once(sf) -> None:  # noqa: ANN001
    china = ChinaWorkCalendar()
    await _setup(sf, china)
    assert (await _sweep(sf, china, MON)).sent == 0  # the 下访 of 10-08 15:00 is 10 days off
    async with sf() as s:
        (due,), = (await s.execute(select(Reminder.due_at).where(
            Reminder.key.like("rcp:%:announce")))).all()
    assert due == datetime(2026, 10, 1, 7, 0, tzinfo=timezone.utc)  # a week ahead, 15:00
    await asyncio.gather(_sweep(sf, china, due), _sweep(sf, china, due))
    async with sf() as s:
        inf = {n for n, in await s.execute(
            select(Person.number).join(OrgUnit, OrgUnit.id == Person.unit_id).where(
                (OrgUnit.code == "INF") | OrgUnit.parent_id.in_(
                    select(OrgUnit.id).where(OrgUnit.code == "INF"))))}
    announced = _keys(await _outbox(sf), "reception.visit_announce")
    assert set(announced) == inf and set(announced.values()) == {1} and LEADER not in inf
    assert {lane for lane, in await _lanes(sf, "reception.visit_announce")} == {2}  # bulk


async def _lanes(sf, key: str) -> list[Any]:  # noqa: ANN001
    async with sf() as s:
        return [(r.lane,) for r in await s.scalars(select(OutboxRow)) if r.reply["key"] == key]


async def test_record_card_and_outcomes(sf) -> None:  # noqa: ANN001
    china = ChinaWorkCalendar()
    ids, wed, (a, b, c) = await _setup(sf, china)
    await _run(sf, B.book, ids[a], wed, "食堂晚上开放时间太短", [], MON)
    await _run(sf, B.book, ids[b], wed, "宿舍楼道灯坏了", [], MON)
    await _sweep(sf, china, MON)
    await _sweep(sf, china, TUE_EVE)
    assert (await _sweep(sf, china, WED_SOON)).sent == 1
    out = await _outbox(sf)
    assert _keys(out, "reception.agenda_soon") == {LEADER: 1, JWC: 1, LOG: 1}
    assert (await _sweep(sf, china, WED_END)).sent == 1
    [card] = [p for chat, k, p in await _outbox(sf) if k == "reception.record"]
    assert "食堂晚上开放时间太短" in repr(card) and _keys(await _outbox(sf), "reception.record") \
        == {LEADER: 1}

    agenda = await _run(sf, lambda st: st.session_agenda(wed))
    t1, t2 = (t.id for t in agenda)
    kw = dict(now=WED_END, tz=TZ, default_locale="zh_CN")
    with pytest.raises(InputError) as err:  # a student may not record
        await _run(sf, O.record_answered, ids[c], t1, **kw)
    assert err.value.key == "reception.not_host"
    with pytest.raises(InputError) as err:  # nor before the start
        await _run(sf, O.record_answered, ids[LEADER], t1, **{**kw, "now": MON})
    assert err.value.key == "reception.not_started"
    await _run(sf, O.record_answered, ids[LEADER], t1, **kw)
    with pytest.raises(InputError) as err:
        await _run(sf, O.record_answered, ids[LEADER], t1, **kw)
    assert err.value.key == "reception.already_recorded"

    units = await _run(sf, lambda st: st.followup_units())
    log = next(u for u in units if u.code == "LOG")
    follow = dict(now=WED_END, rules=RULES, calendar=china, tz=TZ, university_code="DEMO",
                  default_locale="zh_CN")
    done = await _run(sf, O.record_follow_up, ids[LEADER], t2, log.id, **follow)
    assert done.handler_id == ids[LOG] and done.number
    with pytest.raises(InputError) as err:  # a second press makes no second concern
        await _run(sf, O.record_follow_up, ids[LEADER], t2, log.id, **follow)
    assert err.value.key == "reception.already_recorded"
    async with sf() as s:
        made = (await s.scalars(select(Concern).where(Concern.number == done.number))).one()
        assert (made.origin, made.requester_id, made.assigned_member_id, made.status,
                made.ladder_plan) == ("reception", ids[b], ids[LOG], "dispatched", "both")
        assert made.due_reply_at == add_working_days(WED_END, 5, china, TZ)
        assert "宿舍楼道灯坏了" in made.text
    out = await _outbox(sf)
    assert _keys(out, "reception.told_answered") == {a: 1}
    assert _keys(out, "reception.told_follow_up") == {b: 1}
    assert _keys(out, "task.new") == {LOG: 1}
    [task] = [p for chat, k, p in out if k == "task.new"]
    assert task["number"] == done.number


async def _pending(sf, session_id: int) -> list[str]:  # noqa: ANN001
    async with sf() as s:
        return sorted(await s.scalars(select(Reminder.subject).where(
            Reminder.session_id == session_id, Reminder.status == "pending")))


async def test_reminders_come_back_with_a_restored_session_and_leave_with_a_far_move(sf) -> None:  # noqa: ANN001
    china = ChinaWorkCalendar()
    ids, wed, (a, _, _) = await _setup(sf, china)
    await _run(sf, B.book, ids[a], wed, "食堂晚上开放时间太短", [], MON)
    await _sweep(sf, china, MON)
    everything = ["leader_eve", "leader_soon", "people_eve", "record"]
    assert await _pending(sf, wed) == everything
    async with sf.begin() as s:  # cancelled (an admin's cancel), then restored (clear)
        (await s.get(ReceptionSession, wed)).status = "cancelled"
    assert (await _sweep(sf, china, MON)).cancelled == 4 and await _pending(sf, wed) == []
    async with sf.begin() as s:
        (await s.get(ReceptionSession, wed)).status = "scheduled"
    assert (await _sweep(sf, china, MON)).planned == 4 and await _pending(sf, wed) == everything
    async with sf.begin() as s:  # moved three months on, beyond the planning window
        row = await s.get(ReceptionSession, wed)
        row.starts_at += timedelta(days=91)
        row.ends_at += timedelta(days=91)
    await _sweep(sf, china, MON)
    assert await _pending(sf, wed) == []
    await _sweep(sf, china, TUE_EVE)
    assert _keys(await _outbox(sf), "reception.agenda_eve") == Counter()


async def test_a_follow_up_stays_with_its_unit_when_its_handler_leaves(sf) -> None:  # noqa: ANN001
    china = ChinaWorkCalendar()
    ids, wed, (a, _, _) = await _setup(sf, china)
    await _run(sf, B.book, ids[a], wed, "宿舍楼道灯坏了", [], MON)
    [topic] = await _run(sf, lambda st: st.session_agenda(wed))
    log = next(u for u in await _run(sf, lambda st: st.followup_units()) if u.code == "LOG")
    done = await _run(sf, O.record_follow_up, ids[LEADER], topic.id, log.id, now=WED_END,
                      rules=RULES, calendar=china, tz=TZ, university_code="DEMO",
                      default_locale="zh_CN")
    assert done.handler_id == ids[LOG]
    moved = await _run(sf, redispatch_from, [ids[LOG]], now=WED_END, default_locale="zh_CN")
    assert moved == 1
    async with sf() as s:
        made = (await s.scalars(select(Concern).where(Concern.number == done.number))).one()
    # 后勤保障处 has no other contact: the admins' queue, still owned by 后勤保障处
    assert (made.assigned_member_id, made.routing_reason, made.status) == \
        (None, "unit_unstaffed:LOG", "received")
