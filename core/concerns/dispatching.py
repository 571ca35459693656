"""Gathering what routing needs (availability, fallbacks) and routing a concern.

``core.concerns.routing`` stays pure; this module asks the store for the facts it needs and
hands them over, so intake and the re-dispatch after a roster import decide the same way.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from core.concerns.routing import RoutingContext, route_concern
from core.model import ConcernType, RequesterProfile, Role, RoutingDecision, Zone
from core.ports import RoutingStore


async def decide_route(store: RoutingStore, *, category: str, concern_type: str | None,
                       profile: RequesterProfile, now: datetime, about_member: bool = False,
                       about_branch_code: str | None = None,
                       exclude: Collection[int] = ()) -> RoutingDecision:
    """Route a concern: zones, availability and fallbacks from the store, rules from core.

    ``exclude``: people who must not get it (a member just deactivated), treated as
    unavailable so their zone's deputy or branch secretary takes over. The requester is
    always excluded: a zone's member who writes about their own building does not get
    their own concern as a task.
    """
    zones: list[Zone] = []
    discipline: list[int] = []
    committee: list[int] = []
    secretaries: dict[int, list[int]] = {}
    branch_of: dict[int, str | None] = {}
    if concern_type == ConcernType.REPORT.value:
        discipline = await store.people_with_role(Role.DISCIPLINE_CONTACT.value)
        candidates = list(discipline)
    elif about_member:
        college = (await store.college_of_unit(about_branch_code) if about_branch_code
                   else None) or profile.college_code
        if college:
            committee = await store.people_with_role_at(Role.COLLEGE_COMMITTEE.value, college)
        branch_of = await store.branches_of(committee)
        candidates = list(committee)
    else:
        zones = await store.active_zones(category)
        people = sorted({z.member_id for z in zones}
                        | {z.deputy_id for z in zones if z.deputy_id is not None})
        branches = await store.branches_of(people)
        for member in {z.member_id for z in zones}:
            branch = branches.get(member)
            secretaries[member] = (await store.people_with_role_at(
                Role.BRANCH_SECRETARY.value, branch) if branch else [])
        candidates = sorted(set(people) | {p for s in secretaries.values() for p in s})
    off = await store.unavailable_people(candidates, now) if candidates else set()
    load = await store.open_load(candidates) if candidates else {}
    excluded = frozenset(exclude) | {profile.person_id}
    context = RoutingContext(unavailable=frozenset(off) | excluded,
                             secretaries=secretaries, discipline_contacts=discipline,
                             college_committee=committee, branch_of=branch_of)
    return route_concern(category, profile, zones, load, context, concern_type=concern_type,
                         about_member=about_member, about_branch_code=about_branch_code)


#: Who answers for a unit's own concerns (a reception follow-up, 首办责任制): a functional
#: department's contact, a college's Party committee, a branch's secretary. A unit code has
#: one kind, so only one of these roles is held there.
UNIT_ROLES = (Role.FUNCTIONAL_CONTACT.value, Role.COLLEGE_COMMITTEE.value,
              Role.BRANCH_SECRETARY.value)
UNIT_REASON, UNIT_UNSTAFFED = "unit", "unit_unstaffed"


def owning_unit(routing_reason: str) -> str | None:
    """The unit code a concern owned by a unit was routed to (``unit:<code>``), or None."""
    kind, _, code = routing_reason.partition(":")
    return code if kind in (UNIT_REASON, UNIT_UNSTAFFED) and code else None


async def route_within_unit(store: RoutingStore, unit_code: str, *, exclude: Collection[int],
                            now: datetime) -> RoutingDecision:
    """The least loaded available responsible person of the unit; the admin queue (reason
    ``unit_unstaffed:<code>``) when it has none. The reason keeps the unit, so a later
    re-dispatch (the handler leaves the roster) stays within it."""
    people = [p for role in UNIT_ROLES for p in await store.people_with_role_at(role, unit_code)
              if p not in exclude]
    off = await store.unavailable_people(people, now) if people else set()
    free = [p for p in people if p not in off]
    load = await store.open_load(free) if free else {}
    pick = min(free, key=lambda p: (load.get(p, 0), p)) if free else None
    return RoutingDecision(pick, None, f"{UNIT_REASON if pick else UNIT_UNSTAFFED}:{unit_code}",
                           passed_over=tuple(sorted(off)))
