"""Reading the test database from tests, and running sweeps at a chosen time."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.workcalendar import ChinaWorkCalendar
from core.clock import FixedClock, SystemClock
from scheduler.sweeps import followup_sweep
from storage.db import make_engine, session_factory
from storage.tables import InboxRow, OutboxRow


async def query(db_url: str, stmt: Any) -> list[Any]:
    """Run one statement on its own engine; return all rows."""
    engine = make_engine(db_url)
    try:
        async with session_factory(engine)() as s:
            return (await s.execute(stmt)).all()
    finally:
        await engine.dispose()


async def execute(db_url: str, stmt: Any) -> None:
    """Run one writing statement on its own engine and commit it."""
    engine = make_engine(db_url)
    try:
        async with session_factory(engine)() as s, s.begin():
            await s.execute(stmt)
    finally:
        await engine.dispose()


async def sweep_followups(db_url: str, days: int) -> tuple[int, int]:
    """The 回访 sweep as it would run ``days`` from now: (asked, closed)."""
    engine = make_engine(db_url)
    try:
        return await followup_sweep(
            session_factory(engine), FixedClock(SystemClock().now() + timedelta(days=days)),
            calendar=ChinaWorkCalendar(), timezone="Asia/Shanghai", answer_working_days=3,
            default_locale="zh_CN")
    finally:
        await engine.dispose()


async def materialise_reception(db_url: str, weeks: int = 8) -> None:
    """Materialise the reception sessions of the coming weeks, as the bot's sweep does."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from bot.reception.recurrence import RruleExpander
    from storage.reception.materialise import materialise_sessions

    engine = make_engine(db_url)
    try:
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        await materialise_sessions(session_factory(engine), first=today,
                                   last=today + timedelta(weeks=weeks),
                                   expander=RruleExpander(), calendar=ChinaWorkCalendar(),
                                   tz="Asia/Shanghai", now=datetime.now(timezone.utc))
    finally:
        await engine.dispose()


async def settled(db_url: str, timeout: float = 20) -> None:
    """Wait until every outbox row is delivered (sealed ones scrubbed) and every inbox row
    handled (anonymous payloads redacted): what stays is what a reader of the database sees."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        (out,), = await query(db_url, select(func.count()).select_from(OutboxRow).where(
            OutboxRow.status.in_(("pending", "sending"))))
        (inb,), = await query(db_url, select(func.count()).select_from(InboxRow).where(
            InboxRow.status != "done"))
        if not out and not inb:
            return
        assert loop.time() < end, f"{out} outbox and {inb} inbox rows still open"
        await asyncio.sleep(0.1)
