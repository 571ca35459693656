"""The crisis sweep: review items held for the night are paged when the quiet hours end,
and unacknowledged or unreachable pages go up the ladder."""
from __future__ import annotations

import logging

from core.clock import Clock
from core.crisis.paging import CrisisRules, escalate, escalation_candidates
from core.crisis.review import forget_old_memory, release_held
from storage.uow import Sessions, read_only, unit_of_work

log = logging.getLogger(__name__)


async def crisis_sweep(sf: Sessions, clock: Clock, *, rules: CrisisRules) -> int:
    """Escalate every due crisis level; return how many escalations this run made.

    Candidates are read first; each escalation then commits in its own transaction, whose
    first statement is the claim. A crash rolls the claim back with the pages it would
    have sent; a concurrent sweep's claim matches no row. Either way: exactly one.
    """
    now = clock.now()
    try:
        async with unit_of_work(sf) as uow:
            released = await release_held(uow.store, now=now, rules=rules)
            await forget_old_memory(uow.store, now=now, rules=rules)
        if released:
            log.info("crisis sweep: paged %d review item(s) held for the quiet hours", released)
    except Exception:  # noqa: BLE001 - escalation below must still run; retried next run
        log.exception("releasing held crisis review items failed")
    async with read_only(sf) as uow:
        due = await escalation_candidates(uow.store, now)
    done = 0
    for case_id, level, reason in due:
        try:
            async with unit_of_work(sf) as uow:
                done += await escalate(uow.store, case_id, level, now=now,
                                       rules=rules, reason=reason)
        except Exception:  # noqa: BLE001 - one case must not stop the others; retried next run
            log.exception("crisis escalation of case %s level %s failed", case_id, level)
    return done
