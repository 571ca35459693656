"""Roster validation rules (core.people.roster_validation): every bad row is reported with sheet, line and column.

Problems are locale keys with parameters; these tests read them as the English catalogue
renders them."""
from __future__ import annotations

import copy

import pytest

from core.model import PersonKind, Role, UnitClass, UnitKind, ZoneScope
from core.people.roster import RosterInvalid, RosterProblem, RosterRow
from core.people.roster_validation import validate_roster
from locales import Catalog

CATALOG = Catalog.load()

M1, M2, S3 = "2023000001", "2023000002", "2023000003"  # two party members, one student

BASE: dict[str, list[dict[str, str]]] = {
    "units": [
        {"code": "U", "name": "示范大学", "kind": "university", "parent_code": "", "unit_class": ""},
        {"code": "C1", "name": "会计学院", "kind": "college", "parent_code": "U", "unit_class": ""},
        {"code": "B1", "name": "本科生党支部", "kind": "branch", "parent_code": "C1", "unit_class": "student"},
        {"code": "F1", "name": "后勤保障处", "kind": "functional", "parent_code": "U",
         "unit_class": "admin_logistics"},
    ],
    "people": [
        {"number": M1, "name": "王一", "kind": "student", "unit_code": "B1", "grade": "2023",
         "class_name": "会计2301", "dorm_building": "1号楼", "dorm_room": "305", "phone": ""},
        {"number": M2, "name": "李二", "kind": "staff", "unit_code": "B1", "grade": "",
         "class_name": "", "dorm_building": "", "dorm_room": "", "phone": "13800138000"},
        {"number": S3, "name": "张三", "kind": "student", "unit_code": "B1", "grade": "2023",
         "class_name": "会计2301", "dorm_building": "2号楼", "dorm_room": "101", "phone": ""},
    ],
    "roles": [
        {"number": M1, "role": "party_member", "unit_code": "B1"},
        {"number": M2, "role": "party_member", "unit_code": "B1"},
        {"number": M2, "role": "branch_secretary", "unit_code": "B1"},
    ],
    "zones": [
        {"code": "Z1", "name": "1号楼后勤", "category": "logistics", "scope": "dorm_building",
         "value": "1号楼", "member_number": M1, "deputy_number": M2},
        {"code": "Z2", "name": "学院兜底", "category": "*", "scope": "college", "value": "C1",
         "member_number": M2, "deputy_number": ""},
    ],
}


def sheets(data: dict[str, list[dict[str, str]]]) -> dict[str, list[RosterRow]]:
    """Rows as the reader gives them: the header is line 1, data starts on line 2."""
    return {name: [RosterRow(name, i + 2, dict(v)) for i, v in enumerate(rows)]
            for name, rows in data.items()}


def problems(data: dict[str, list[dict[str, str]]]) -> list[tuple[str, int, str, str]]:
    with pytest.raises(RosterInvalid) as caught:
        validate_roster(sheets(data))
    return [(p.sheet, p.line, p.column, CATALOG.render_plain("en", p.key, p.params))
            for p in caught.value.problems]


def changed(sheet: str, index: int, **values: str) -> dict[str, list[dict[str, str]]]:
    data = copy.deepcopy(BASE)
    data[sheet][index].update(values)
    return data


def test_valid_roster_is_parsed_into_typed_entries():
    roster = validate_roster(sheets(BASE))
    assert [u.code for u in roster.units] == ["U", "C1", "B1", "F1"]
    assert roster.units[2].kind is UnitKind.BRANCH and roster.units[2].unit_class is UnitClass.STUDENT
    assert roster.units[0].parent_code is None and roster.units[1].unit_class is None
    m1 = roster.people[0]
    assert (m1.number, m1.kind, m1.dorm_building, m1.phone) == (M1, PersonKind.STUDENT, "1号楼", None)
    assert {(r.number, r.role) for r in roster.roles} == {
        (M1, Role.PARTY_MEMBER), (M2, Role.PARTY_MEMBER), (M2, Role.BRANCH_SECRETARY)}
    assert roster.zones[0].scope is ZoneScope.DORM_BUILDING and roster.zones[0].deputy_number == M2
    assert roster.zones[1].category == "*" and roster.zones[1].deputy_number is None


def test_enum_values_are_case_insensitive():
    roster = validate_roster(sheets(changed("people", 2, kind=" Student")))
    assert roster.people[2].kind is PersonKind.STUDENT


@pytest.mark.parametrize(("sheet", "index", "values", "expected"), [
    # units
    ("units", 1, {"name": ""}, ("units", 3, "name", "required value is empty")),
    ("units", 2, {"parent_code": "X9"}, ("units", 4, "parent_code", "unknown parent code 'X9'")),
    ("units", 2, {"parent_code": "U"}, ("units", 4, "parent_code",
                                        "a branch's parent must be a college, but 'U' is a university")),
    ("units", 1, {"parent_code": "B1"}, ("units", 3, "parent_code",
                                         "a college's parent must be a university, but 'B1' is a branch")),
    ("units", 1, {"parent_code": ""}, ("units", 3, "parent_code",
                                       "required value is empty (a college needs a parent)")),
    ("units", 0, {"parent_code": "C1"}, ("units", 2, "parent_code", "the university cannot have a parent")),
    ("units", 3, {"kind": "campus"}, ("units", 5, "kind", "unknown unit kind 'campus' (expected "
                                      "one of: university 学校, college 学院, branch 党支部, "
                                      "functional 职能部门)")),
    ("units", 2, {"unit_class": "mixed"}, ("units", 4, "unit_class", "unknown unit class 'mixed' "
                                           "(expected one of: student 学生支部, staff 教工支部, "
                                           "admin_logistics 机关后勤)")),
    ("units", 2, {"unit_class": ""}, ("units", 4, "unit_class",
                                      "a branch needs a unit class (student 学生支部, staff 教工支部, "
                                      "admin_logistics 机关后勤)")),
    ("units", 3, {"code": "C1"}, ("units", 5, "code", "duplicate unit code 'C1' (first on line 3)")),
    ("units", 1, {"name": "学" * 201}, ("units", 3, "name", "too long (at most 200 characters)")),
    # people
    ("people", 2, {"number": M1}, ("people", 4, "number", f"duplicate person number '{M1}' (first on line 2)")),
    ("people", 2, {"kind": "teacher"}, ("people", 4, "kind", "unknown person kind 'teacher' "
                                        "(expected one of: student 学生, staff 教职工)")),
    ("people", 2, {"unit_code": "X9"}, ("people", 4, "unit_code", "unknown unit code 'X9'")),
    ("people", 2, {"number": "2.02301E+09"}, ("people", 4, "number", "number '2.02301E+09' was "
                                              "reformatted by Excel; format the column as text and type the number again")),
    ("people", 2, {"number": "2023 0003"}, ("people", 4, "number",
                                            "number '2023 0003' may hold only letters, digits, '-' and '_'")),
    # roles
    ("roles", 2, {"number": "999"}, ("roles", 4, "number", "unknown person number '999'")),
    ("roles", 2, {"role": "boss"}, ("roles", 4, "role", "unknown role 'boss' (expected one of: student, staff, "
                                    "party_member 党员, branch_secretary 支部书记, college_committee 学院党委, "
                                    "counsellor 辅导员, psych_centre 心理中心, crisis_team 危机干预小组, "
                                    "functional_contact 职能部门联系人, discipline_contact 纪委联系人, "
                                    "identity_supervisor 身份监督人, leader 校领导, admin 组织部管理员)")),
    ("roles", 0, {"unit_code": "X9"}, ("roles", 2, "unit_code", "unknown unit code 'X9'")),
    ("roles", 2, {"unit_code": "C1"}, ("roles", 4, "unit_code",
                                       "a branch_secretary must sit on a branch, but 'C1' is a college")),
    ("roles", 2, {"role": "party_member"}, ("roles", 4, "role",
                                            f"duplicate role party_member of '{M2}' on 'B1' (first on line 3)")),
    # zones
    ("zones", 1, {"code": "Z1"}, ("zones", 3, "code", "duplicate zone code 'Z1' (first on line 2)")),
    ("zones", 0, {"category": "food"}, ("zones", 2, "category", "unknown category 'food' (expected one of: "
                                        "* 全部, logistics 后勤生活, academic 教学教务, student_affairs 学生事务, "
                                        "employment 就业实习, safety 校园安全, it 网络与信息化, health 医疗健康, "
                                        "psych 心理健康, staff_affairs 教职工事务, finance 财务报销, "
                                        "policy 校务公开/政策咨询, party 党务, suggestion 意见建议/表扬, "
                                        "report 举报)")),
    ("zones", 0, {"scope": "floor"}, ("zones", 2, "scope", "unknown zone scope 'floor' (expected one of: "
                                      "dorm_building 宿舍楼, class 班级, branch 支部, college 学院)")),
    ("zones", 1, {"value": "X9"}, ("zones", 3, "value", "unknown college code 'X9'")),
    ("zones", 1, {"scope": "branch"}, ("zones", 3, "value", "'C1' is a college, not a branch")),
    ("zones", 0, {"member_number": "999"}, ("zones", 2, "member_number", "unknown member number '999'")),
    ("zones", 0, {"member_number": S3}, ("zones", 2, "member_number",
                                         f"member '{S3}' does not hold the party_member role")),
    ("zones", 0, {"deputy_number": "999"}, ("zones", 2, "deputy_number", "unknown deputy number '999'")),
    ("zones", 0, {"deputy_number": M1}, ("zones", 2, "deputy_number",
                                         "the deputy is the same person as the member")),
    ("zones", 0, {"member_number": ""}, ("zones", 2, "member_number", "required value is empty")),
])
def test_a_bad_value_is_reported_at_its_cell(sheet, index, values, expected):
    assert problems(changed(sheet, index, **values)) == [expected]


def test_every_bad_row_is_reported_in_file_order():
    data = copy.deepcopy(BASE)
    data["units"][2]["parent_code"] = "X9"
    data["people"][0]["kind"] = "teacher"
    data["people"][2]["unit_code"] = "X8"
    data["roles"][2]["role"] = "boss"
    data["zones"][0]["category"] = "food"
    data["zones"][1]["value"] = "X7"
    found = problems(data)
    assert [(s, line, col) for s, line, col, _ in found] == [
        ("units", 4, "parent_code"), ("people", 2, "kind"), ("people", 4, "unit_code"),
        ("roles", 4, "role"), ("zones", 2, "category"), ("zones", 3, "value")]


def test_a_bad_person_row_is_not_reported_again_where_it_is_referenced():
    # M1's row is bad, but roles and zones naming M1 must not add "unknown person" noise.
    assert problems(changed("people", 0, kind="teacher")) == [
        ("people", 2, "kind", "unknown person kind 'teacher' (expected one of: student 学生, "
                              "staff 教职工)")]


def test_missing_sheet_is_reported_on_line_0():
    data = copy.deepcopy(BASE)
    del data["zones"], data["roles"]
    assert problems(data) == [("roles", 0, "", "missing sheet 'roles' (or '角色')"),
                              ("zones", 0, "", "missing sheet 'zones' (or '责任区')")]


def test_missing_column_is_reported_on_the_header_line():
    data = copy.deepcopy(BASE)
    for row in data["people"]:
        del row["kind"]
    for row in data["people"]:
        del row["phone"]  # optional: its absence is fine
    assert problems(data) == [("people", 1, "kind", "missing column 'kind' (or '人员类别')")]


def test_exactly_one_university():
    data = copy.deepcopy(BASE)
    data["units"].append({"code": "U2", "name": "另一所", "kind": "university",
                          "parent_code": "", "unit_class": ""})
    assert problems(data) == [("units", 6, "kind", "only one university unit is allowed "
                                                   "(first: 'U' on line 2)")]
    data = changed("units", 0, kind="college")
    assert ("units", 0, "kind", "no unit of kind 'university'") in problems(data)


def test_functional_units_may_nest_but_not_in_a_loop():
    data = copy.deepcopy(BASE)
    data["units"].append({"code": "F2", "name": "饮食中心", "kind": "functional",
                          "parent_code": "F1", "unit_class": "admin_logistics"})
    validate_roster(sheets(data))  # nesting is fine
    data["units"][3]["parent_code"] = "F2"
    assert problems(data) == [
        ("units", 5, "parent_code", "the parent chain of 'F1' loops back on itself"),
        ("units", 6, "parent_code", "the parent chain of 'F2' loops back on itself")]


def test_problems_print_as_sheet_line_column_key_for_logs():
    problem = RosterProblem("people", 7, "kind", "roster_problem.unknown_person_kind", {"value": "x"})
    assert str(problem) == "people:7 [kind]: roster_problem.unknown_person_kind {'value': 'x'}"
    assert str(RosterProblem("zones", 0, "", "roster_problem.missing_sheet")) == \
        "zones:0: roster_problem.missing_sheet {}"
