"""Rows for the retention tests (tests/integration/test_retention_*.py), written straight
into the tables: people, a reception schedule with sessions, topics and bookings, a
concern, a survey; each test says what it needs."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from storage.tables import (Concern, OrgUnit, Person, ReceptionBooking, ReceptionSchedule,
                            ReceptionSession, ReceptionTopic, Survey)


async def person(s: Any, number: str, at: datetime, *, unit: int | None = None,
                 name: str = "某人") -> int:
    p = Person(number=number, name=name, kind="student", unit_id=unit, verified=True,
               active=True, created_at=at, updated_at=at)
    s.add(p)
    await s.flush()
    return int(p.id)


async def college(s: Any, code: str = "C1") -> int:
    unit = OrgUnit(code=code, name="会计学院", kind="college")
    s.add(unit)
    await s.flush()
    return int(unit.id)


async def schedule(s: Any, leader: int, at: datetime) -> int:
    row = ReceptionSchedule(code="leader-1", leader_id=leader, place="行政楼 201",
                            start_time=time(14, 30), end_time=time(16, 30),
                            recurrence={"freq": "weekly"}, capacity=6, cutoff_days=1,
                            cutoff_time=time(17), holiday_policy="skip", accompany=[],
                            source="command", created_at=at, updated_at=at)
    s.add(row)
    await s.flush()
    return int(row.id)


async def session(s: Any, schedule_id: int, starts: datetime) -> int:
    row = ReceptionSession(schedule_id=schedule_id, origin_day=starts.date(), kind="regular",
                           local_date=starts.date(), starts_at=starts,
                           ends_at=starts + timedelta(hours=2),
                           cutoff_at=starts - timedelta(days=1), status="scheduled",
                           updated_at=starts)
    s.add(row)
    await s.flush()
    return int(row.id)


async def topic(s: Any, session_id: int, text: str, people: list[int], at: datetime, *,
                concern: int | None = None, photo: str | None = None) -> int:
    """A topic brought by ``people`` (the first booked it, the others joined: 同问)."""
    row = ReceptionTopic(session_id=session_id, text=text, created_by=people[0],
                         attachments=[{"kind": "photo", "refs": {"web": photo}}] if photo
                         else [], created_at=at, concern_id=concern)
    s.add(row)
    await s.flush()
    s.add_all([ReceptionBooking(topic_id=row.id, session_id=session_id, person_id=p,
                                created_at=at) for p in people])
    await s.flush()
    return int(row.id)


async def concern(s: Any, number: str, requester: int, at: datetime, *,
                  status: str = "closed", closed: datetime | None = None) -> int:
    row = Concern(number=number, requester_id=requester, type="help", category="logistics",
                  urgency="P2", status=status, text="接待日转来的诉求", routing_reason="zone:Z",
                  source_channel="web", origin="reception", created_at=at, updated_at=at,
                  closed_at=closed)
    s.add(row)
    await s.flush()
    return int(row.id)


async def survey(s: Any, code: str, status: str, closes: datetime, at: datetime, *,
                 anonymous: bool = True) -> int:
    row = Survey(code=code, title=code, kind="survey", anonymous=anonymous, definition={},
                 source="", opens_at=at, closes_at=closes, status=status, created_at=at,
                 updated_at=at)
    s.add(row)
    await s.flush()
    return int(row.id)
