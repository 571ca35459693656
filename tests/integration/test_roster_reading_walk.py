"""Reading what an officer's walk fed the roster commands (issue 16, the walk on a clean
clone): a workbook whose only sheet has Excel's default name is refused, naming the sheets
it has and the names expected, and a stray sheet beside the roster's is a warning (the 说明
sheet is not); a deactivation list headed ``number`` (the template's and an export's
header) or any other name of the people sheet's number column is read as a header, in a
.txt, a CSV with a BOM or in GB18030, and a workbook gives its people sheet, not the 说明
sheet an export puts first; a folder is said to be a folder. Real files on disk."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from core.people.roster_aliases import COLUMN_NAMES
from locales import Catalog
from storage.people.roster import NumberListError, RosterFileError, read_numbers, read_roster

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "roster.xlsx"
CATALOG = Catalog.load()
PEOPLE = [["number", "name", "kind", "unit_code"], ["2022020201", "张三", "student", "ACC"]]


def book(path: Path, *sheets: tuple[str, list[list[object]]], hidden: str = "") -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title == hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def test_a_workbook_with_none_of_the_rosters_sheets_is_refused_naming_them(
        tmp_path: Path) -> None:
    typo = book(tmp_path / "typo.xlsx", ("Sheet1", PEOPLE))
    with pytest.raises(RosterFileError) as caught:
        read_roster(typo)
    error = caught.value
    assert error.key == "roster_file.no_sheets" and error.params["found"] == "Sheet1"
    zh = CATALOG.render_plain("zh_CN", error.key, error.params)
    en = CATALOG.render_plain("en", error.key, error.params)
    for text in (zh, en):
        assert "\n" not in text and "Sheet1" in text and "people/人员" in text, text
        assert "units/单位" in text and "reception_dates/接待日调整" in text
    assert "没有任何更改" in zh and "nothing was changed" in en

    notes_only = book(tmp_path / "notes.xlsx", ("说明", [["sheet", "column"]]))
    with pytest.raises(RosterFileError) as caught:
        read_roster(notes_only)
    assert caught.value.key == "roster_file.no_sheets" and caught.value.params["found"] == "说明"


def test_a_stray_sheet_beside_the_rosters_is_a_warning_and_the_notes_are_not(
        tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(EXAMPLE)  # 说明 first, then the roster's sheets
    wb.create_sheet("Sheet2").append(["number"])
    wb.save(tmp_path / "extra.xlsx")
    sheets = read_roster(tmp_path / "extra.xlsx")
    assert "people" in sheets and len(sheets["people"]) == 50
    assert [(w.sheet, w.key) for w in sheets.warnings] == [
        ("Sheet2", "roster_problem.unknown_sheet")]
    assert "people/人员" in CATALOG.render_plain("zh_CN", "roster_problem.unknown_sheet",
                                                 sheets.warnings[0].params)
    assert read_roster(EXAMPLE).warnings == []  # its 说明 sheet is no stray


@pytest.mark.parametrize("header", ["number", "Number", "学号/工号", "学工号", "编号", "ｎｕｍｂｅｒ"])
def test_a_text_list_headed_by_any_name_of_the_number_column(tmp_path: Path,
                                                              header: str) -> None:
    listed = tmp_path / "dl.txt"
    listed.write_text(f"{header}\n2022020201\n", encoding="utf-8")
    assert read_numbers(listed).numbers == ["2022020201"]


def test_every_alias_of_the_number_header_is_a_header(tmp_path: Path) -> None:
    listed = tmp_path / "list.csv"
    for alias in ("number", *COLUMN_NAMES["people"]["number"]):
        listed.write_text(f"姓名,{alias}\n张三,2022020201\n", encoding="utf-8-sig")
        assert read_numbers(listed).numbers == ["2022020201"], alias


def test_a_csv_list_with_a_bom_or_in_gb18030_finds_its_number_column(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffnumber\r\n2022020201\r\n".encode())
    assert read_numbers(bom).numbers == ["2022020201"]
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("姓名,学工号\r\n张三,2022020201\r\n李四,2022020202\r\n".encode("gb18030"))
    listed = read_numbers(gbk)
    assert listed.numbers == ["2022020201", "2022020202"]


def test_a_list_workbook_gives_its_people_sheet_not_the_notes_before_it(
        tmp_path: Path) -> None:
    export = book(tmp_path / "export.xlsx", ("说明", [["工作表 sheet"], ["(all)"]]),
                  ("units", [["code"], ["ACC"]]), ("人员", PEOPLE))
    assert read_numbers(export).numbers == ["2022020201"]
    headed = book(tmp_path / "headed.xlsx", ("说明", [["工作表 sheet"], ["(all)"]]),
                  ("Sheet1", [["姓名", "学号"], ["张三", "2022020203"]]))
    assert read_numbers(headed).numbers == ["2022020203"]
    hidden = book(tmp_path / "hidden.xlsx", ("old", [["2022020209"]]),
                  ("Sheet1", [["2022020204"], ["2022020205"]]), hidden="old")
    assert read_numbers(hidden).numbers == ["2022020204", "2022020205"]


def test_a_folder_is_said_to_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(NumberListError) as caught:
        read_numbers(tmp_path)
    assert caught.value.key == "roster_cli.list_is_folder"
    zh = CATALOG.render_plain("zh_CN", caught.value.key, caught.value.params)
    assert "文件夹" in zh and "找不到" not in zh
