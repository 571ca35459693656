"""Tell admins, once, when the working-day calendar runs on a fallback for a year."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.clock import Clock
from core.notify import alert_admins
from core.replies import Reply
from storage.store import SqlStore
from storage.tables import AuditLog

PRIMARY = "chinese_calendar"


async def check_calendar(sf: async_sessionmaker, cal, clock: Clock, *,  # noqa: ANN001
                         timezone: str, default_locale: str) -> list[tuple[int, str]]:
    """Look at this year and the next; alert admins about each new fallback (year, source).

    The audit row makes "once" hold across restarts: a fallback already announced is not
    announced again. Returns the fallbacks announced now.
    """
    from zoneinfo import ZoneInfo

    year = clock.now().astimezone(ZoneInfo(timezone)).year
    announced = []
    async with sf() as session, session.begin():
        seen = {(d.get("year"), d.get("source")) for (d,) in await session.execute(
            select(AuditLog.detail).where(AuditLog.kind == "calendar_fallback"))}
        store = SqlStore(session)
        for y in (year, year + 1):
            source = cal.source(y)
            if source == PRIMARY or (y, source) in seen:
                continue
            await store.audit("calendar_fallback", None, {"year": y, "source": source},
                              clock.now())
            await alert_admins(store, Reply("admin.calendar_fallback", {"year": y,
                                                                          "source": source}),
                               now=clock.now(), default_locale=default_locale)
            announced.append((y, source))
    return announced
