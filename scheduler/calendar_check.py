"""Tell admins, once, when the working-day calendar runs on a fallback for a year."""
from __future__ import annotations

from core.clock import Clock
from core.notify import alert_admins
from core.replies import Reply
from storage.audit_log import audit_details
from storage.uow import Sessions, unit_of_work

PRIMARY = "chinese_calendar"


async def check_calendar(sf: Sessions, cal, clock: Clock, *,  # noqa: ANN001
                         timezone: str, default_locale: str) -> list[tuple[int, str]]:
    """Look at this year and the next; alert admins about each new fallback (year, source).

    The audit row makes "once" hold across restarts: a fallback already announced is not
    announced again. Returns the fallbacks announced now.
    """
    from zoneinfo import ZoneInfo

    year = clock.now().astimezone(ZoneInfo(timezone)).year
    announced = []
    async with unit_of_work(sf) as uow:
        seen = {(d.get("year"), d.get("source"))
                for d in await audit_details(uow, "calendar_fallback")}
        store = uow.store
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
