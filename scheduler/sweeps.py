"""Periodic sweeps. Each opens its own unit of work and is safe to run twice."""
from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.clock import Clock
from storage.inbox import REDELIVERY_WINDOW
from storage.tables import InboxRow

#: Handled inbox rows are kept a while for diagnosis, and must be gone before Telegram can
#: recycle their ids (after a week without updates); dead rows stay until an admin acts.
INBOX_KEEP = max(REDELIVERY_WINDOW * 2, timedelta(days=2))


async def purge_inbox(sf: async_sessionmaker, clock: Clock) -> int:
    """Delete handled inbox rows older than INBOX_KEEP; return how many."""
    async with sf() as session, session.begin():
        res = await session.execute(delete(InboxRow).where(
            InboxRow.status == "done", InboxRow.handled_at < clock.now() - INBOX_KEEP))
        return res.rowcount or 0


def build_scheduler(sf: async_sessionmaker, clock: Clock, timezone: str) -> AsyncIOScheduler:
    """Interval sweeps only, in memory: the state they act on lives in the database."""
    sched = AsyncIOScheduler(timezone=timezone)
    sched.add_job(purge_inbox, "interval", hours=1, args=[sf, clock], id="purge_inbox",
                  coalesce=True, max_instances=1)
    return sched
