"""Routing: which Party member is responsible for a concern. Pure functions."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from core.model import ZONE_SPECIFICITY, RequesterProfile, RoutingDecision, Zone, ZoneScope


def _profile_value(profile: RequesterProfile, scope: ZoneScope) -> str | None:
    return {
        ZoneScope.DORM_BUILDING: profile.dorm_building,
        ZoneScope.CLASS: profile.class_name,
        ZoneScope.BRANCH: profile.branch_code,
        ZoneScope.COLLEGE: profile.college_code,
    }[scope]


def matching_zones(category: str, profile: RequesterProfile, zones: Iterable[Zone]) -> list[Zone]:
    """Zones that cover this category and this requester, most specific first.

    An exact category match beats a wildcard ("*") zone of the same scope.
    """
    hits = [
        z
        for z in zones
        if z.category in (category, "*")
        and (v := _profile_value(profile, z.scope)) is not None
        and v.strip().casefold() == z.value.strip().casefold()
    ]
    hits.sort(key=lambda z: (ZONE_SPECIFICITY[z.scope], z.category == "*", z.id))
    return hits


def route_concern(
    category: str,
    profile: RequesterProfile,
    zones: Iterable[Zone],
    open_load: Mapping[int, int] | None = None,
) -> RoutingDecision:
    """Pick the responsible member for a new concern.

    The most specific matching zone wins. Among equally specific matches, the member
    with the fewest open concerns wins (ties: lowest zone id, so the result is stable).
    No match means the admin queue (``member_id=None``).
    """
    hits = matching_zones(category, profile, zones)
    if not hits:
        return RoutingDecision(member_id=None, zone_id=None, reason="no_zone_match:admin_queue")
    best = hits[0]
    peers = [z for z in hits if ZONE_SPECIFICITY[z.scope] == ZONE_SPECIFICITY[best.scope]
             and (z.category == "*") == (best.category == "*")]
    load = open_load or {}
    chosen = min(peers, key=lambda z: (load.get(z.member_id, 0), z.id))
    return RoutingDecision(
        member_id=chosen.member_id,
        zone_id=chosen.id,
        reason=f"zone:{chosen.scope.value}={chosen.value}:category={chosen.category}",
    )
