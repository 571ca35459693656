"""The reception reminder sweep (every ``[reception] sweep_seconds``, and at start): bring
the sessions' reminder rows in line with the sessions, drop rows that came due too long
ago, and send the due ones (core.reception.reminders).

Planning and each batch of sending are separate transactions; a batch's first write is
the claim, so a crash rolls the claim back with the messages it would have written, and
two processes never send one row twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from core.clock import Clock
from core.reception.reminders import ReceptionRules, plan_reminders, send_due_reminders
from core.workdays import WorkCalendar
from storage.reception.reminder_store import KIND
from storage.uow import Sessions, unit_of_work

log = logging.getLogger(__name__)

SEND_BATCH = 200


@dataclass(frozen=True)
class ReceptionReminderSweep:
    planned: int = 0
    cancelled: int = 0
    dropped: int = 0
    sent: int = 0
    messages: int = 0


async def reception_reminder_sweep(sf: Sessions, clock: Clock, *, rules: ReceptionRules,
                                   calendar: WorkCalendar, timezone: str,
                                   default_locale: str,
                                   send_batch: int = SEND_BATCH) -> ReceptionReminderSweep:
    """Run once at ``clock.now()``; return what it did."""
    now = clock.now()
    async with unit_of_work(sf) as uow:
        planned, cancelled = await plan_reminders(uow.store, now=now, rules=rules,
                                                  calendar=calendar, tz=timezone)
    async with unit_of_work(sf) as uow:
        dropped = await uow.store.drop_stale_reminders(KIND, before=now - rules.grace, now=now)
    for _, key in dropped:
        log.warning("reception: dropped reminder %s: it came due more than %g h ago (was the "
                    "bot down?)", key, rules.grace.total_seconds() / 3600)
    sent = messages = 0
    while True:
        async with unit_of_work(sf) as uow:
            run = await send_due_reminders(uow.store, now=now, tz=timezone,
                                           default_locale=default_locale, limit=send_batch)
        sent, messages = sent + run.sent, messages + run.messages
        if run.sent < send_batch:
            break
    if planned or cancelled or sent or dropped:
        log.info("reception: planned %d reminder(s), cancelled %d, dropped %d, sent %d as "
                 "%d message(s)", planned, cancelled, len(dropped), sent, messages)
    return ReceptionReminderSweep(planned, cancelled, len(dropped), sent, messages)
