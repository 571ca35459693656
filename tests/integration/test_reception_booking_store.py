"""Booking reception days in the database (SQLite, and PostgreSQL with
XQ_TEST_DATABASE_URL): the example roster's weekly session listed, two people racing for
its last place (one wins), joining a topic (at most 3), refusals audited, cancelling before
and after the cut-off, and a booked person told once when the session moves."""
from __future__ import annotations

import asyncio
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.reception.recurrence import RruleExpander
from bot.workcalendar import ChinaWorkCalendar
from core.errors import InputError
from core.people.roster_validation import validate_roster
from core.reception import booking as B
from storage.people.roster import apply_roster, read_roster
from storage.reception.materialise import materialise_sessions
from storage.tables import AuditLog, Person, ReceptionNotice, ReceptionBooking, ReceptionSchedule, \
    ReceptionTopic
from storage.uow import unit_of_work

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.xlsx"
T0 = datetime(2026, 9, 1, 1, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 9, 28, 1, 0, tzinfo=timezone.utc)  # Monday 09:00 in Shanghai
AFTER_CUTOFF = datetime(2026, 9, 29, 9, 0, tzinfo=timezone.utc)  # Tue 17:00, closed 16:00


async def _setup(sf, china):  # noqa: ANN001, ANN202
    await apply_roster(sf, validate_roster(read_roster(EXAMPLE)), now=T0)
    await _materialise(sf, china)
    async with sf() as s:
        people = list(await s.scalars(select(Person.id).where(
            Person.verified.is_(True), Person.number.like("2023%")).order_by(Person.id)))
    assert len(people) >= 4
    return people


async def _materialise(sf, china):  # noqa: ANN001, ANN202
    return await materialise_sessions(sf, first=date(2026, 9, 28), last=date(2026, 10, 21),
                                      expander=RruleExpander(), calendar=china,
                                      tz="Asia/Shanghai", now=T0)


async def _run(sf, fn, *args):  # noqa: ANN001, ANN002, ANN202
    async with unit_of_work(sf) as uow:
        return await fn(uow.store, *args)


async def _refused(sf, key, fn, *args) -> None:  # noqa: ANN001, ANN002
    async with unit_of_work(sf) as uow:  # caught inside, as the router does: audit kept
        with pytest.raises(InputError) as err:
            await fn(uow.store, *args)
    assert err.value.key == key


async def test_booking_joining_cancelling_and_the_race_for_the_last_place(sf) -> None:  # noqa: ANN001
    a, b, c, d = (await _setup(sf, ChinaWorkCalendar()))[:4]
    listed = await _run(sf, B.reception_list, a, NOW)
    days = [(s.day.isoformat(), s.status, s.moved_from and s.moved_from.isoformat(),
             s.place, s.capacity, s.topics) for s in listed.sessions]
    assert days == [("2026-09-30", "scheduled", None, "行政楼 201", 6, 0),
                    ("2026-10-08", "moved", "2026-10-07", "行政楼 201", 6, 0),
                    ("2026-10-14", "scheduled", None, "行政楼 201", 6, 0),
                    ("2026-10-21", "scheduled", None, "行政楼 201", 6, 0)]
    assert listed.sessions[0].leader_name and listed.mine == []
    first = listed.sessions[0].id
    async with sf.begin() as s:  # one place left for the race
        await s.execute(update(ReceptionSchedule).values(capacity=1))

    results = await asyncio.gather(
        _run(sf, B.book, a, first, "食堂晚上开放时间太短", [], NOW),
        _run(sf, B.book, b, first, "图书馆座位不够", [{"kind": "photo"}], NOW),
        return_exceptions=True)
    won = [r for r in results if isinstance(r, B.Booked)]
    lost = [r for r in results if isinstance(r, InputError)]
    assert len(won) == 1 and [e.key for e in lost] == ["reception.full"]
    winner, loser = (a, b) if isinstance(results[0], B.Booked) else (b, a)
    async with sf() as s:
        [topic] = list(await s.scalars(select(ReceptionTopic)))
        assert topic.session_id == first and topic.created_by == winner

    await _refused(sf, "reception.already", B.book, winner, first, "再来一次", [], NOW)
    await _refused(sf, "reception.not_on_roster", B.book, None, first, "访客", [], NOW)
    await _refused(sf, "reception.gone", B.check_booking, a, 999999, NOW)
    # Others join the topic (同问): capacity counts topics, so the session stays "full".
    assert (await _run(sf, B.join, loser, topic.id, NOW)).joined
    await _run(sf, B.join, c, topic.id, NOW)
    await _refused(sf, "reception.topic_full", B.join, d, topic.id, NOW)
    await _refused(sf, "reception.already", B.join, c, topic.id, NOW)
    _, topics = await _run(sf, B.topics_of, d, first, NOW)
    assert [(t.people, len(t.person_ids)) for t in topics] == [(3, 3)]
    assert B.preview("一" * 40) == "一" * 30 + "…"

    mine = await _run(sf, B.reception_list, c, NOW)
    [booking] = mine.mine
    assert booking.session.id == first and not booking.first and mine.booked == {first: booking.id}
    await _run(sf, B.cancel, c, booking.id, NOW)
    await _refused(sf, "reception.gone", B.cancel, c, booking.id, NOW)  # already cancelled
    loser_booking = (await _run(sf, B.reception_list, loser, NOW)).mine[0].id
    await _refused(sf, "reception.gone", B.cancel, winner, loser_booking, NOW)  # not own
    await _refused(sf, "reception.cancel_late", B.cancel, loser, loser_booking, AFTER_CUTOFF)
    await _refused(sf, "reception.closed", B.book, d, first, "晚了", [], AFTER_CUTOFF)
    assert [s.day.isoformat() for s in (await _run(
        sf, B.reception_list, d, AFTER_CUTOFF)).sessions][0] == "2026-10-08"

    async with sf() as s:
        live = list(await s.scalars(select(ReceptionBooking.person_id).where(
            ReceptionBooking.cancelled_at.is_(None)).order_by(ReceptionBooking.id)))
        assert live == [winner, loser]
        whys = [r.detail["why"] for r in await s.scalars(
            select(AuditLog).where(AuditLog.kind == "refused").order_by(AuditLog.id))]
    assert whys == ["already_booked", "not_on_roster", "no_such_session",
                    "topic_full", "already_booked", "not_own_booking", "not_own_booking",
                    "cancel_after_cutoff", "cutoff"]


async def test_a_booked_person_is_told_once_when_the_session_moves_or_is_cancelled(sf) -> None:  # noqa: ANN001
    china = ChinaWorkCalendar()
    a, b = (await _setup(sf, china))[:2]
    sessions = (await _run(sf, B.reception_list, a, NOW)).sessions
    oct14, oct21 = sessions[2].id, sessions[3].id
    await _run(sf, B.book, a, oct14, "宿舍热水", [], NOW)
    await _run(sf, B.book, b, oct21, "实验室安全", [], NOW)
    topic = (await _run(sf, B.topics_of, a, oct21, NOW))[1][0]
    await _run(sf, B.join, a, topic.id, NOW)
    china.set_override(date(2026, 10, 14), False)  # 10-14 closed: moved to 10-15
    async with sf.begin() as s:  # and the 10-21 session is dropped: a cancel override
        sched = (await s.scalars(select(ReceptionSchedule).where(
            ReceptionSchedule.code == "R-LEADER1"))).one()
        sched.recurrence = {**sched.recurrence, "ends_on": "2026-10-20"}
    counts = await _materialise(sf, china)
    assert counts.told == 3
    again = await _materialise(sf, china)
    assert again.told == 0
    async with sf() as s:  # nobody here has a chat yet: each notice is an audited miss
        rows = list(await s.scalars(select(AuditLog).where(AuditLog.kind == "undeliverable")))
        notices = sorted((n.version[:6], n.booking_id) for n in await s.scalars(
            select(ReceptionNotice)))
    told = sorted((r.detail["person_id"], r.detail["key"]) for r in rows)
    assert told == sorted([(a, "reception.told_moved"), (a, "reception.told_cancelled"),
                           (b, "reception.told_cancelled")])
    assert [v for v, _ in notices] == ["cancel", "cancel", "moved:"]
