"""bench/broadcast.py's database side: the scratch database, the recipients and the
talkers, the survey pushed to them, and reading how the push ended."""
from __future__ import annotations

from datetime import timedelta

TALKERS = 8
BULK_BASE = 500_000_000  # recipient i's Telegram user and chat id: BULK_BASE + i
TALK_BASE = 600_000_000
CODE = "bench-push"
CHUNK = 5000


async def pg_exec(url: str, sql: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=10)
    await conn.execute(sql)
    await conn.close()


async def prepare(url: str, n: int) -> None:
    """Migrate, seed the roster, add the recipients and the talkers with bound chats."""
    from sqlalchemy import insert, select

    from core.clock import SystemClock
    from storage.db import make_engine, session_factory
    from storage.migrate import upgrade_async
    from storage.tables import ChannelIdentity, OrgUnit, Person
    from tests.support.harness import seed_roster

    await upgrade_async(url)
    await seed_roster(url)
    now = SystemClock().now() - timedelta(days=1)
    engine = make_engine(url)
    try:
        async with session_factory(engine)() as s, s.begin():
            university = (await s.execute(select(OrgUnit.id).where(
                OrgUnit.kind == "university"))).scalars().first()
            other = (await s.execute(select(OrgUnit.id).where(
                OrgUnit.kind == "branch", OrgUnit.unit_class == "student")
                .order_by(OrgUnit.id))).scalars().first()
            college = (await s.execute(insert(OrgUnit).values(
                code="BENCH", name="压测学院", kind="college", parent_id=university,
                active=True).returning(OrgUnit.id))).scalar_one()
            branch = (await s.execute(insert(OrgUnit).values(
                code="BENCH-S1", name="压测学院学生党支部", kind="branch",
                unit_class="student", parent_id=college, active=True)
                .returning(OrgUnit.id))).scalar_one()
            people = [(f"BC{i:07d}", BULK_BASE + i, branch) for i in range(n)]
            people += [(f"BT{j:03d}", TALK_BASE + j, other) for j in range(TALKERS)]
            for k in range(0, len(people), CHUNK):
                part = people[k:k + CHUNK]
                await s.execute(insert(Person), [dict(
                    number=number, name=f"压测同学{number[2:]}", kind="student", unit_id=unit,
                    grade="2024", verified=True, active=True, created_at=now,
                    updated_at=now) for number, _, unit in part])
                ids = dict((await s.execute(select(Person.number, Person.id).where(
                    Person.number.in_([p[0] for p in part])))).all())
                await s.execute(insert(ChannelIdentity), [dict(
                    channel="telegram", external_id=str(chat), chat_id=str(chat),
                    person_id=ids[number], display_name=None, username=None, locale=None,
                    unreachable_at=None, privacy_noticed_at=now, created_at=now)
                    for number, chat, _ in part])
    finally:
        await engine.dispose()


def survey_text() -> str:
    from core.clock import SystemClock

    now = SystemClock().now()
    return f"""
code = "{CODE}"
title = "压测问卷：宿舍网络满意度"
intro = "请根据本学期的体验作答。"
anonymous = true
opens = {(now - timedelta(hours=1)).isoformat(timespec="seconds")}
closes = {(now + timedelta(days=7)).isoformat(timespec="seconds")}

[audience]
colleges = ["BENCH"]

[[questions]]
id = "overall"
kind = "rating"
text = "您对宿舍网络的总体满意度？"
"""


async def push_survey(url: str) -> int:
    """``python -m bot survey create`` and ``survey push``; return the reachable count."""
    from core.clock import SystemClock
    from core.surveys.admin import create_survey
    from core.surveys.push import start_push
    from storage.db import make_engine, session_factory
    from storage.uow import unit_of_work

    engine = make_engine(url)
    try:
        sf = session_factory(engine)
        async with unit_of_work(sf) as uow:
            await create_survey(uow.store, text=survey_text(), list_files=None,
                                person_id=None, now=SystemClock().now(), max_reminders=3)
        async with unit_of_work(sf) as uow:
            found = await start_push(uow.store, CODE, person_id=None, now=SystemClock().now())
    finally:
        await engine.dispose()
    return found.counts()["reachable"]


async def settled(url: str) -> tuple[str, dict[str, int]]:
    """The survey's status and its deliveries by state."""
    from sqlalchemy import func, select

    from storage.db import make_engine, session_factory
    from storage.tables import Survey, SurveyDelivery

    engine = make_engine(url)
    try:
        async with session_factory(engine)() as s:
            status = (await s.execute(select(Survey.status).where(
                Survey.code == CODE))).scalar_one()
            counts = dict((await s.execute(select(SurveyDelivery.status, func.count())
                                           .group_by(SurveyDelivery.status))).all())
    finally:
        await engine.dispose()
    return status, {str(k): int(v) for k, v in counts.items()}
