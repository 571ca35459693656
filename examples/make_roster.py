"""Generate examples/roster.xlsx: the roster of the fictional 示范大学 (code DEMO).

Run: .venv/bin/python examples/make_roster.py [out.xlsx]

Everything is derived from fixed lists (no randomness), so the file is the same every
run. Person numbers and phones are written as text cells: as numbers Excel would show
2023010101 fine but silently drop leading zeros and mangle long numbers.
"""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

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
TEXT_COLUMNS = {"number", "phone", "member_number", "deputy_number", "grade", "dorm_room",
                "from", "to", "leader", "accompany", "date", "new_date", "start", "end",
                "cutoff"}

README = [
    ("(all)", "", "第1行是列名，请勿修改；工作表名可用英文或中文（units/单位, people/人员, roles/角色, zones/责任区, calendar/校历调整, reception/接待安排, reception_dates/接待日调整）；学号、工号、电话请设为文本格式",
     "Row 1 holds the column names; do not change them. Sheets may be named in English or Chinese. Format numbers and phones as text."),
    ("units", "code", "单位代码，唯一", "unit code, unique"),
    ("units", "name", "单位名称", "unit name"),
    ("units", "kind", "类型：university 学校 / college 学院 / branch 党支部 / functional 职能部门", "university, college, branch or functional"),
    ("units", "parent_code", "上级单位代码：学院→学校，支部→学院，职能部门→学校或职能部门；学校留空", "parent unit: college→university, branch→college, functional→university or functional; empty for the university"),
    ("units", "unit_class", "考核分类：student 学生支部 / staff 教工支部 / admin_logistics 机关后勤；支部和职能部门必填", "ranking class; required for branches and functional units"),
    ("people", "number", "学号或工号（文本），唯一", "student or staff number (text), unique"),
    ("people", "name", "姓名", "name"),
    ("people", "kind", "student 学生 / staff 教职工", "student or staff"),
    ("people", "unit_code", "所在单位代码（学生填所在党支部）", "the person's unit (students: their branch)"),
    ("people", "grade", "年级（学生）", "grade (students)"),
    ("people", "class_name", "班级（学生）", "class (students)"),
    ("people", "dorm_building", "宿舍楼，如 1号楼", "dorm building, e.g. 1号楼"),
    ("people", "dorm_room", "宿舍房间号", "dorm room"),
    ("people", "phone", "手机号（文本）", "phone (text)"),
    ("roles", "number", "人员学号/工号", "the person's number"),
    ("roles", "role", "角色：party_member 党员, branch_secretary 支部书记, college_committee 学院党委, counsellor 辅导员, psych_centre 心理中心, crisis_team 危机干预小组, functional_contact 职能部门联系人, discipline_contact 纪委联系人, identity_supervisor 身份监督人, leader 校领导, admin 组织部管理员",
     "role code"),
    ("roles", "unit_code", "角色所在单位代码（支部书记→支部，学院党委→学院）", "unit of the role (branch_secretary→branch, college_committee→college)"),
    ("zones", "code", "责任区代码，唯一", "zone code, unique"),
    ("zones", "name", "责任区名称", "zone name"),
    ("zones", "category", "诉求类别代码，* 表示全部类别：logistics, academic, student_affairs, employment, safety, it, health, psych, staff_affairs, finance, policy, party, suggestion, report",
     "category code, or * for all"),
    ("zones", "scope", "范围：dorm_building 宿舍楼 / class 班级 / branch 支部 / college 学院", "what the zone matches on"),
    ("zones", "value", "范围取值：楼名、班级名或单位代码", "building name, class name or unit code"),
    ("zones", "member_number", "责任党员学号/工号（须有 party_member 角色）", "responsible party member"),
    ("zones", "deputy_number", "AB岗：替补党员（可空）", "deputy party member (optional)"),
    ("calendar", "", "校历调整（可选工作表，也可命名为「校历调整」）：修正工作日，用于办理时限、回访和催办的工作日计算。导入含此表的花名册时，以此表替换上次由花名册导入的调整；由命令（/calendar 或 python -m bot calendar）设置的日期保留，同一天以命令为准。不含此表时，已有调整不变。",
     "Optional sheet (calendar or 校历调整): corrections of the working-day calendar used for time limits, follow-ups and reminders. Importing a file with this sheet replaces the corrections an earlier sheet set; days set by command (/calendar, python -m bot calendar) are kept and win. Without the sheet nothing changes."),
    ("calendar", "from", "起始日期，如 2027-01-18", "first day, e.g. 2027-01-18"),
    ("calendar", "to", "结束日期（含当日，可空：只调整起始日期这一天）；一行最多 366 天，各行日期不能重叠", "last day, included (empty: just the first day); at most 366 days a row; rows must not overlap"),
    ("calendar", "status", "closed 停课/放假（不计工作日）或 open 上班/补班（计为工作日）；也可直接填 停课、放假、上班、补班", "closed (not a working day) or open (a working day); 停课, 放假, 上班 or 补班 also work"),
    ("calendar", "label", "说明，如 寒假、考试周（最多 100 字）", "why, e.g. 寒假 (winter vacation), 考试周 (exam week); at most 100 characters"),
    ("roles", "contact_units", "领导联系点（可选列，仅 leader 角色行）：学院或支部代码，多个用逗号或、分隔；含此列时以此为准，不含此列时不变", "leaders' contact units (optional column, leader rows only): college or branch codes separated by , or 、"),
    ("reception", "", "接待安排（可选工作表，也可命名为「接待安排」）：领导接待日的时间表，每行一个。含此表时以此为准（表中没有的安排停用，其今后的接待日取消；管理员用 /receptions 命令新增的安排保留，表中列出的安排以表为准）；不含此表时不变。", "Optional sheet (reception or 接待安排): leaders' reception-day schedules, one a row. With the sheet, it is the whole list (a schedule missing from it is stopped, except one an admin added with /receptions; a schedule it lists takes the sheet's values); without it nothing changes."),
    ("reception", "code", "安排代码，唯一，如 R-LEADER1", "schedule code, unique"),
    ("reception", "leader", "接待领导的工号（须有 leader 角色）", "the leader's number (must hold the leader role)"),
    ("reception", "place", "地点，如 行政楼 201", "place"),
    ("reception", "repeat", "重复：weekly 每周 / monthly 每月", "weekly or monthly"),
    ("reception", "weekday", "星期几：1-7、一..日 或 mon..sun，多个用逗号分隔（每周必填；每月第几个星期几时也填）", "weekday(s): 1-7, 一..日 or mon..sun"),
    ("reception", "nth", "（每月，可选列）第几个：如 2,4 表示第二和第四个；-1 表示最后一个", "(monthly, optional column) which ones, e.g. 2,4; -1 the last"),
    ("reception", "month_day", "（每月，可选列）每月几号：1-31，-1 表示月末；没有这一天的月份不安排", "(monthly, optional column) day of the month, 1-31 or -1 (the last)"),
    ("reception", "interval / from / until", "（可选列）间隔（如每两周填 2，须同时填 from）、起始日期、结束日期", "(optional columns) interval (2 = every other week, needs from), first and last date"),
    ("reception", "start / end", "开始、结束时间，如 14:30、16:30", "start and end time"),
    ("reception", "capacity", "每次可预约的议题数，默认 6", "topics per session, default 6"),
    ("reception", "cutoff", "预约截止：空 = 前一个工作日 16:00；15:00 = 前一个工作日 15:00；2 12:00 = 提前两个工作日 12:00", "booking cut-off: empty = previous working day 16:00; '2 12:00' = two working days before at 12:00"),
    ("reception", "holiday_policy", "遇节假日：skip 跳过 / previous 提前到前一个工作日 / next 顺延到下一个工作日；默认 skip", "on a holiday: skip, previous (the working day before) or next (the working day after)"),
    ("reception", "accompany", "陪同接待的单位负责人工号，多个用逗号或、分隔", "accompanying unit heads' numbers"),
    ("reception", "contact_unit", "（可选）填写时这是校领导到该联系点（学院或支部）的下访：该单位师生会提前收到通知，且只有他们可以预约", "(optional) makes the schedule an outreach visit (下访) to that contact unit (a college or branch): its people are told ahead and only they may book"),
    ("reception_dates", "", "接待日调整（可选工作表，也可命名为「接待日调整」）：单日取消、改期或加开；需与接待安排表同时提供", "Optional sheet (reception_dates or 接待日调整): cancel, move or add single dates; needs the reception sheet"),
    ("reception_dates", "schedule / date", "安排代码；日期（取消、改期：原定或顺延后的日期；加开：加开的日期）", "schedule code; the date concerned (for extra: the new session's date)"),
    ("reception_dates", "action", "cancel 取消 / move 改期 / extra 加开", "cancel, move or extra"),
    ("reception_dates", "new_date / start / end", "改期后的日期（改期）；新的开始、结束时间（可空：不变）", "the new date (move); new start/end times (empty: unchanged)"),
]

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
    book = Workbook()
    readme = book.active
    readme.title = "说明"
    readme.append(["工作表 sheet", "列 column", "说明", "Description"])
    for row in README:
        readme.append(list(row))
    for letter, width in zip("ABCD", (12, 16, 70, 60)):
        readme.column_dimensions[letter].width = width
    for title, rows in build().items():
        ws = book.create_sheet(title)
        ws.append(COLUMNS[title])
        for row in rows:
            ws.append(row)
        for col_no, column in enumerate(COLUMNS[title], start=1):
            ws.cell(1, col_no).font = Font(bold=True)
            ws.column_dimensions[ws.cell(1, col_no).column_letter].width = 16
            if column in TEXT_COLUMNS:  # keeps Excel from turning numbers typed later into floats
                for (cell,) in ws.iter_rows(min_row=2, min_col=col_no, max_col=col_no):
                    cell.number_format = "@"
        ws.freeze_panes = "A2"
    for sheet in book.worksheets:
        sheet["A1"].font = Font(bold=True)
    book.properties.creator = "Xinqiao examples/make_roster.py"
    book.properties.created = book.properties.modified = datetime(2025, 1, 1)
    book.save(path)


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("roster.xlsx")
    write(out)
    print(f"wrote {out}")
