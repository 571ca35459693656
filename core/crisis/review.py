"""The second tier of crisis wording: a "needs review" item, and its upgrade to P0.

Possible distress (core.crisis.assess gives ``review``: indirect wording without clear
intent, a topic mention in a class or news context, a follow-up that only makes sense
after earlier messages, or a classifier hit) opens a crisis case with tier ``review``:

* the writer gets a caring reply with the hotlines at once, and their message goes on
  along the ordinary path (a concern routes normally, a relay is delivered);
* only the crisis team sees the item. Its first page goes to the level-0 people (the duty
  counsellor and the psych centre) with a "review" button, but never in the quiet hours
  (``CrisisRules.quiet``): an item opened at night waits, and ``release_held`` pages it
  when the quiet hours end;
* it must be reviewed (acknowledged) within ``review_hours`` of opening, or it climbs the
  ladder like an unacknowledged page (core.crisis.paging), whatever the hour;
* clear intent from the same person while the item is open upgrades it to a P0 case
  (``upgrade``): everyone already paged is paged again as for a crisis, with the crisis
  limit, and the level-0 people are paged at once if the item was still held.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from core.crisis.paging import CrisisRules, page_level, page_reply
from core.model import ConcernStatus, Lane, Urgency
from core.notify import notify_person
from core.ports import CrisisCase, Store
from core.replies import Reply


async def page_or_hold(store: Store, case: CrisisCase, *, now: datetime,
                       rules: CrisisRules) -> list[int]:
    """Page a new review item's level 0, or hold it for the morning; the levels paged."""
    if rules.quiet(now) and now < (case.created_at or now) + rules.review_limit:
        await store.add_event(case.id, "crisis_review_held", from_status=None,
                              to_status=None, actor_id=None, detail={}, now=now)
        return []
    return await page_level(store, case, 0, now=now, rules=rules, reason="opened")


async def release_held(store: Store, *, now: datetime, rules: CrisisRules) -> int:
    """Page every held review item whose quiet hours are over (or whose review limit has
    run out meanwhile); return how many were paged."""
    done = 0
    for case in await store.held_reviews():
        if rules.quiet(now) and now < (case.created_at or now) + rules.review_limit:
            continue
        await page_level(store, case, 0, now=now, rules=rules, reason="opened")
        done += 1
    return done


async def forget_old_memory(store: Store, *, now: datetime, rules: CrisisRules) -> int:
    """Drop the crisis memory (the risk level and the last messages) of every chat silent
    for ``risk_hours``: by then it has lapsed (decision 0013), so nothing is kept longer."""
    return await store.forget_crisis_states(now - timedelta(hours=rules.risk_hours))


async def upgrade(store: Store, case: CrisisCase, *, now: datetime, rules: CrisisRules,
                  text: str) -> None:
    """Clear intent from the person of an open review item: it becomes a P0 case now."""
    await store.update_concern(case.id, crisis_tier="crisis", urgency=Urgency.P0.value,
                               updated_at=now)
    await store.add_event(case.id, "crisis_upgraded", from_status=None, to_status=None,
                          actor_id=case.requester_id, detail={"text": text}, now=now)
    read = await store.crisis_case(case.id)
    assert read is not None  # the case was just read
    # The pages show what made it a crisis, after the words that opened the item.
    fresh = replace(read, text=f"{read.text}\n→ {text}")
    if ConcernStatus(fresh.status) != ConcernStatus.DISPATCHED:
        return  # already taken: the caller tells the person who took it
    pages = await store.crisis_pages(case.id)
    if not pages:  # held for the night: page level 0 now, as a crisis
        await page_level(store, fresh, 0, now=now, rules=rules, reason="upgraded")
        return
    await store.reset_crisis_deadline(case.id, now + rules.ack_limit)
    subject = await store.crisis_subject(fresh.requester_id)
    current = max(p.level for p in pages)
    for person in dict.fromkeys(p.person_id for p in pages if p.level == current):
        await notify_person(store, person, page_reply(fresh, subject, current, "upgraded"),
                            lane=Lane.CRISIS, now=now, default_locale=rules.default_locale)
        await store.audit("crisis_identity_access", person, {
            "concern_id": case.id, "level": current, "subject_id": fresh.requester_id,
            "reason": "upgraded"}, now)


def caring_review_reply(rules: CrisisRules) -> Reply:
    """What the writer of a review-tier message gets: care and the hotlines, gently."""
    if rules.school_hotline.strip():
        return Reply("crisis.caring_review_with_school", {
            "national": rules.national_hotline, "school": rules.school_hotline.strip()})
    return Reply("crisis.caring_review", {"national": rules.national_hotline})
