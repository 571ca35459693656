"""Routing's load balancing and its admin-queue reasons, to the exact person and reason.

Written against the mutants of core/concerns/routing.py that survived ``make mutate``
(docs/testing.md): people missing from the load map count as idle, deputies and branch
secretaries are balanced by their own load, and every admin-queue decision names who was
passed over.
"""
from __future__ import annotations

from core.model import RequesterProfile, RoutingDecision, Zone, ZoneScope
from core.concerns.routing import RoutingContext, route_concern

STUDENT = RequesterProfile(person_id=99, dorm_building="3号楼", class_name="会计2301",
                           branch_code="B1", college_code="C1")


def _dorm(zone_id: int, member: int, deputy: int | None = None) -> Zone:
    return Zone(id=zone_id, category="logistics", scope=ZoneScope.DORM_BUILDING,
                value="3号楼", member_id=member, deputy_id=deputy)


def test_someone_missing_from_the_load_map_counts_as_idle() -> None:
    # Contact 5 has no open concern (absent from the map), contact 3 has one.
    ctx = RoutingContext(discipline_contacts=(3, 5))
    decision = route_concern("logistics", STUDENT, [], {3: 1}, ctx, concern_type="report")
    assert decision == RoutingDecision(5, None, "report:discipline_contact")


def test_a_report_with_every_contact_away_names_them_for_the_admins() -> None:
    ctx = RoutingContext(discipline_contacts=(3, 5), unavailable=frozenset({3, 5}))
    decision = route_concern("logistics", STUDENT, [], None, ctx, concern_type="report")
    assert decision == RoutingDecision(None, None, "report:no_discipline_contact:admin_queue",
                                       (3, 5))


def test_a_concern_about_an_unnamed_branch_with_no_committee_left() -> None:
    ctx = RoutingContext(college_committee=(40, 41), unavailable=frozenset({40, 41}))
    decision = route_concern("logistics", STUDENT, [_dorm(1, 11)], None, ctx,
                             about_member=True)
    assert decision == RoutingDecision(
        None, None, "conflict_of_interest:branch=unnamed:no_committee:admin_queue", (40, 41))


def test_a_concern_about_an_unnamed_branch_goes_to_the_committee() -> None:
    ctx = RoutingContext(college_committee=(40, 41))
    decision = route_concern("logistics", STUDENT, [_dorm(1, 11)], {40: 2}, ctx,
                             about_member=True)
    assert decision == RoutingDecision(
        41, None, "conflict_of_interest:branch=unnamed:college_committee")


def test_no_matching_zone_says_so() -> None:
    decision = route_concern("logistics", STUDENT, [])
    assert decision == RoutingDecision(None, None, "no_zone_match:admin_queue")


def test_the_least_loaded_deputy_takes_over_not_the_lowest_zone() -> None:
    # Both members are away. Zone 1's deputy 21 has two open concerns; zone 2's deputy
    # 22 has none (absent from the map). Members' loads point the other way.
    zones = [_dorm(1, 11, deputy=21), _dorm(2, 12, deputy=22)]
    ctx = RoutingContext(unavailable=frozenset({11, 12}))
    decision = route_concern("logistics", STUDENT, zones, {21: 2, 11: 0, 12: 5}, ctx)
    assert decision.member_id == 22
    assert decision.zone_id == 2
    assert decision.reason == ("deputy:member_unavailable:"
                               "zone:dorm_building=3号楼:category=logistics")


def test_equally_loaded_deputies_go_by_zone_id() -> None:
    zones = [_dorm(7, 11, deputy=21), _dorm(3, 12, deputy=22)]
    ctx = RoutingContext(unavailable=frozenset({11, 12}))
    decision = route_concern("logistics", STUDENT, zones, {21: 1, 22: 1}, ctx)
    assert (decision.member_id, decision.zone_id) == (22, 3)


def test_secretaries_are_tried_zone_by_zone_least_loaded_member_first() -> None:
    # Members and deputies away; each member's branch has its own secretary. The zone
    # of the member with fewer open concerns (12, none recorded) is tried first.
    zones = [_dorm(1, 11, deputy=21), _dorm(2, 12, deputy=22)]
    ctx = RoutingContext(unavailable=frozenset({11, 12, 21, 22}),
                         secretaries={11: (31,), 12: (32,)})
    decision = route_concern("logistics", STUDENT, zones, {11: 3}, ctx)
    assert decision == RoutingDecision(
        32, 2, "branch_secretary:member_and_deputy_unavailable:"
               "zone:dorm_building=3号楼:category=logistics")


def test_nobody_available_names_the_least_loaded_zone_and_everyone_passed_over() -> None:
    zones = [_dorm(1, 11, deputy=21), _dorm(2, 12)]
    ctx = RoutingContext(unavailable=frozenset({11, 12, 21, 31}), secretaries={11: (31,)})
    decision = route_concern("logistics", STUDENT, zones, {11: 4, 12: 1}, ctx)
    assert decision.member_id is None and decision.zone_id is None
    assert decision.reason == ("nobody_available:zone:dorm_building=3号楼:"
                               "category=logistics:admin_queue")
    # zone 2 (member 12, load 1) before zone 1 (member 11, load 4)
    assert decision.passed_over == (12, 11, 21, 31)


def test_an_idle_deputy_beats_one_with_a_single_open_concern() -> None:
    # Deputy 22 (zone 2) is absent from the load map: 0 open concerns, fewer than 21's one.
    zones = [_dorm(1, 11, deputy=21), _dorm(2, 12, deputy=22)]
    ctx = RoutingContext(unavailable=frozenset({11, 12}))
    decision = route_concern("logistics", STUDENT, zones, {21: 1}, ctx)
    assert (decision.member_id, decision.zone_id) == (22, 2)


def test_secretaries_of_an_idle_member_s_zone_are_tried_first() -> None:
    # Member 12 (zone 2) has no open concern recorded, member 11 has one.
    zones = [_dorm(1, 11), _dorm(2, 12)]
    ctx = RoutingContext(unavailable=frozenset({11, 12}), secretaries={11: (31,), 12: (32,)})
    decision = route_concern("logistics", STUDENT, zones, {11: 1}, ctx)
    assert (decision.member_id, decision.zone_id) == (32, 2)
