"""The push sweep (every second while the bot runs): start due reminder rounds
(core.surveys.reminders), feed the bulk lane from the pending survey deliveries, then settle the queued ones from their outbox rows
(core.surveys.push). Feeding and settling are separate transactions; a feed claims its
deliveries and writes their outbox rows together, so a crash loses no person and writes
no row twice."""
from __future__ import annotations

import logging

from core.clock import Clock
from core.surveys.push import Fed, feed_push, settle_push
from core.surveys.reminders import start_due_rounds
from core.surveys.watch import refresh_progress
from storage.uow import Sessions, unit_of_work

log = logging.getLogger(__name__)


async def push_sweep(sf: Sessions, clock: Clock, *, window: int, timezone: str,
                     default_locale: str) -> tuple[Fed, int]:
    now = clock.now()
    async with unit_of_work(sf) as uow:
        for sid, round_, people in await start_due_rounds(uow.store, now=now):
            log.info("survey %d: reminder round %d to %d people", sid, round_, people)
    async with unit_of_work(sf) as uow:
        fed = await feed_push(uow.store, window=window, now=now, tz=timezone,
                              default_locale=default_locale)
    async with unit_of_work(sf) as uow:
        settled = await settle_push(uow.store, now=now)
    async with unit_of_work(sf) as uow:  # the admins' progress messages, edited in place
        await refresh_progress(uow.store, now=now, default_locale=default_locale)
    if fed.claimed or settled:
        log.debug("push: fed %d deliveries as %d rows (%d unreachable), settled %d",
                  fed.claimed, fed.rows, fed.unreachable, settled)
    return fed, settled
