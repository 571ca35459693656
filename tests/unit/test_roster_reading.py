"""Reading a roster workbook as officers type it (issue 16, docs/decisions/0026): Chinese
sheet names, headers and values as aliases of the English ones; full-width characters;
identifiers typed as numbers; merged cells, formulas without a value, hidden sheets,
unknown columns and zones nobody is in. Each workbook is written with openpyxl here."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from core.people.roster import RosterInvalid, RosterProblem
from core.people.roster_aliases import SHEET_NAMES, VALUE_WORDS, chinese_column
from core.people.roster_validation import validate_roster
from locales import Catalog
from storage.people.roster import read_roster
from tests.unit.test_roster_rules import BASE, M1, M2, S3

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "roster.xlsx"
CATALOG = Catalog.load()
#: the reception and calendar sheets' own words (their parsers' tables)
OTHER_WORDS = {("reception", "repeat"): {"weekly": "每周", "monthly": "每月"},
               ("reception", "holiday_policy"): {"skip": "跳过", "previous": "提前",
                                                 "next": "顺延"},
               ("reception_dates", "action"): {"cancel": "取消", "move": "改期", "extra": "加开"},
               ("calendar", "status"): {"closed": "放假", "open": "补班"}}


def write(path: Path, sheets: dict[str, list[list[Any]]], edit: Any = None) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    if edit is not None:
        edit(book)
    book.save(path)
    return path


def base(**changes: dict[int, dict[str, Any]]) -> dict[str, list[list[Any]]]:
    """The small valid roster of test_roster_rules as sheets; ``people={0: {"phone": 1}}``
    changes cells (any type) of row 0."""
    data: dict[str, list[dict[str, Any]]] = copy.deepcopy(BASE)  # type: ignore[arg-type]
    for sheet, rows in changes.items():
        for index, values in rows.items():
            data[sheet][index].update(values)
    return {name: [list(rows[0]), *[list(r.values()) for r in rows]]
            for name, rows in data.items()}


def load(path: Path):  # noqa: ANN201
    return validate_roster(read_roster(path))


def problems(path: Path) -> list[tuple[str, int, str, str, dict[str, Any]]]:
    with pytest.raises(RosterInvalid) as caught:
        load(path)
    return [(p.sheet, p.line, p.column, p.key, p.params) for p in caught.value.problems]


def warnings(found: tuple[RosterProblem, ...] | list[RosterProblem]) -> list[tuple[Any, ...]]:
    return [(p.sheet, p.line, p.column, p.key, p.params) for p in found]


# --- Chinese and English as aliases ------------------------------------------------------

def chinese(book: Any) -> None:
    """The example with every sheet name, header and coded value in Chinese."""
    for ws in book.worksheets:
        key = ws.title
        if key not in SHEET_NAMES:
            continue
        words = {column: dict(VALUE_WORDS.get((key, column), {}))
                 for column in [c.value for c in ws[1]]}
        for (sheet, column), table in OTHER_WORDS.items():
            if sheet == key:
                words[column] = {code: (word,) for code, word in table.items()}
        for cell in ws[1]:
            column = cell.value
            table = words.get(column) or {}
            for (value,) in ws.iter_rows(min_row=2, min_col=cell.column, max_col=cell.column):
                if value.value in table:
                    value.value = table[value.value][0]
            cell.value = chinese_column(key, column)
            assert cell.value, (key, column)
        ws.title = SHEET_NAMES[key][0]


def test_a_chinese_workbook_imports_as_the_same_data_as_the_english_example(tmp_path):
    path = tmp_path / "中文.xlsx"
    book = openpyxl.load_workbook(EXAMPLE)
    chinese(book)
    book.save(path)
    assert "人员" in openpyxl.load_workbook(path, read_only=True).sheetnames
    people = openpyxl.load_workbook(path, read_only=True)["人员"]
    assert next(people.iter_rows(max_row=1, values_only=True))[:3] == ("学号/工号", "姓名", "人员类别")
    sheets = read_roster(path)
    assert sheets.headers["人员"]["number"] == "学号/工号"
    roster = validate_roster(sheets)
    assert roster == load(EXAMPLE) and roster.warnings == ()


def test_chinese_names_are_documented_in_the_example_notes():
    notes = openpyxl.load_workbook(EXAMPLE, read_only=True)["说明"]
    rows = list(notes.iter_rows(values_only=True))
    assert ("people", "number") in {(r[0].split(" / ")[0], r[1]) for r in rows[1:]}
    kind = next(r for r in rows if r[0].startswith("people") and r[1] == "kind")
    assert kind[2] == "人员类别" and "学生" in kind[3]


def test_a_problem_names_the_column_as_the_file_wrote_it(tmp_path):
    sheets = base(people={0: {"kind": "老师"}})
    sheets["people"][0] = [chinese_column("people", c) for c in sheets["people"][0]]
    found = problems(write(tmp_path / "x.xlsx", sheets))
    assert found == [("people", 2, "人员类别", "roster_problem.unknown_person_kind",
                      {"value": "老师", "known": "student 学生, staff 教职工"})]
    text = CATALOG.render_plain("zh_CN", found[0][3], found[0][4])
    assert text == "未知的人员类别「老师」，可填：student 学生, staff 教职工"


def test_full_width_letters_and_digits_in_codes_and_numbers_are_folded(tmp_path):
    wide = str.maketrans("0123456789BSTUDENT", "０１２３４５６７８９ＢＳＴＵＤＥＮＴ")
    sheets = base(people={0: {"number": M1.translate(wide), "unit_code": "Ｂ１",
                              "kind": "ＳＴＵＤＥＮＴ", "dorm_building": "１号楼"}},
                  zones={0: {"value": "1号楼"}, 1: {"value": "Ｃ１"}},
                  roles={0: {"number": M1.translate(wide)}})
    sheets["people"][2][1] = "李（二）"  # names keep their full-width punctuation
    roster = load(write(tmp_path / "wide.xlsx", sheets))
    plain = load(write(tmp_path / "plain.xlsx", base()))
    assert roster.people[0] == plain.people[0]
    assert roster.people[1].name == "李（二）"
    assert roster.zones == plain.zones and roster.roles == plain.roles


# --- identifiers typed as numbers -------------------------------------------------------

def test_numbers_typed_as_numbers_import_with_one_warning_per_column(tmp_path):
    path = write(tmp_path / "n.xlsx", base(people={1: {"number": int(M2), "phone": 13800138000},
                                               2: {"number": int(S3)}},
                                           roles={1: {"number": int(M2)}}))
    roster = load(path)
    assert [p.number for p in roster.people] == [M1, M2, S3]
    assert warnings(roster.warnings) == [
        ("people", 3, "number", "roster_problem.numeric_ids", {"count": 2, "lines": "3, 4"}),
        ("people", 3, "phone", "roster_problem.numeric_ids", {"count": 1, "lines": "3"}),
        ("roles", 3, "number", "roster_problem.numeric_ids", {"count": 1, "lines": "3"})]
    assert CATALOG.render_plain("en", "roster_problem.numeric_ids", {"count": 2, "lines": "3, 4"}) \
        .startswith("2 cells of this column are number cells (lines 3, 4)")


def test_a_number_cell_beside_numbers_with_leading_zeros_is_an_error(tmp_path):
    path = write(tmp_path / "z.xlsx", base(people={0: {"number": "0123"}, 2: {"number": 124}},
                                           roles={0: {"number": "0123"}},
                                           zones={0: {"member_number": "0123"}}))
    assert problems(path) == [("people", 4, "number", "roster_problem.numeric_id_zeros",
                               {"value": "124"})]


def test_a_number_cell_longer_than_excel_keeps_is_an_error(tmp_path):
    path = write(tmp_path / "long.xlsx", base(people={2: {"phone": 1234567890123456}}))
    assert problems(path) == [("people", 4, "phone", "roster_problem.numeric_id_long",
                               {"value": "1234567890123456"})]


# --- what Excel hides from view ---------------------------------------------------------

def test_merged_cells_are_read_as_excel_shows_them_and_noted(tmp_path):
    def merge(book: Any) -> None:
        book["people"]["F3"] = None  # class_name of M2: empty under the merge
        book["people"].merge_cells("F2:F4")

    roster = load(write(tmp_path / "m.xlsx", base(people={2: {"class_name": ""}}), merge))
    assert [p.class_name for p in roster.people] == ["会计2301"] * 3
    assert warnings(roster.warnings) == [("people", 2, "class_name", "roster_problem.merged",
                                          {"cells": "F2:F4", "value": "会计2301"})]


def test_a_formula_without_a_saved_result_is_an_error_naming_the_cell(tmp_path):
    def formula(book: Any) -> None:
        book["people"]["B3"] = '=CONCATENATE("李","二")'  # openpyxl saves no result

    assert problems(write(tmp_path / "f.xlsx", base(), formula)) == [
        ("people", 3, "name", "roster_problem.empty", {}),
        ("people", 3, "name", "roster_problem.formula_no_value", {"cell": "B3"})]


def test_a_hidden_roster_sheet_is_imported_with_a_warning(tmp_path):
    def hide(book: Any) -> None:
        book["roles"].sheet_state = "hidden"

    roster = load(write(tmp_path / "h.xlsx", base(), hide))
    assert len(roster.roles) == 3
    assert warnings(roster.warnings) == [("roles", 0, "", "roster_problem.hidden_sheet", {})]


def test_unknown_columns_and_zones_nobody_is_in_are_warnings(tmp_path):
    sheets = base(zones={0: {"value": "9号楼"}})
    sheets["people"][0].append("备注")
    for row in sheets["people"][1:]:
        row.append("转专业")
    roster = load(write(tmp_path / "u.xlsx", sheets))
    found = warnings(roster.warnings)
    assert found[0][:4] == ("people", 1, "备注", "roster_problem.unknown_column")
    assert found[1] == ("zones", 2, "value", "roster_problem.zone_empty_building",
                        {"value": "9号楼"})
    assert CATALOG.render_plain("zh_CN", found[1][3], found[1][4]).startswith(
        "人员表中没有人住在宿舍楼「9号楼」")


def test_merged_header_cells_are_noted_and_an_empty_merge_is_not(tmp_path):
    sheets = base()
    sheets["people"][0] += ["备注", None]

    def merge(book: Any) -> None:
        book["people"].merge_cells("J1:K1")
        book["people"].merge_cells("G3:H3")  # M2 has no building and no room: nothing to fill

    roster = load(write(tmp_path / "mh.xlsx", sheets, merge))
    assert [w[3:] for w in warnings(roster.warnings)] == [
        ("roster_problem.merged_header", {"cells": "J1:K1"}),
        ("roster_problem.unknown_column", {"value": "备注", "known": ", ".join(
            ["number", "name", "kind", "unit_code", "grade", "class_name", "dorm_building",
             "dorm_room", "phone"])})]
