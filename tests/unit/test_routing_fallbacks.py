"""Routing beyond the zone match: away/unreachable members, deputies, the branch secretary,
the admin queue, 举报 and conflict of interest (core.concerns.routing.route_concern, pure)."""
from __future__ import annotations

from core.model import RequesterProfile, Zone, ZoneScope
from core.concerns.routing import RoutingContext, route_concern

STUDENT = RequesterProfile(person_id=99, dorm_building="3号楼", class_name="会计2301",
                           branch_code="B1", college_code="C1")
DORM = Zone(id=1, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼",
            member_id=11, deputy_id=21)
COLLEGE = Zone(id=4, category="logistics", scope=ZoneScope.COLLEGE, value="C1", member_id=14,
               deputy_id=24)


def _route(ctx: RoutingContext, zones: list[Zone] | None = None, **kw):  # noqa: ANN003, ANN202
    return route_concern("logistics", STUDENT, [DORM, COLLEGE] if zones is None else zones,
                         {}, ctx, **kw)


def test_available_member_gets_it_and_the_reason_names_the_zone() -> None:
    d = _route(RoutingContext())
    assert (d.member_id, d.zone_id) == (11, 1)
    assert d.reason.startswith("zone:dorm_building=3号楼")


def test_away_or_unreachable_member_hands_over_to_the_zone_deputy() -> None:
    d = _route(RoutingContext(unavailable=frozenset({11})))
    assert (d.member_id, d.zone_id) == (21, 1)  # the deputy of the same zone, not the college
    assert d.reason.startswith("deputy:member_unavailable:zone:dorm_building")


def test_an_available_peer_is_preferred_over_the_deputy() -> None:
    peer = Zone(id=2, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼",
                member_id=12, deputy_id=22)
    d = route_concern("logistics", STUDENT, [DORM, peer], {11: 0, 12: 9},
                      RoutingContext(unavailable=frozenset({11})))
    assert d.member_id == 12 and d.reason.startswith("zone:")


def test_member_and_deputy_away_falls_back_to_the_members_branch_secretary() -> None:
    ctx = RoutingContext(unavailable=frozenset({11, 21}), secretaries={11: [31, 32]})
    d = route_concern("logistics", STUDENT, [DORM], {31: 4, 32: 1}, ctx)
    assert d.member_id == 32  # least loaded secretary
    assert d.reason.startswith("branch_secretary:member_and_deputy_unavailable:zone:")


def test_nobody_available_goes_to_the_admin_queue_with_the_zone_in_the_reason() -> None:
    ctx = RoutingContext(unavailable=frozenset({11, 21, 31}), secretaries={11: [31]})
    d = _route(ctx, [DORM])
    assert d.member_id is None and d.zone_id is None
    assert d.reason.endswith(":admin_queue") and "dorm_building=3号楼" in d.reason


def test_zone_without_deputy_and_no_secretary_goes_to_the_admin_queue() -> None:
    z = Zone(id=5, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼", member_id=11)
    d = _route(RoutingContext(unavailable=frozenset({11})), [z])
    assert d.member_id is None and "admin_queue" in d.reason


def test_load_balancing_still_applies_among_available_peers() -> None:
    a = Zone(id=1, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼", member_id=41)
    b = Zone(id=2, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼", member_id=42)
    c = Zone(id=3, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼", member_id=43)
    ctx = RoutingContext(unavailable=frozenset({42}))
    assert route_concern("logistics", STUDENT, [a, b, c], {41: 5, 42: 0, 43: 2},
                         ctx).member_id == 43


def test_report_goes_only_to_a_discipline_contact_never_a_member() -> None:
    ctx = RoutingContext(discipline_contacts=[71, 72])
    d = _route(ctx, concern_type="report")
    assert d.member_id in (71, 72) and d.zone_id is None
    assert d.reason == "report:discipline_contact"
    assert route_concern("logistics", STUDENT, [DORM], {71: 3, 72: 1}, ctx,
                         concern_type="report").member_id == 72


def test_report_without_a_discipline_contact_is_queued_not_given_to_a_member() -> None:
    d = _route(RoutingContext(), concern_type="report")
    assert d.member_id is None and d.reason == "report:no_discipline_contact:admin_queue"


def test_concern_about_a_member_goes_to_the_college_committee_never_the_zone() -> None:
    ctx = RoutingContext(college_committee=[81, 82], branch_of={81: "B1", 82: "T1"})
    d = _route(ctx, about_member=True, about_branch_code="B1")
    assert d.member_id == 82  # 81 belongs to the named branch itself
    assert d.reason == "conflict_of_interest:branch=B1:college_committee"


def test_concern_about_a_member_without_a_branch_goes_to_the_college() -> None:
    ctx = RoutingContext(college_committee=[81])
    d = _route(ctx, about_member=True)
    assert d.member_id == 81 and "branch=unnamed" in d.reason


def test_concern_about_a_member_with_no_eligible_committee_is_queued() -> None:
    ctx = RoutingContext(college_committee=[81], branch_of={81: "B1"})
    d = _route(ctx, about_member=True, about_branch_code="B1")
    assert d.member_id is None and d.reason.endswith("admin_queue")
