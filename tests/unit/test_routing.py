"""Routing (core.concerns.routing.route_concern): who becomes responsible for a new concern."""
from __future__ import annotations

import pytest

from core.model import RequesterProfile, Zone, ZoneScope
from core.concerns.routing import route_concern

#: A student in building 3, class 会计2301, branch B1, college C1.
STUDENT = RequesterProfile(person_id=99, dorm_building="3号楼", class_name="会计2301",
                           branch_code="B1", college_code="C1")

DORM = Zone(id=1, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼", member_id=11)
CLASS = Zone(id=2, category="logistics", scope=ZoneScope.CLASS, value="会计2301", member_id=12)
BRANCH = Zone(id=3, category="logistics", scope=ZoneScope.BRANCH, value="B1", member_id=13)
COLLEGE = Zone(id=4, category="logistics", scope=ZoneScope.COLLEGE, value="C1", member_id=14)


@pytest.mark.parametrize(
    ("zones", "member"),
    [
        ([COLLEGE, BRANCH, CLASS, DORM], 11),  # the dorm building beats everything
        ([COLLEGE, BRANCH, CLASS], 12),  # class beats branch and college
        ([COLLEGE, BRANCH], 13),  # branch beats college
        ([COLLEGE], 14),
    ],
    ids=["dorm_building", "class", "branch", "college"],
)
def test_most_specific_scope_wins(zones: list[Zone], member: int) -> None:
    # Zone order in the input must not matter, only the scope.
    for ordering in (zones, list(reversed(zones))):
        decision = route_concern("logistics", STUDENT, ordering)
        assert decision.member_id == member
        assert decision.zone_id == next(z.id for z in zones if z.member_id == member)


def test_specific_scope_wins_even_with_a_wildcard_category() -> None:
    # A wildcard dorm zone is still more specific than an exact-category college zone.
    wild_dorm = Zone(id=7, category="*", scope=ZoneScope.DORM_BUILDING, value="3号楼", member_id=17)
    decision = route_concern("logistics", STUDENT, [COLLEGE, wild_dorm])
    assert decision.member_id == 17


def test_exact_category_beats_wildcard_in_the_same_scope() -> None:
    wildcard = Zone(id=1, category="*", scope=ZoneScope.COLLEGE, value="C1", member_id=21)
    exact = Zone(id=9, category="academic", scope=ZoneScope.COLLEGE, value="C1", member_id=22)
    # The wildcard has the lower id and the lower load: only the category can make it lose.
    decision = route_concern("academic", STUDENT, [wildcard, exact], {21: 0, 22: 50})
    assert decision.member_id == 22
    assert decision.zone_id == 9


def test_wildcard_covers_a_category_without_its_own_zone() -> None:
    wildcard = Zone(id=1, category="*", scope=ZoneScope.COLLEGE, value="C1", member_id=21)
    other = Zone(id=2, category="academic", scope=ZoneScope.COLLEGE, value="C1", member_id=22)
    decision = route_concern("health", STUDENT, [wildcard, other])
    assert decision.member_id == 21


def test_zones_for_another_category_or_place_do_not_match() -> None:
    zones = [
        Zone(id=1, category="academic", scope=ZoneScope.DORM_BUILDING, value="3号楼", member_id=31),
        Zone(id=2, category="logistics", scope=ZoneScope.DORM_BUILDING, value="4号楼", member_id=32),
        Zone(id=3, category="logistics", scope=ZoneScope.COLLEGE, value="C1", member_id=33),
    ]
    assert route_concern("logistics", STUDENT, zones).member_id == 33


def test_equally_specific_zones_share_work_by_open_load() -> None:
    a = Zone(id=1, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼", member_id=41)
    b = Zone(id=2, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼", member_id=42)
    c = Zone(id=3, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼", member_id=43)
    assert route_concern("logistics", STUDENT, [a, b, c], {41: 5, 42: 2, 43: 7}).member_id == 42
    assert route_concern("logistics", STUDENT, [a, b, c], {41: 1, 42: 2, 43: 7}).member_id == 41
    # A member missing from the load map has no open concerns.
    assert route_concern("logistics", STUDENT, [a, b, c], {41: 1, 42: 2}).member_id == 43


def test_load_does_not_override_specificity() -> None:
    # The dorm member is swamped, the college member idle: the dorm member still gets it.
    decision = route_concern("logistics", STUDENT, [DORM, COLLEGE], {11: 100, 14: 0})
    assert decision.member_id == 11


def test_equal_load_ties_break_on_lowest_zone_id_whatever_the_order() -> None:
    late = Zone(id=8, category="logistics", scope=ZoneScope.CLASS, value="会计2301", member_id=51)
    early = Zone(id=5, category="logistics", scope=ZoneScope.CLASS, value="会计2301", member_id=52)
    for zones in ([late, early], [early, late]):
        decision = route_concern("logistics", STUDENT, zones, {51: 3, 52: 3})
        assert (decision.member_id, decision.zone_id) == (52, 5)
    # No load figures at all: same stable answer.
    assert route_concern("logistics", STUDENT, [late, early]).zone_id == 5


@pytest.mark.parametrize(
    "profile",
    [
        STUDENT,
        # A requester with nothing known about them (an empty profile) matches nothing.
        RequesterProfile(person_id=1),
    ],
    ids=["no_zone_for_place", "empty_profile"],
)
def test_no_match_goes_to_the_admin_queue(profile: RequesterProfile) -> None:
    zones = [Zone(id=1, category="logistics", scope=ZoneScope.COLLEGE, value="C9", member_id=61),
             Zone(id=2, category="academic", scope=ZoneScope.DORM_BUILDING, value="3号楼",
                  member_id=62)]
    decision = route_concern("logistics", profile, zones)
    assert decision.member_id is None
    assert decision.zone_id is None
    assert "admin_queue" in decision.reason


def test_no_zones_at_all_goes_to_the_admin_queue() -> None:
    decision = route_concern("logistics", STUDENT, [])
    assert decision.member_id is None
    assert "admin_queue" in decision.reason


def test_matched_reason_names_the_zone_not_the_admin_queue() -> None:
    decision = route_concern("logistics", STUDENT, [CLASS])
    assert "admin_queue" not in decision.reason
    assert "class" in decision.reason and "会计2301" in decision.reason


@pytest.mark.parametrize(
    ("zone_value", "profile_value", "scope"),
    [
        (" b1 ", "B1", ZoneScope.BRANCH),
        ("c1", "  C1", ZoneScope.COLLEGE),
        ("Building 3", "building 3 ", ZoneScope.DORM_BUILDING),
        ("ACC2301", "acc2301", ZoneScope.CLASS),
    ],
)
def test_values_match_ignoring_case_and_surrounding_spaces(
        zone_value: str, profile_value: str, scope: ZoneScope) -> None:
    field = {ZoneScope.BRANCH: "branch_code", ZoneScope.COLLEGE: "college_code",
             ZoneScope.DORM_BUILDING: "dorm_building", ZoneScope.CLASS: "class_name"}[scope]
    profile = RequesterProfile(person_id=1, **{field: profile_value})
    zone = Zone(id=1, category="logistics", scope=scope, value=zone_value, member_id=71)
    assert route_concern("logistics", profile, [zone]).member_id == 71


def test_value_match_is_not_a_substring_match() -> None:
    profile = RequesterProfile(person_id=1, dorm_building="13号楼")
    zone = Zone(id=1, category="logistics", scope=ZoneScope.DORM_BUILDING, value="3号楼",
                member_id=81)
    assert route_concern("logistics", profile, [zone]).member_id is None
