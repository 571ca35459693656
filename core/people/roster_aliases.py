"""The roster's words: the English and Chinese names of its sheets, columns and coded
values, as aliases of one another (docs/decisions/0026), and how a cell is cleaned before
it is checked (full-width letters and digits folded, a Chinese word turned into its code).

The English names are the codes: ``examples/roster.xlsx`` and exports use them, and the
stored data holds them. The first Chinese name of each column is the one the 说明 sheet
shows. The reception sheets' words (每周, 顺延, 改期, ...) and the calendar's status words
are their parsers' (``core.reception.words``, ``core.calendar.days``).
"""
from __future__ import annotations

from collections.abc import Callable

#: sheet key -> its Chinese name (the first is the one documented).
SHEET_NAMES: dict[str, tuple[str, ...]] = {
    "units": ("单位",), "people": ("人员",), "roles": ("角色",), "zones": ("责任区",),
    "calendar": ("校历调整",), "reception": ("接待安排",), "reception_dates": ("接待日调整",),
}

_NUMBER = ("学号/工号", "学号", "工号", "学工号", "编号")
#: sheet -> column -> its Chinese names (the first is the one documented).
COLUMN_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "units": {"code": ("单位代码", "代码"), "name": ("单位名称", "名称"),
              "kind": ("单位类型", "类型"), "parent_code": ("上级单位代码", "上级单位"),
              "unit_class": ("考核分类", "分类")},
    "people": {"number": _NUMBER, "name": ("姓名",), "kind": ("人员类别", "类别", "身份"),
               "unit_code": ("单位代码", "所在单位代码", "所在单位"), "grade": ("年级",),
               "class_name": ("班级",), "dorm_building": ("宿舍楼",),
               "dorm_room": ("宿舍房间号", "宿舍号", "房间号"),
               "phone": ("手机号", "手机", "电话")},
    "roles": {"number": _NUMBER, "role": ("角色",),
              "unit_code": ("单位代码", "角色所在单位代码", "所在单位"),
              "contact_units": ("领导联系点", "联系点")},
    "zones": {"code": ("责任区代码", "代码"), "name": ("责任区名称", "名称"),
              "category": ("诉求类别", "类别"), "scope": ("范围",),
              "value": ("范围取值", "取值"), "member_number": ("责任党员", "责任党员学号/工号"),
              "deputy_number": ("替补党员", "AB岗")},
    "calendar": {"from": ("起始日期",), "to": ("结束日期",), "status": ("状态",),
                 "label": ("说明",)},
    "reception": {"code": ("安排代码",), "leader": ("接待领导",), "place": ("地点",),
                  "repeat": ("重复",), "weekday": ("星期几", "星期"), "nth": ("第几个",),
                  "month_day": ("每月几号",), "interval": ("间隔",), "from": ("起始日期",),
                  "until": ("结束日期",), "start": ("开始时间",), "end": ("结束时间",),
                  "capacity": ("议题数",), "cutoff": ("预约截止",),
                  "holiday_policy": ("遇节假日",), "accompany": ("陪同人员", "陪同"),
                  "contact_unit": ("下访单位", "联系点")},
    "reception_dates": {"schedule": ("安排代码",), "date": ("日期",), "action": ("调整方式",),
                        "new_date": ("新日期",), "start": ("开始时间",),
                        "end": ("结束时间",)},
}

#: (sheet, column) -> code -> the Chinese words that mean it (the first is documented).
VALUE_WORDS: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("units", "kind"): {"university": ("学校",), "college": ("学院",),
                        "branch": ("党支部", "支部"), "functional": ("职能部门",)},
    ("units", "unit_class"): {"student": ("学生支部", "学生"), "staff": ("教工支部", "教工"),
                              "admin_logistics": ("机关后勤",)},
    ("people", "kind"): {"student": ("学生",), "staff": ("教职工", "教工")},
    ("roles", "role"): {
        "party_member": ("党员",), "branch_secretary": ("支部书记",),
        "college_committee": ("学院党委",), "counsellor": ("辅导员",),
        "psych_centre": ("心理中心",), "crisis_team": ("危机干预小组",),
        "functional_contact": ("职能部门联系人",), "discipline_contact": ("纪委联系人",),
        "identity_supervisor": ("身份监督人",), "leader": ("校领导", "领导"),
        "admin": ("组织部管理员", "管理员")},
    ("zones", "scope"): {"dorm_building": ("宿舍楼",), "class": ("班级",),
                         "branch": ("支部", "党支部"), "college": ("学院",)},
    # The category names as the locale files show them today; the codes are what is stored.
    ("zones", "category"): {
        "*": ("全部",), "logistics": ("后勤生活",), "academic": ("教学教务",),
        "student_affairs": ("学生事务",), "employment": ("就业实习",),
        "safety": ("校园安全",), "it": ("网络与信息化",), "health": ("医疗健康",),
        "psych": ("心理健康",), "staff_affairs": ("教职工事务",), "finance": ("财务报销",),
        "policy": ("校务公开/政策咨询", "政策咨询"), "party": ("党务",),
        "suggestion": ("意见建议/表扬", "意见建议"), "report": ("举报",)},
}

#: Identifier columns: a cell typed as a number there may have lost leading zeros
#: (core.people.roster_checks), and full-width characters are folded.
ID_COLUMNS: dict[str, frozenset[str]] = {
    "units": frozenset({"code", "parent_code"}),
    "people": frozenset({"number", "unit_code", "phone", "dorm_room"}),
    "roles": frozenset({"number", "unit_code"}),
    "zones": frozenset({"code", "member_number", "deputy_number"}),
    "reception": frozenset({"code", "leader", "accompany", "contact_unit"}),
    "reception_dates": frozenset({"schedule"}),
}
#: Other columns of codes, numbers, dates and times: full-width characters are folded too.
_CODED = {"people": {"grade"}, "roles": {"contact_units"},
          "calendar": {"from", "to", "status"},
          "reception": {"repeat", "weekday", "nth", "month_day", "interval", "from", "until",
                        "start", "end", "capacity", "cutoff", "holiday_policy"},
          "reception_dates": {"date", "action", "new_date", "start", "end"}}
#: Names matched between sheets (a zone's building or class against people's): only
#: full-width letters and digits are folded; punctuation such as （） stays as typed.
_MATCHED = {"people": {"class_name", "dorm_building"}, "zones": {"value"}}

_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_ALNUM = {c: c - 0xFEE0 for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                  *range(0xFF41, 0xFF5B))}


def fold_width(text: str) -> str:
    """Full-width ASCII (Ｃ, １２３, －) and the ideographic space as plain ASCII."""
    return text if text.isascii() else text.translate(_FULL_WIDTH).strip()


def fold_alnum(text: str) -> str:
    """Only full-width letters and digits as ASCII (１号楼 -> 1号楼)."""
    return text if text.isascii() else text.translate(_ALNUM)


def _lookup(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {**{code: code for code in words},
            **{w.lower(): code for code, ws in words.items() for w in ws}}


SHEET_ALIASES: dict[str, str] = _lookup(SHEET_NAMES)
#: Sheets a workbook may hold beside the roster's, read by people only: the 说明 sheet of
#: the template and of an export (a README, say). Any other sheet is named in a warning.
NOTES_SHEETS = frozenset({"说明", "notes", "readme"})
_COLUMNS = {sheet: _lookup(columns) for sheet, columns in COLUMN_NAMES.items()}
_VALUES = {key: _lookup(words) for key, words in VALUE_WORDS.items()}


def sheet_key(name: str) -> str | None:
    """The sheet (or CSV file stem) ``name`` as a sheet key; None: not a roster sheet."""
    return SHEET_ALIASES.get(fold_width(name).strip().lower())


def notes_sheet(name: str) -> bool:
    """Whether a sheet named ``name`` is notes for people (说明), not roster data."""
    return fold_width(name).strip().lower() in NOTES_SHEETS


def sheet_names() -> str:
    """Every roster sheet with its Chinese name, for a message: ``units/单位, people/人员``."""
    return ", ".join(f"{key}/{names[0]}" for key, names in SHEET_NAMES.items())


def column_key(sheet: str, header: str) -> str:
    """A header cell as its column code; an unknown header comes back lowercased."""
    text = fold_width(header).strip().lower()
    return _COLUMNS.get(sheet, {}).get(text, text)


def chinese_column(sheet: str, column: str) -> str:
    """The documented Chinese name of a column ("" if it has none)."""
    return next(iter(COLUMN_NAMES.get(sheet, {}).get(column, ())), "")


def known_words(sheet: str, column: str, codes: tuple[str, ...]) -> str:
    """``codes`` with their Chinese words, for a message: ``student 学生, staff 教职工``."""
    words = VALUE_WORDS.get((sheet, column), {})
    return ", ".join(" ".join((code, *words.get(code, ())[:1])) for code in codes)


def cell_cleaner(sheet: str, column: str) -> Callable[[str], str] | None:
    """What the reader does to each cell of a column before core checks it; None: nothing.

    Coded values become their code (学生 -> student, ＳＴＵＤＥＮＴ -> student); an
    unknown word is left as typed (folded) for the check to report.
    """
    words = _VALUES.get((sheet, column))
    if words is not None:
        return lambda text: words.get(fold_width(text).lower(), fold_width(text))
    if column in ID_COLUMNS.get(sheet, ()) or column in _CODED.get(sheet, ()):
        return fold_width
    if column in _MATCHED.get(sheet, ()):
        return fold_alnum
    return None
