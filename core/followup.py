"""回访 sweeps: ask for the follow-up when it is due; close what nobody answered."""
from __future__ import annotations

from datetime import datetime

from core.cards import revisit_buttons
from core.handling import act, tell_requester
from core.lifecycle import Action
from core.ports import Store


async def start_revisits(store: Store, *, now: datetime, default_locale: str) -> int:
    """Sweep: ask the requester of each replied concern whose follow-up is due."""
    started = 0
    for cid in await store.due_revisits(now):
        done = await act(store, now=now, person_id=None, concern_id=cid,
                         action=Action.START_REVISIT, extra={"revisit_sent_at": now})
        await tell_requester(store, done.concern, "revisit.q_contacted", now=now,
                             default_locale=default_locale, buttons=revisit_buttons(cid, "c"))
        started += 1
    return started


async def close_unanswered(store: Store, *, now: datetime, sent_before: datetime,
                           default_locale: str) -> int:
    """Sweep: a follow-up nobody answered in time closes as "no valid follow-up"."""
    closed = 0
    for cid in await store.unanswered_revisits(sent_before):
        done = await act(store, now=now, person_id=None, concern_id=cid,
                         action=Action.CLOSE_NO_ANSWER, extra={"close_reason": "no_answer"})
        await tell_requester(store, done.concern, "revisit.closed_no_answer", now=now,
                             default_locale=default_locale)
        closed += 1
    return closed


