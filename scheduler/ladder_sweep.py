"""The 催办/督办 sweep: plan the reminder rows of concerns whose clocks started or moved,
drop notices that came due too long ago, and send the due ones (core.concerns.ladder).

Every batch is its own transaction whose first write is the claim, so a crash rolls back
the claim with the notices it would have written, and two processes (or a process and a
manual ``python -m bot sweep``) never send one notice twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from core.clock import Clock
from core.concerns.deadlines import LADDER, LadderRules
from core.concerns.ladder import plan_clocks, send_due_notices
from storage.uow import Sessions, unit_of_work

log = logging.getLogger(__name__)

PLAN_BATCH = 500
SEND_BATCH = 1000


@dataclass(frozen=True)
class LadderSweep:
    planned: int = 0
    sent: int = 0
    messages: int = 0
    dropped: int = 0
    cancelled: int = 0


async def ladder_sweep(sf: Sessions, clock: Clock, *, rules: LadderRules,
                       plan_batch: int = PLAN_BATCH, send_batch: int = SEND_BATCH,
                       ) -> LadderSweep:
    """Run the ladder once at ``clock.now()``; return what it did."""
    now = clock.now()
    planned = 0
    while True:  # each batch commits on its own; a concern planned twice is a no-op
        async with unit_of_work(sf) as uow:
            done = await plan_clocks(uow.store, now=now, rules=rules, limit=plan_batch)
        planned += done
        if done < plan_batch:
            break
    async with unit_of_work(sf) as uow:
        dropped = await uow.store.drop_stale_reminders(LADDER, before=now - rules.grace,
                                                       now=now)
    for concern_id, key in dropped:
        log.warning("ladder: dropped notice %s of concern %s: it came due more than %g h "
                    "ago (was the bot down?)", key, concern_id,
                    rules.grace.total_seconds() / 3600)
    sent = messages = cancelled = 0
    while True:
        async with unit_of_work(sf) as uow:
            run = await send_due_notices(uow.store, now=now, rules=rules, limit=send_batch)
        sent, messages, cancelled = (sent + run.sent, messages + run.messages,
                                     cancelled + run.cancelled)
        if run.claimed < send_batch:
            break
    if planned or sent or dropped:
        log.info("ladder: planned %d concern(s), sent %d notice(s) as %d message(s), "
                 "dropped %d, cancelled %d", planned, sent, messages, len(dropped), cancelled)
    return LadderSweep(planned, sent, messages, len(dropped), cancelled)
