"""Whom a dispatch picker offers: people who can take a concern now.

A picker (the admin queue's buttons, the secretary's after a 退单) never offers someone
who is away (/away), has no working chat account, or has left the roster, nor the member
who just handed the concern back. The press is checked against a wider list (everyone
the picker could have offered), since availability changes between drawing and pressing.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from core.model import Role
from core.ports import ConcernRecord, RoutingStore


async def available_people(store: RoutingStore, people: list[int], now: datetime, *,
                           exclude: Collection[int] = ()) -> list[int]:
    """The ones among ``people`` a concern can go to now, in order: active, with a chat
    account that works, not away, and not in ``exclude``."""
    people = await store.reachable_people([p for p in dict.fromkeys(people)
                                           if p not in exclude])
    off = await store.unavailable_people(people, now) if people else set()
    return [p for p in people if p not in off]


async def _members_of(store: RoutingStore, branches: list[str]) -> list[int]:
    people: list[int] = []
    for branch in branches:
        people += await store.people_with_role_at(Role.PARTY_MEMBER.value, branch)
    return list(dict.fromkeys(people))


async def _college_branches(store: RoutingStore, concern: ConcernRecord) -> list[str]:
    if not concern.college_code:
        return []
    return [b for b in await store.branch_codes_of_college(concern.college_code)
            if b != concern.branch_code]


async def redispatch_allowed(store: RoutingStore, concern: ConcernRecord) -> list[int]:
    """Whom a secretary's press may re-dispatch a returned concern to: the Party members
    of its branch, then of its college's other branches."""
    return await _members_of(store, [concern.branch_code or ""]
                             + await _college_branches(store, concern))


async def redispatch_offer(store: RoutingStore, concern: ConcernRecord, now: datetime, *,
                           returned_by: int | None) -> tuple[list[int], bool]:
    """Whom the secretary's picker offers after ``returned_by`` handed the concern back:
    the branch's members who can take it now; if none, those of the college's other
    branches. Returns them and whether they come from outside the branch."""
    exclude = {returned_by} if returned_by is not None else set()
    own = await available_people(store, await _members_of(store, [concern.branch_code or ""]),
                                 now, exclude=exclude)
    if own:
        return own, False
    wider = await _members_of(store, await _college_branches(store, concern))
    return await available_people(store, wider, now, exclude=exclude), True
