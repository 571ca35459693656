"""Re-dispatching the open concerns of people who can no longer handle them.

When a roster import deactivates a member, each concern still waiting on them is routed
again with the usual rules, excluding them; a concern a unit owns (a reception follow-up,
首办责任制: routing reason ``unit:<code>``) stays within that unit. This is the system's own reassignment, not a
lifecycle action of a person, so it does not go through ``core.concerns.handling.act``: the
concern goes back to DISPATCHED (the new handler signs for it again) and the event
``redispatched`` records reason ``member_deactivated`` with the new routing reason.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from core.concerns.admin_queue import send_to_admin_queue
from core.concerns.anonymity import send_task_card
from core.concerns.dispatching import decide_route, owning_unit, route_within_unit
from core.concerns.deadlines import clock_change
from core.concerns.handling import restart_clocks, tell_requester
from core.model import ConcernStatus
from core.ports import Store
from core.types import Scalar, opt_str

S = ConcernStatus
#: Statuses in which the assigned member still has to act. RETURNED waits on the
#: secretary; REPLIED and REVISIT wait on the requester's 回访.
WAITING_ON_HANDLER = frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS,
                                S.EXTENSION_REQUESTED, S.REOPENED})


async def redispatch_from(store: Store, member_ids: Collection[int], *, now: datetime,
                          default_locale: str, reason: str = "member_deactivated") -> int:
    """Route again every open concern assigned to ``member_ids``; return how many moved."""
    moved = 0
    gone = set(member_ids)
    for cid in await store.open_concern_ids_of(sorted(gone)):
        c = await store.get_concern(cid)
        if c is None or c.status not in WAITING_ON_HANDLER:
            continue
        extra = await store.concern_fields(cid, "about_member", "about_branch_code",
                                           "routing_reason")
        profile = await store.requester_profile(c.requester_id)
        unit = owning_unit(str(extra.get("routing_reason") or ""))
        decision = await (route_within_unit(store, unit, exclude=gone | {c.requester_id},
                                            now=now) if unit else decide_route(
            store, category=c.category, concern_type=c.type, profile=profile, now=now,
            about_member=bool(extra.get("about_member")),
            about_branch_code=opt_str(extra.get("about_branch_code")), exclude=gone))
        status = S.DISPATCHED if decision.member_id else S.RECEIVED
        fields: dict[str, Scalar] = {
            "assigned_member_id": decision.member_id, "zone_id": decision.zone_id,
            "routing_reason": decision.reason, "status": status.value, "updated_at": now}
        # the new handler (or the admin queue) gets fresh accept and contact limits
        await restart_clocks(store, cid, clock_change(c.status, status, first_contact=False,
                                                      extension_approved=False),
                             fields, now=now)
        await store.update_concern(cid, **fields)
        await store.add_event(cid, "redispatched", from_status=c.status.value,
                              to_status=status.value, actor_id=None,
                              detail={"reason": reason, "routing_reason": decision.reason,
                                      "from_member_id": c.assigned_member_id,
                                      "member_id": decision.member_id}, now=now)
        if decision.member_id:
            await send_task_card(store, decision.member_id, concern_id=cid, number=c.number,
                                 category=c.category, type_=c.type, text=c.text,
                                 requester_id=c.requester_id, anonymous=c.anonymous,
                                 status=status, now=now, default_locale=default_locale)
        else:
            await send_to_admin_queue(store, concern_id=cid, number=c.number,
                                      category=c.category, type_=c.type, text=c.text,
                                      requester_id=c.requester_id, anonymous=c.anonymous,
                                      about_member=bool(extra.get("about_member")),
                                      about_branch_code=opt_str(extra.get("about_branch_code")),
                                      decision=decision, now=now,
                                      default_locale=default_locale)
        await tell_requester(store, c, "concern.redispatched", now=now,
                             default_locale=default_locale)
        moved += 1
    return moved
