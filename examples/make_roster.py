"""Generate examples/roster.xlsx: the roster of the fictional 示范大学 (code DEMO).

Run: .venv/bin/python examples/make_roster.py [out.xlsx]

Everything is derived from fixed lists (no randomness), so the file is the same every
run. The workbook is written like an export (storage/people/roster/workbook.py): every
column is text, so numbers typed later keep their leading zeros; enumerated columns have
drop-downs; the 说明 sheet documents every column with its Chinese header. The sheet names
and codes stay English (``people``, ``leader``, ...), so scripts that read it keep working.
"""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from storage.people.roster.workbook import write_roster_workbook  # noqa: E402

COLUMNS = {
    "units": ["code", "name", "kind", "parent_code", "unit_class"],
    "people": ["number", "name", "kind", "unit_code", "grade", "class_name",
               "dorm_building", "dorm_room", "phone"],
    "roles": ["number", "role", "unit_code", "contact_units"],
    "zones": ["code", "name", "category", "scope", "value", "member_number", "deputy_number"],
    "calendar": ["from", "to", "status", "label"],
    "reception": ["code", "leader", "place", "repeat", "weekday", "start", "end", "capacity",
                  "cutoff", "holiday_policy", "accompany", "contact_unit", "nth"],
    "reception_dates": ["schedule", "date", "action", "new_date", "start", "end"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["子涵", "欣怡", "浩然", "梓轩", "雨桐", "一诺", "思远", "佳琪", "俊杰", "诗雨",
         "明轩", "若曦", "宇航", "嘉怡", "博文", "晓彤", "天佑", "紫萱", "志强", "静怡"]
COLLEGES = [  # code, name, classes (grade, class name, branch suffix)
    ("ACC", "会计学院", [("2023", "会计2301", "S1"), ("2022", "会计2201", "S1")]),
    ("ECO", "经济学院", [("2023", "经济2301", "S1"), ("2022", "经济2201", "S1")]),
    ("INF", "信息工程学院", [("2023", "计科2301", "S1"), ("2022", "计科2201", "S2")]),
]
FUNCTIONAL = [("LOG", "后勤保障处"), ("DIS", "纪委办公室"), ("PSY", "心理健康教育中心"),
              ("ORG", "党委组织部"), ("JWC", "教务处")]


def build() -> dict[str, list[list[str]]]:
    names = (s + g for g in GIVEN for s in SURNAMES[:12])
    units = [["DEMO", "示范大学", "university", "", ""]]
    people: list[list[str]] = []
    roles: list[list[str]] = []
    zones: list[list[str]] = []
    party_students: list[tuple[str, str]] = []  # (number, building)

    def person(number: str, kind: str, unit: str, grade: str = "", cls: str = "",
               building: str = "", room: str = "") -> str:
        people.append([number, next(names), kind, unit, grade, cls, building, room,
                       f"138{number[-8:]}"])
        return number

    student_no = 0
    for c_no, (code, cname, classes) in enumerate(COLLEGES, start=1):
        units.append([code, cname, "college", "DEMO", ""])
        branch_names = {b: cname + ("本科生第一党支部" if b == "S1" else "本科生第二党支部")
                        for _, _, b in classes}
        for b, bname in branch_names.items():
            units.append([f"{code}-{b}", bname, "branch", code, "student"])
        branch_party: dict[str, list[str]] = {}
        units.append([f"{code}-T1", cname + "教工党支部", "branch", code, "staff"])
        staff = [person(f"90{c_no:02d}0000{i:02d}", "staff", f"{code}-T1") for i in range(1, 6)]
        secretary, deputy_secretary, counsellor, teacher1, teacher2 = staff
        roles += [[n, "party_member", f"{code}-T1"] for n in (secretary, deputy_secretary, teacher1, teacher2)]
        roles += [[secretary, "college_committee", code], [deputy_secretary, "college_committee", code],
                  [teacher1, "branch_secretary", f"{code}-T1"],
                  [counsellor, "counsellor", code], [counsellor, "crisis_team", code],
                  [counsellor, "party_member", f"{code}-S1"], [counsellor, "branch_secretary", f"{code}-S1"]]
        for k_no, (grade, cls, b) in enumerate(classes, start=1):
            class_party = []
            for seq in range(1, 5):
                building = f"{student_no % 3 + 1}号楼"
                room = f"{student_no % 3 + 1}{seq + 1}{c_no:01d}{k_no}"
                number = person(f"{grade}{c_no:02d}{k_no:02d}{seq:02d}", "student", f"{code}-{b}",
                                grade, cls, building, room)
                student_no += 1
                if seq <= 2:  # the first two of each class are party members
                    roles.append([number, "party_member", f"{code}-{b}"])
                    party_students.append((number, building))
                    class_party.append(number)
            branch_party.setdefault(b, []).extend(class_party)
            if b == "S2":
                roles.append([class_party[0], "branch_secretary", f"{code}-{b}"])
            zones.append([f"Z-{code}-{grade}-ACA", f"{cls}教学教务责任区", "academic", "class", cls,
                          class_party[0], class_party[1]])
        for b, members in branch_party.items():
            zones.append([f"Z-{code}-{b}-STU", f"{branch_names[b]}学生事务责任区", "student_affairs",
                          "branch", f"{code}-{b}", members[-1], counsellor])
        zones += [
            [f"Z-{code}-T1-STAFF", f"{cname}教职工事务责任区", "staff_affairs", "branch", f"{code}-T1",
             teacher1, teacher2],
            [f"Z-{code}-EMP", f"{cname}就业实习责任区", "employment", "college", code,
             deputy_secretary, teacher2],
            [f"Z-{code}-ALL", f"{cname}兜底责任区", "*", "college", code, counsellor, deputy_secretary],
        ]

    for building in ("1号楼", "2号楼", "3号楼"):
        residents = [n for n, b in party_students if b == building]
        zones.append([f"Z-B{building[0]}-LOG", f"{building}后勤生活责任区", "logistics",
                      "dorm_building", building, residents[0], residents[1]])

    for f_no, (code, name) in enumerate(FUNCTIONAL, start=1):
        units.append([code, name, "functional", "DEMO", "admin_logistics"])
    staff_of = {code: [person(f"91{f_no:02d}0000{i:02d}", "staff", code) for i in range(1, 3)]
                for f_no, (code, _) in enumerate(FUNCTIONAL, start=1)}
    leader = person("9200000001", "staff", "DEMO")
    roles += [
        [staff_of["LOG"][0], "functional_contact", "LOG"], [staff_of["JWC"][0], "functional_contact", "JWC"],
        [staff_of["DIS"][0], "discipline_contact", "DIS"], [staff_of["DIS"][1], "discipline_contact", "DIS"],
        [staff_of["PSY"][0], "psych_centre", "PSY"], [staff_of["PSY"][1], "psych_centre", "PSY"],
        [staff_of["PSY"][0], "crisis_team", "PSY"], [staff_of["PSY"][1], "crisis_team", "PSY"],
        [staff_of["ORG"][0], "admin", "ORG"], [staff_of["ORG"][1], "identity_supervisor", "ORG"],
        [leader, "leader", "DEMO", "INF、ACC"],
    ]
    # 领导接待日: every Wednesday afternoon, postponed past holidays; the heads of 教务处
    # and 后勤保障处 accompany. New Year's Eve week: moved to Thursday morning.
    # 下访: on the second Thursday of each month the leader visits the contact unit 信息工程学院,
    # whose people are told ahead and may book topics; the college's secretary accompanies.
    reception = [["R-LEADER1", leader, "行政楼 201", "weekly", "三", "14:30", "16:30", "6",
                  "", "next", f"{staff_of['JWC'][0]}、{staff_of['LOG'][0]}", "", ""],
                 ["V-LEADER1-INF", leader, "信息工程学院 学术报告厅", "monthly", "四", "15:00",
                  "16:30", "6", "", "next", "9003000001", "INF", "2"]]
    reception_dates = [["R-LEADER1", "2026-12-30", "move", "2026-12-31", "09:00", "11:00"]]
    calendar = [["2027-01-18", "2027-02-20", "closed", "寒假"],
                ["2027-02-28", "", "open", "开学报到（补班）"]]
    return {"units": units, "people": people, "roles": roles, "zones": zones,
            "calendar": calendar, "reception": reception, "reception_dates": reception_dates}


def write(path: Path) -> None:
    tables = {title: (COLUMNS[title], rows) for title, rows in build().items()}
    write_roster_workbook(path, tables, created=datetime(2025, 1, 1),
                          creator="Xinqiao examples/make_roster.py")


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("roster.xlsx")
    write(out)
    print(f"wrote {out}")
