"""Routing: which Party member is responsible for a concern. Pure functions."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from core.model import (
    ZONE_SPECIFICITY,
    ConcernType,
    RequesterProfile,
    RoutingDecision,
    Zone,
    ZoneScope,
)


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


@dataclass(frozen=True)
class RoutingContext:
    """Everything routing needs beyond the zones, resolved by the caller beforehand.

    ``unavailable``: people who are away (/away) or unreachable (no reachable channel
    identity), or excluded (deactivated). ``secretaries``: for each zone member (and
    deputy), the branch secretaries of *that person's* branch, the fallback when member
    and deputy are both unavailable. ``discipline_contacts``: for 举报 only.
    ``college_committee``: for a concern about a Party member, the committee of the
    college above the named branch (or of the requester's college). ``branch_of``: the
    branch of each candidate, so a conflicted concern never lands in the named branch.
    """

    unavailable: frozenset[int] = frozenset()
    secretaries: Mapping[int, Sequence[int]] = field(default_factory=dict)
    discipline_contacts: Sequence[int] = ()
    college_committee: Sequence[int] = ()
    branch_of: Mapping[int, str | None] = field(default_factory=dict)


def _zone_reason(z: Zone) -> str:
    return f"zone:{z.scope.value}={z.value}:category={z.category}"


def _least_loaded(people: Iterable[int], load: Mapping[int, int]) -> int | None:
    return min(people, key=lambda p: (load.get(p, 0), p), default=None)


def route_concern(
    category: str,
    profile: RequesterProfile,
    zones: Iterable[Zone],
    open_load: Mapping[int, int] | None = None,
    context: RoutingContext | None = None,
    *,
    concern_type: str | None = None,
    about_member: bool = False,
    about_branch_code: str | None = None,
) -> RoutingDecision:
    """Pick the responsible person for a new concern, with the reason for the choice.

    * 举报 (``concern_type == "report"``) goes only to a discipline contact (least
      loaded), never to a member; with none configured, to the admin queue.
    * A concern about a Party member goes to the college committee above the named branch
      (or the requester's college), never to anyone of that branch; no member zone is
      consulted. Nobody available: the admin queue.
    * Otherwise the most specific matching zone wins. Among equally specific matches, the
      available member with the fewest open concerns wins (ties: lowest zone id). When no
      peer's member is available (away, unreachable, deactivated), the zone's deputy takes
      over, then a branch secretary of the member's branch. No match, or nobody
      available, means the admin queue (``member_id=None``).
    """
    ctx = context or RoutingContext()
    load = open_load or {}
    off = ctx.unavailable
    if concern_type == ConcernType.REPORT.value:
        chosen = _least_loaded((p for p in ctx.discipline_contacts if p not in off), load)
        if chosen is None:
            return RoutingDecision(None, None, "report:no_discipline_contact:admin_queue",
                                   tuple(ctx.discipline_contacts))
        return RoutingDecision(chosen, None, "report:discipline_contact")
    if about_member:
        scope = f"branch={about_branch_code}" if about_branch_code else "branch=unnamed"
        candidates = [p for p in ctx.college_committee if p not in off
                      and (about_branch_code is None
                           or ctx.branch_of.get(p) != about_branch_code)]
        chosen = _least_loaded(candidates, load)
        if chosen is None:
            return RoutingDecision(None, None,
                                   f"conflict_of_interest:{scope}:no_committee:admin_queue",
                                   tuple(ctx.college_committee))
        return RoutingDecision(chosen, None, f"conflict_of_interest:{scope}:college_committee")
    hits = matching_zones(category, profile, zones)
    if not hits:
        return RoutingDecision(member_id=None, zone_id=None, reason="no_zone_match:admin_queue")
    best = hits[0]
    peers = [z for z in hits if ZONE_SPECIFICITY[z.scope] == ZONE_SPECIFICITY[best.scope]
             and (z.category == "*") == (best.category == "*")]
    present = [z for z in peers if z.member_id not in off]
    if present:
        zone = min(present, key=lambda z: (load.get(z.member_id, 0), z.id))
        return RoutingDecision(member_id=zone.member_id, zone_id=zone.id,
                               reason=_zone_reason(zone))
    ordered = sorted(peers, key=lambda z: (load.get(z.member_id, 0), z.id))
    deputies = [z for z in ordered if z.deputy_id is not None and z.deputy_id not in off]
    if deputies:
        z = min(deputies, key=lambda z: (load.get(z.deputy_id or 0, 0), z.id))
        return RoutingDecision(member_id=z.deputy_id, zone_id=z.id,
                               reason=f"deputy:member_unavailable:{_zone_reason(z)}")
    for z in ordered:
        sec = _least_loaded((p for p in ctx.secretaries.get(z.member_id, ())
                             if p not in off and p != z.member_id), load)
        if sec is not None:
            return RoutingDecision(member_id=sec, zone_id=z.id,
                                   reason=f"branch_secretary:member_and_deputy_unavailable:"
                                          f"{_zone_reason(z)}")
    people = [p for z in ordered for p in (z.member_id, z.deputy_id,
                                            *ctx.secretaries.get(z.member_id, ())) if p]
    return RoutingDecision(member_id=None, zone_id=None,
                           reason=f"nobody_available:{_zone_reason(ordered[0])}:admin_queue",
                           passed_over=tuple(dict.fromkeys(people)))
